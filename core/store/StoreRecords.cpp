// The Store's correlation builds (SPEC 5); sizing decisions are in StoreDecisions.cpp.

#include "Store.h"
#include "StoreImpl.h"
#include "risk/Correlation.h"

#include <QtEndian>
#include <cmath>
#include <cstring>
#include <memory>

#ifdef KELLY_STORE_HAS_SQLITE3
#include <sqlite3.h>
#endif

namespace kelly::store {

namespace {

// Builds older than the newest few are dropped on save: the dashboard shows the latest,
// and a 500-symbol build is ~2 MB.
constexpr int kBuildsKept = 5;

// correlation_builds.layout. 1 (schema 3): correlation, covariance_daily (little-endian
// doubles), observations (int32) and correlation_present (a byte each) hold all n x n
// cells, row-major. 2 (schema 4): the matrices are symmetric, so correlation holds only
// the n (n + 1) / 2 cells i <= j, row by row; observations and correlation_present hold
// the same cells, qCompress'ed (zlib behind a 4-byte big-endian length) since most counts
// repeat; covariance_daily holds the covariance's parts (kelly::assembleCovariance): the n
// daily sds, then the n x k repair lift column by column. A 500-symbol build is ~1.1 MB
// instead of 5.3 MB: that much less to write through the WAL and checkpoint.
constexpr int kLayoutFull = 1;
constexpr int kLayoutPacked = 2;
constexpr int kZlibFastest = 1; // the counts compress well even at the fastest level

constexpr const char* kSymbolInsertSql =
    "INSERT INTO correlation_symbols (build_id, position, symbol, annualized_volatility,"
    " downside_volatility, sharpe_ratio, var_95, max_drawdown, returns_used, missing,"
    " first_date, last_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// Little-endian IEEE-754 doubles / int32, independent of the host.
QByteArray packDoubles(const std::vector<double>& values)
{
    QByteArray bytes(static_cast<qsizetype>(values.size() * sizeof(double)), Qt::Uninitialized);
    for (size_t i = 0; i < values.size(); ++i)
        qToLittleEndian(values[i], bytes.data() + i * sizeof(double));
    return bytes;
}

std::vector<double> unpackDoubles(const QByteArray& bytes)
{
    std::vector<double> values(static_cast<size_t>(bytes.size()) / sizeof(double));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = qFromLittleEndian<double>(bytes.constData() + i * sizeof(double));
    return values;
}

QByteArray packInts(const std::vector<int>& values)
{
    QByteArray bytes(static_cast<qsizetype>(values.size() * sizeof(qint32)), Qt::Uninitialized);
    for (size_t i = 0; i < values.size(); ++i)
        qToLittleEndian(static_cast<qint32>(values[i]), bytes.data() + i * sizeof(qint32));
    return bytes;
}

std::vector<int> unpackInts(const QByteArray& bytes)
{
    std::vector<int> values(static_cast<size_t>(bytes.size()) / sizeof(qint32));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = qFromLittleEndian<qint32>(bytes.constData() + i * sizeof(qint32));
    return values;
}

size_t triangleSize(size_t n)
{
    return n * (n + 1) / 2;
}

// The cells i <= j of a symmetric row-major n x n matrix, row by row.
template <typename T> std::vector<T> upperTriangle(const std::vector<T>& full, size_t n)
{
    std::vector<T> packed;
    packed.reserve(triangleSize(n));
    for (size_t i = 0; i < n; ++i)
        packed.insert(packed.end(), full.begin() + static_cast<std::ptrdiff_t>(i * n + i),
                      full.begin() + static_cast<std::ptrdiff_t>(i * n + n));
    return packed;
}

// The inverse of upperTriangle; empty when `packed` does not hold n (n + 1) / 2 cells.
template <typename T> std::vector<T> symmetricFromTriangle(const std::vector<T>& packed, size_t n)
{
    if (packed.size() != triangleSize(n))
        return {};
    std::vector<T> full(n * n);
    size_t next = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i; j < n; ++j)
            full[i * n + j] = full[j * n + i] = packed[next++];
    return full;
}

bool allFinite(const std::vector<double>& values)
{
    for (double v : values)
        if (!std::isfinite(v))
            return false;
    return true;
}

bool validateBuild(const CorrelationBuild& build, QString* error)
{
    const size_t n = build.symbols.size();
    if (build.correlation.size() != n * n || build.observations.size() != n * n ||
        build.covarianceDaily.size() != n * n || build.metrics.size() != n ||
        build.quality.size() != n) {
        *error = QStringLiteral("correlation build: matrix or metrics sizes do not match %1 "
                                "symbols")
                     .arg(n);
        return false;
    }
    for (const auto& c : build.correlation) {
        if (c && !std::isfinite(*c)) {
            *error = QStringLiteral("correlation build: a correlation is not finite");
            return false;
        }
    }
    if (!allFinite(build.covarianceDaily) || !std::isfinite(build.shrinkage)) {
        *error = QStringLiteral("correlation build: the covariance is not finite");
        return false;
    }
    // Stored as one triangle and the covariance's parts (layout 2): anything else would not
    // read back the same.
    if (!allFinite(build.dailyVolatility) || !allFinite(build.covarianceLift) ||
        assembleCovariance(build) != build.covarianceDaily) {
        *error = QStringLiteral("correlation build: the covariance does not match its parts"
                                " (daily volatility and repair lift)");
        return false;
    }
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
            if (build.correlation[i * n + j] != build.correlation[j * n + i] ||
                build.observations[i * n + j] != build.observations[j * n + i]) {
                *error = QStringLiteral("correlation build: the matrices are not symmetric");
                return false;
            }
        }
    }
    for (size_t i = 0; i < n; ++i) {
        const VolatilityMetrics& m = build.metrics[i];
        if (!std::isfinite(m.annualizedVolatility) || !std::isfinite(m.downsideVolatility) ||
            !isFiniteOptional(m.sharpeRatio) || !std::isfinite(m.var95) ||
            !std::isfinite(m.maxDrawdown)) {
            *error = QStringLiteral("correlation build: volatility metrics of %1 are not finite")
                         .arg(QString::fromStdString(build.symbols[i]));
            return false;
        }
    }
    return true;
}

VolatilityMetrics readMetrics(const QSqlQuery& query, int first)
{
    VolatilityMetrics m;
    m.annualizedVolatility = query.value(first).toDouble();
    m.downsideVolatility = query.value(first + 1).toDouble();
    m.sharpeRatio = optionalDouble(query.value(first + 2));
    m.var95 = query.value(first + 3).toDouble();
    m.maxDrawdown = query.value(first + 4).toDouble();
    m.returnsUsed = query.value(first + 5).toInt();
    return m;
}

} // namespace

// --- correlation builds -----------------------------------------------------------------

PackedCorrelation packCorrelation(const CorrelationBuild& build)
{
    PackedCorrelation packed;
    const size_t n = build.symbols.size();
    packed.symbolCount = n;
    if (build.correlation.size() != n * n || build.observations.size() != n * n)
        return packed; // saveCorrelationBuild's validation names the mismatch
    const auto cells = static_cast<qsizetype>(triangleSize(n));
    packed.correlation =
        QByteArray(cells * static_cast<qsizetype>(sizeof(double)), Qt::Uninitialized);
    QByteArray present(cells, Qt::Uninitialized);
    size_t next = 0;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = i; j < n; ++j, ++next) {
            const std::optional<double>& cell = build.correlation[i * n + j];
            qToLittleEndian(cell.value_or(0.0), packed.correlation.data() + next * sizeof(double));
            present[static_cast<qsizetype>(next)] = cell ? '\1' : '\0';
        }
    }
    packed.present = qCompress(present, kZlibFastest);
    packed.observations = qCompress(packInts(upperTriangle(build.observations, n)), kZlibFastest);
    return packed;
}

namespace {

#ifdef KELLY_STORE_HAS_SQLITE3
// On SQLite the 500-odd symbol rows go through a RawSqliteInsert: Qt's binding was most of
// the cost of these rows.
bool insertSymbolsSqlite(sqlite3* connection, qint64 buildId, const CorrelationBuild& build,
                         QString* error)
{
    RawSqliteInsert insert(connection, kSymbolInsertSql);
    sqlite3_stmt* const raw = insert.statement();
    auto bindText = [raw](int column, const std::string& text) {
        sqlite3_bind_text(raw, column, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    };
    for (size_t i = 0; insert.ok() && i < build.symbols.size(); ++i) {
        const VolatilityMetrics& m = build.metrics[i];
        const SymbolQuality& q = build.quality[i];
        sqlite3_bind_int64(raw, 1, buildId);
        sqlite3_bind_int64(raw, 2, static_cast<sqlite3_int64>(i));
        bindText(3, build.symbols[i]);
        sqlite3_bind_double(raw, 4, m.annualizedVolatility);
        sqlite3_bind_double(raw, 5, m.downsideVolatility);
        if (m.sharpeRatio)
            sqlite3_bind_double(raw, 6, *m.sharpeRatio);
        else
            sqlite3_bind_null(raw, 6);
        sqlite3_bind_double(raw, 7, m.var95);
        sqlite3_bind_double(raw, 8, m.maxDrawdown);
        sqlite3_bind_int(raw, 9, m.returnsUsed);
        sqlite3_bind_int(raw, 10, q.missing);
        bindText(11, q.firstDate);
        bindText(12, q.lastDate);
        insert.insertRow();
    }
    return insert.finish(QStringLiteral("correlation build: storing the symbols"), error);
}
#endif

bool insertSymbols(Store::Impl& impl, qint64 buildId, const CorrelationBuild& build, QString* error)
{
#ifdef KELLY_STORE_HAS_SQLITE3
    if (sqlite3* connection = sqliteConnection(impl.database())) // null when not SQLite
        return insertSymbolsSqlite(connection, buildId, build, error);
#endif
    QSqlQuery symbol = impl.prepare(QString::fromLatin1(kSymbolInsertSql), error);
    for (size_t i = 0; i < build.symbols.size(); ++i) {
        const VolatilityMetrics& m = build.metrics[i];
        const SymbolQuality& q = build.quality[i];
        symbol.bindValue(0, buildId);
        symbol.bindValue(1, static_cast<qint64>(i));
        symbol.bindValue(2, QString::fromStdString(build.symbols[i]));
        symbol.bindValue(3, m.annualizedVolatility);
        symbol.bindValue(4, m.downsideVolatility);
        symbol.bindValue(5, optionalValue(m.sharpeRatio));
        symbol.bindValue(6, m.var95);
        symbol.bindValue(7, m.maxDrawdown);
        symbol.bindValue(8, m.returnsUsed);
        symbol.bindValue(9, q.missing);
        symbol.bindValue(10, QString::fromStdString(q.firstDate));
        symbol.bindValue(11, QString::fromStdString(q.lastDate));
        if (!run(symbol, error))
            return false;
    }
    return true;
}

} // namespace

bool Store::saveCorrelationBuild(const CorrelationBuild& build, UtcTime builtAt, qint64* id,
                                 QString* error, const PackedCorrelation* packed)
{
    if (!validateBuild(build, error))
        return false;
    const size_t n = build.symbols.size();
    PackedCorrelation packedHere;
    if (!packed || packed->symbolCount != n) {
        packedHere = packCorrelation(build);
        packed = &packedHere;
    }
    std::vector<double> covarianceParts = build.dailyVolatility;
    covarianceParts.insert(covarianceParts.end(), build.covarianceLift.begin(),
                           build.covarianceLift.end());

    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery insert = m_impl->prepare(
            QStringLiteral("INSERT INTO correlation_builds (built_at, lookback, symbol_count,"
                           " shrinkage, layout, correlation, correlation_present, observations,"
                           " covariance_daily) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            error);
        insert.addBindValue(isoUtc(builtAt));
        insert.addBindValue(build.lookback);
        insert.addBindValue(static_cast<qint64>(n));
        insert.addBindValue(build.shrinkage);
        insert.addBindValue(kLayoutPacked);
        insert.addBindValue(packed->correlation);
        insert.addBindValue(packed->present);
        insert.addBindValue(packed->observations);
        insert.addBindValue(packDoubles(covarianceParts));
        if (!run(insert, error))
            return false;
        const qint64 buildId = insertedId(insert);
        if (!insertSymbols(*m_impl, buildId, build, error))
            return false;
        QSqlQuery prune = m_impl->prepare(
            QStringLiteral("DELETE FROM correlation_builds WHERE id NOT IN"
                           " (SELECT id FROM correlation_builds ORDER BY id DESC LIMIT ?)"),
            error);
        prune.addBindValue(kBuildsKept);
        if (!run(prune, error) || !transaction.commit(error))
            return false;
        if (id)
            *id = buildId;
        return true;
    });
}

bool Store::latestCorrelationBuildId(std::optional<qint64>* out, QString* error) const
{
    QSqlQuery latest =
        m_impl->prepare(QStringLiteral("SELECT max(id) FROM correlation_builds"), error);
    if (!run(latest, error))
        return false;
    if (!latest.next()) { // max() always yields a row: none means the read failed
        *error = QStringLiteral("latest correlation build: %1").arg(latest.lastError().text());
        return false;
    }
    const QVariant id = latest.value(0);
    *out = id.isNull() ? std::nullopt : std::optional<qint64>(id.toLongLong());
    latest.finish();
    return true;
}

bool Store::loadLatestCorrelationBuild(std::optional<StoredCorrelationBuild>* out,
                                       QString* error) const
{
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    QSqlQuery header = m_impl->prepare(
        QStringLiteral("SELECT id, built_at, lookback, symbol_count, shrinkage, layout,"
                       " correlation, correlation_present, observations, covariance_daily"
                       " FROM correlation_builds ORDER BY id DESC LIMIT 1"),
        error);
    if (!run(header, error))
        return false;
    if (!header.next()) {
        out->reset();
        header.finish();
        return transaction.commit(error);
    }
    StoredCorrelationBuild stored;
    stored.id = header.value(0).toLongLong();
    stored.builtAt = parseIsoUtc(header.value(1).toString()).value_or(UtcTime{});
    CorrelationBuild& build = stored.build;
    build.lookback = header.value(2).toInt();
    const size_t n = static_cast<size_t>(header.value(3).toLongLong());
    build.shrinkage = header.value(4).toDouble();
    const int layout = header.value(5).toInt();
    std::vector<double> correlation = unpackDoubles(header.value(6).toByteArray());
    const QByteArray present = header.value(7).toByteArray();
    const QByteArray observations = header.value(8).toByteArray();
    const std::vector<double> covariance = unpackDoubles(header.value(9).toByteArray());
    header.finish();
    std::vector<char> presentCells;
    if (layout == kLayoutPacked) {
        // qUncompress gives an empty array for corrupt data: the size checks catch it.
        const QByteArray presentTriangle = qUncompress(present);
        correlation = symmetricFromTriangle(correlation, n);
        presentCells = symmetricFromTriangle(
            std::vector<char>(presentTriangle.begin(), presentTriangle.end()), n);
        build.observations = symmetricFromTriangle(unpackInts(qUncompress(observations)), n);
        // The covariance's parts: n daily sds, then a whole number of n-long lift columns.
        if (n > 0 && covariance.size() >= n && covariance.size() % n == 0) {
            build.dailyVolatility.assign(covariance.begin(),
                                         covariance.begin() + static_cast<long>(n));
            build.covarianceLift.assign(covariance.begin() + static_cast<long>(n),
                                        covariance.end());
        }
    } else if (layout == kLayoutFull) {
        presentCells.assign(present.begin(), present.end());
        build.observations = unpackInts(observations);
        build.covarianceDaily = covariance;
    } else {
        *error = QStringLiteral("correlation build %1: layout %2 is from a newer KellyDesk")
                     .arg(stored.id)
                     .arg(layout);
        return false;
    }
    const bool covarianceFits = layout == kLayoutPacked ? build.dailyVolatility.size() == n
                                                        : build.covarianceDaily.size() == n * n;
    if (correlation.size() != n * n || presentCells.size() != n * n ||
        build.observations.size() != n * n || !covarianceFits) {
        *error =
            QStringLiteral("correlation build %1: stored matrices are truncated").arg(stored.id);
        return false;
    }
    if (!allFinite(correlation) || !allFinite(build.covarianceDaily) ||
        !allFinite(build.dailyVolatility) || !allFinite(build.covarianceLift)) {
        *error = QStringLiteral("correlation build %1: stored matrices hold a value that is not"
                                " finite")
                     .arg(stored.id);
        return false;
    }
    build.correlation.resize(n * n);
    for (size_t i = 0; i < n * n; ++i)
        if (presentCells[i])
            build.correlation[i] = correlation[i];

    QSqlQuery symbols = m_impl->prepare(
        QStringLiteral("SELECT symbol, annualized_volatility, downside_volatility, sharpe_ratio,"
                       " var_95, max_drawdown, returns_used, missing, first_date, last_date"
                       " FROM correlation_symbols WHERE build_id = ? ORDER BY position"),
        error);
    symbols.addBindValue(stored.id);
    if (!run(symbols, error))
        return false;
    while (symbols.next()) {
        const std::string symbol = symbols.value(0).toString().toStdString();
        if (!isValidSymbol(symbol)) { // a bot may write this table directly
            *error = QStringLiteral("correlation build %1: '%2' is not a symbol")
                         .arg(stored.id)
                         .arg(printable(QString::fromStdString(symbol)));
            return false;
        }
        build.symbols.push_back(symbol);
        build.metrics.push_back(readMetrics(symbols, 1));
        build.quality.push_back(SymbolQuality{
            build.symbols.back(), symbols.value(6).toInt(), symbols.value(7).toInt(),
            symbols.value(8).toString().toStdString(), symbols.value(9).toString().toStdString()});
    }
    symbols.finish();
    if (build.symbols.size() != n) {
        *error = QStringLiteral("correlation build %1: %2 symbols stored, %3 expected")
                     .arg(stored.id)
                     .arg(build.symbols.size())
                     .arg(n);
        return false;
    }
    if (layout == kLayoutPacked) {
        build.covarianceDaily = assembleCovariance(build);
        if (!allFinite(build.covarianceDaily)) { // sds so large their product overflows
            *error = QStringLiteral("correlation build %1: the stored daily volatilities are"
                                    " out of range")
                         .arg(stored.id);
            return false;
        }
    }
    if (!transaction.commit(error))
        return false;
    *out = std::move(stored);
    return true;
}

bool Store::loadLatestMetrics(const QString& symbol, std::optional<VolatilityMetrics>* out,
                              QString* error) const
{
    ReadStatement read(
        *m_impl,
        QStringLiteral("SELECT s.annualized_volatility, s.downside_volatility, s.sharpe_ratio,"
                       " s.var_95, s.max_drawdown, s.returns_used FROM correlation_symbols s"
                       " WHERE s.symbol = ? AND s.build_id ="
                       " (SELECT max(id) FROM correlation_builds)"),
        error);
    QSqlQuery& query = *read;
    query.bindValue(0, QString::fromStdString(normalizeSymbol(symbol.toStdString())));
    if (!run(read, error))
        return false;
    if (query.next())
        *out = readMetrics(query, 0);
    else
        out->reset();
    return true;
}

} // namespace kelly::store
