// Sizing-lab runs (SPEC 12, issue 15): lab_runs, lab_run_methods, lab_curve_points.

#include "StoreImpl.h"

#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <memory>
#include <optional>

#ifdef KELLY_STORE_HAS_SQLITE3
#include <sqlite3.h>
#endif

namespace kelly::store {

LabRunRecord labRunRecord(UtcTime ranAt, const QString& pricesDir, const QString& forecastFile,
                          const lab::LabOptions& options, const lab::LabSettings& settings,
                          const lab::LabResult& result)
{
    LabRunRecord record;
    record.ranAt = ranAt;
    record.pricesDir = QDir(pricesDir).absolutePath();
    if (!forecastFile.isEmpty())
        record.forecastFile = QFileInfo(forecastFile).absoluteFilePath();
    record.symbols = result.symbols;
    record.fromDate = result.calendar.front();
    record.toDate = result.calendar.back();
    record.startingEquityUsd = options.startingEquityUsd;
    record.costBps = options.costBps;
    record.lookback = options.lookback;
    record.settings = settings;
    record.annualizationDays = result.annualizationDays;
    record.runs = result.runs;
    return record;
}

namespace {

QString joined(const std::vector<std::string>& words)
{
    QStringList list;
    for (const std::string& word : words)
        list << QString::fromStdString(word);
    return list.join(QLatin1Char(' '));
}

std::vector<std::string> split(const QString& text)
{
    std::vector<std::string> words;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        words.push_back(word.toStdString());
    return words;
}

QVariant optionalText(const std::optional<std::string>& value)
{
    return value ? QVariant(QString::fromStdString(*value))
                 : QVariant(QMetaType(QMetaType::QString));
}

bool allFinite(const LabRunRecord& record)
{
    for (double v : {record.startingEquityUsd, record.costBps, record.settings.financingRateAnnual})
        if (!std::isfinite(v))
            return false;
    for (const lab::MethodRun& method : record.runs) {
        const lab::LabMetrics& m = method.metrics;
        for (const auto& value :
             {m.totalReturn, m.cagr, m.sharpe, m.sortino, m.maxDrawdown, m.calmar, m.worstDay,
              m.turnover, m.avgGrossLeverage, m.maxGrossLeverage})
            if (!isFiniteOptional(value))
                return false;
        for (double v : {m.financingUsd, m.costsUsd, m.finalEquityUsd, method.tradedValueUsd})
            if (!std::isfinite(v))
                return false;
        for (const lab::CurvePoint& p : method.curve)
            for (double v : {p.equityUsd, p.grossUsd, p.cashUsd, p.financingUsd, p.costsUsd})
                if (!std::isfinite(v))
                    return false;
    }
    return true;
}

// Curve points go in multi-row INSERTs of kPointsPerInsert rows (9 values each, under
// SQLite's oldest limit of 999 parameters): one statement run per chunk instead of per row,
// which is most of the cost of recording a run (and one round trip, not 64, on PostgreSQL).
constexpr std::size_t kPointsPerInsert = 64;
constexpr int kPointColumns = 9;

QString pointInsertSql(std::size_t rows)
{
    QString sql = QStringLiteral("INSERT INTO lab_curve_points (run_id, position, day, date,"
                                 " equity_usd, gross_usd, cash_usd, financing_usd, costs_usd)"
                                 " VALUES ");
    for (std::size_t row = 0; row < rows; ++row)
        sql += row == 0 ? QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        : QStringLiteral(", (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return sql;
}

// Binds points [first, first + count) of one run's curve into `insert`, row after row.
void bindPoints(QSqlQuery& insert, qint64 runId, qint64 position,
                const std::vector<lab::CurvePoint>& curve, std::size_t first, std::size_t count)
{
    for (std::size_t row = 0; row < count; ++row) {
        const std::size_t day = first + row;
        const lab::CurvePoint& p = curve[day];
        const int at = static_cast<int>(row) * kPointColumns;
        insert.bindValue(at, runId);
        insert.bindValue(at + 1, position);
        insert.bindValue(at + 2, static_cast<qint64>(day));
        insert.bindValue(at + 3, QString::fromStdString(p.date));
        insert.bindValue(at + 4, p.equityUsd);
        insert.bindValue(at + 5, p.grossUsd);
        insert.bindValue(at + 6, p.cashUsd);
        insert.bindValue(at + 7, p.financingUsd);
        insert.bindValue(at + 8, p.costsUsd);
    }
}

bool insertCurve(Store::Impl& impl, qint64 runId, qint64 position,
                 const std::vector<lab::CurvePoint>& curve, std::optional<QSqlQuery>& fullChunk,
                 QString* error)
{
    std::size_t first = 0;
    for (; curve.size() - first >= kPointsPerInsert; first += kPointsPerInsert) {
        if (!fullChunk)
            fullChunk = impl.prepare(pointInsertSql(kPointsPerInsert), error);
        bindPoints(*fullChunk, runId, position, curve, first, kPointsPerInsert);
        if (!run(*fullChunk, error))
            return false;
    }
    if (first == curve.size())
        return true;
    QSqlQuery rest = impl.prepare(pointInsertSql(curve.size() - first), error);
    bindPoints(rest, runId, position, curve, first, curve.size() - first);
    return run(rest, error);
}

#ifdef KELLY_STORE_HAS_SQLITE3
// On SQLite the curve goes through a RawSqliteInsert: Qt's binding was most of the cost of
// recording a run.
bool insertCurveSqlite(sqlite3* connection, qint64 runId, qint64 position,
                       const std::vector<lab::CurvePoint>& curve, QString* error)
{
    RawSqliteInsert insert(connection, pointInsertSql(1).toUtf8().constData());
    sqlite3_stmt* const raw = insert.statement();
    for (std::size_t day = 0; insert.ok() && day < curve.size(); ++day) {
        const lab::CurvePoint& p = curve[day];
        sqlite3_bind_int64(raw, 1, runId);
        sqlite3_bind_int64(raw, 2, position);
        sqlite3_bind_int64(raw, 3, static_cast<sqlite3_int64>(day));
        sqlite3_bind_text(raw, 4, p.date.data(), static_cast<int>(p.date.size()), SQLITE_STATIC);
        sqlite3_bind_double(raw, 5, p.equityUsd);
        sqlite3_bind_double(raw, 6, p.grossUsd);
        sqlite3_bind_double(raw, 7, p.cashUsd);
        sqlite3_bind_double(raw, 8, p.financingUsd);
        sqlite3_bind_double(raw, 9, p.costsUsd);
        insert.insertRow();
    }
    return insert.finish(QStringLiteral("lab run: recording the curve"), error);
}
#endif

bool insertMethods(Store::Impl& impl, qint64 runId, const LabRunRecord& record, QString* error)
{
#ifdef KELLY_STORE_HAS_SQLITE3
    // Null when the store is not SQLite: the multi-row path above serves it.
    sqlite3* const connection = sqliteConnection(impl.database());
#endif
    QSqlQuery method = impl.prepare(
        QStringLiteral("INSERT INTO lab_run_methods (run_id, position, method, total_return, cagr,"
                       " sharpe, sortino, max_drawdown, calmar, worst_day, financing_usd,"
                       " costs_usd, turnover, avg_gross_leverage, max_gross_leverage,"
                       " longest_drawdown_days, ruined_on, final_equity_usd, traded_value_usd)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        error);
    std::optional<QSqlQuery> fullChunk; // prepared at the first full chunk, then reused
    for (std::size_t position = 0; position < record.runs.size(); ++position) {
        const lab::MethodRun& r = record.runs[position];
        const lab::LabMetrics& m = r.metrics;
        const QVariantList values{runId,
                                  static_cast<qint64>(position),
                                  QString::fromStdString(lab::runName(r)),
                                  optionalValue(m.totalReturn),
                                  optionalValue(m.cagr),
                                  optionalValue(m.sharpe),
                                  optionalValue(m.sortino),
                                  optionalValue(m.maxDrawdown),
                                  optionalValue(m.calmar),
                                  optionalValue(m.worstDay),
                                  m.financingUsd,
                                  m.costsUsd,
                                  optionalValue(m.turnover),
                                  optionalValue(m.avgGrossLeverage),
                                  optionalValue(m.maxGrossLeverage),
                                  m.longestDrawdownDays,
                                  optionalText(m.ruinedOn),
                                  m.finalEquityUsd,
                                  r.tradedValueUsd};
        for (int i = 0; i < values.size(); ++i)
            method.bindValue(i, values[i]);
        if (!run(method, error))
            return false;
#ifdef KELLY_STORE_HAS_SQLITE3
        if (connection) {
            if (!insertCurveSqlite(connection, runId, static_cast<qint64>(position), r.curve,
                                   error))
                return false;
            continue;
        }
#endif
        if (!insertCurve(impl, runId, static_cast<qint64>(position), r.curve, fullChunk, error))
            return false;
    }
    return true;
}

LabRunRecord runFromRow(const QSqlQuery& q)
{
    LabRunRecord r;
    r.id = q.value(0).toLongLong();
    r.ranAt = parseIsoUtc(q.value(1).toString()).value_or(UtcTime{});
    r.pricesDir = printable(q.value(2).toString());
    r.forecastFile = printable(q.value(3).toString());
    r.symbols = split(q.value(4).toString());
    r.fromDate = q.value(5).toString().toStdString();
    r.toDate = q.value(6).toString().toStdString();
    r.startingEquityUsd = q.value(7).toDouble();
    r.costBps = q.value(8).toDouble();
    r.lookback = q.value(9).toInt();
    r.settings.limits.intradayLeverage = q.value(10).toDouble();
    r.settings.limits.overnightLeverage = q.value(11).toDouble();
    r.settings.limits.symbolCapPct = q.value(12).toDouble();
    r.settings.financingRateAnnual = q.value(13).toDouble();
    r.settings.cryptoList = CryptoList(split(q.value(14).toString()));
    r.annualizationDays = q.value(15).toInt();
    return r;
}

const QString kRunColumns = QStringLiteral(
    "SELECT id, ran_at, prices_dir, forecast_file, symbols, from_date, to_date,"
    " starting_equity_usd, cost_bps, lookback, intraday_limit, overnight_limit, symbol_cap_pct,"
    " financing_rate, crypto_list, annualization_days FROM lab_runs");

bool loadMethods(Store::Impl& impl, LabRunRecord& record, bool withCurves, QString* error)
{
    QSqlQuery q = impl.prepare(
        QStringLiteral("SELECT method, total_return, cagr, sharpe, sortino, max_drawdown, calmar,"
                       " worst_day, financing_usd, costs_usd, turnover, avg_gross_leverage,"
                       " max_gross_leverage, longest_drawdown_days, ruined_on, final_equity_usd,"
                       " traded_value_usd FROM lab_run_methods WHERE run_id = ? ORDER BY position"),
        error);
    q.addBindValue(record.id);
    if (!run(q, error))
        return false;
    while (q.next()) {
        lab::MethodRun r;
        if (!lab::parseRunName(q.value(0).toString().toStdString(), r))
            r.method = lab::Method::Enhanced;
        lab::LabMetrics& m = r.metrics;
        m.totalReturn = optionalDouble(q.value(1));
        m.cagr = optionalDouble(q.value(2));
        m.sharpe = optionalDouble(q.value(3));
        m.sortino = optionalDouble(q.value(4));
        m.maxDrawdown = optionalDouble(q.value(5));
        m.calmar = optionalDouble(q.value(6));
        m.worstDay = optionalDouble(q.value(7));
        m.financingUsd = q.value(8).toDouble();
        m.costsUsd = q.value(9).toDouble();
        m.turnover = optionalDouble(q.value(10));
        m.avgGrossLeverage = optionalDouble(q.value(11));
        m.maxGrossLeverage = optionalDouble(q.value(12));
        m.longestDrawdownDays = q.value(13).toInt();
        if (!q.value(14).isNull())
            m.ruinedOn = q.value(14).toString().toStdString();
        m.finalEquityUsd = q.value(15).toDouble();
        r.tradedValueUsd = q.value(16).toDouble();
        record.runs.push_back(std::move(r));
    }
    if (!withCurves)
        return true;
    QSqlQuery points = impl.prepare(
        QStringLiteral("SELECT position, date, equity_usd, gross_usd, cash_usd, financing_usd,"
                       " costs_usd FROM lab_curve_points WHERE run_id = ? ORDER BY position, day"),
        error);
    points.addBindValue(record.id);
    if (!run(points, error))
        return false;
    while (points.next()) {
        const auto position = static_cast<std::size_t>(points.value(0).toLongLong());
        if (position >= record.runs.size())
            continue;
        record.runs[position].curve.push_back(
            lab::CurvePoint{points.value(1).toString().toStdString(), points.value(2).toDouble(),
                            points.value(3).toDouble(), points.value(4).toDouble(),
                            points.value(5).toDouble(), points.value(6).toDouble()});
    }
    return true;
}

} // namespace

bool Store::saveLabRun(const LabRunRecord& record, qint64* id, QString* error)
{
    if (!allFinite(record)) {
        *error = QStringLiteral("lab run: a figure is not finite; nothing written");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery insert = m_impl->prepare(
            QStringLiteral("INSERT INTO lab_runs (ran_at, prices_dir, forecast_file, symbols,"
                           " from_date, to_date, starting_equity_usd, cost_bps, lookback,"
                           " intraday_limit, overnight_limit, symbol_cap_pct, financing_rate,"
                           " crypto_list, annualization_days)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            error);
        insert.addBindValue(isoUtc(record.ranAt));
        insert.addBindValue(record.pricesDir);
        insert.addBindValue(record.forecastFile.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                                                          : QVariant(record.forecastFile));
        insert.addBindValue(joined(record.symbols));
        insert.addBindValue(QString::fromStdString(record.fromDate));
        insert.addBindValue(QString::fromStdString(record.toDate));
        insert.addBindValue(record.startingEquityUsd);
        insert.addBindValue(record.costBps);
        insert.addBindValue(record.lookback);
        insert.addBindValue(record.settings.limits.intradayLeverage);
        insert.addBindValue(record.settings.limits.overnightLeverage);
        insert.addBindValue(record.settings.limits.symbolCapPct);
        insert.addBindValue(record.settings.financingRateAnnual);
        insert.addBindValue(joined(record.settings.cryptoList.symbols()));
        insert.addBindValue(record.annualizationDays);
        if (!run(insert, error))
            return false;
        const qint64 newId = insertedId(insert);
        if (!insertMethods(*m_impl, newId, record, error) || !transaction.commit(error))
            return false;
        if (id)
            *id = newId;
        return true;
    });
}

bool Store::loadLabRuns(std::vector<LabRunRecord>* out, int limit, QString* error) const
{
    out->clear();
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    QSqlQuery q = m_impl->prepare(kRunColumns + QStringLiteral(" ORDER BY id DESC LIMIT ?"), error);
    q.addBindValue(m_impl->dialect.limitValue(limit));
    if (!run(q, error))
        return false;
    while (q.next())
        out->push_back(runFromRow(q));
    for (LabRunRecord& record : *out)
        if (!loadMethods(*m_impl, record, false, error))
            return false;
    return transaction.commit(error);
}

bool Store::loadLabRun(qint64 id, std::optional<LabRunRecord>* out, QString* error) const
{
    out->reset();
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    QSqlQuery q = m_impl->prepare(kRunColumns + QStringLiteral(" WHERE id = ?"), error);
    q.addBindValue(id);
    if (!run(q, error))
        return false;
    if (!q.next())
        return transaction.commit(error);
    LabRunRecord record = runFromRow(q);
    if (!loadMethods(*m_impl, record, true, error))
        return false;
    *out = std::move(record);
    return transaction.commit(error);
}

} // namespace kelly::store
