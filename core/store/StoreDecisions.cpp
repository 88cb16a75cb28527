// The Store's sizing decisions (SPEC 9): each call's inputs, result and, for SPEC 11 and
// issue 17, its correlation figures, host and mode lock.

#include "Store.h"
#include "StoreImpl.h"

namespace kelly::store {

namespace {

QString text(const char* name)
{
    return QString::fromLatin1(name);
}

std::optional<BindingLimit> parseBinding(const QString& name)
{
    for (BindingLimit limit :
         {BindingLimit::Kelly, BindingLimit::SymbolCap, BindingLimit::BuyingPower,
          BindingLimit::GrossLeverage, BindingLimit::MaintenanceMargin, BindingLimit::NoEquity,
          BindingLimit::Halted, BindingLimit::OpenPosition})
        if (name == QLatin1String(bindingLimitName(limit)))
            return limit;
    return std::nullopt;
}

std::optional<CorrelationReason> parseCorrelationReason(const QString& name)
{
    for (CorrelationReason reason :
         {CorrelationReason::SettingOff, CorrelationReason::NoBuild, CorrelationReason::StaleBuild,
          CorrelationReason::SymbolNotInBuild})
        if (name == QLatin1String(correlationReasonName(reason)))
            return reason;
    return std::nullopt;
}

// SPEC 11's `uncovered`, space separated (symbols hold no spaces); NULL when empty.
QVariant joinSymbols(const std::vector<std::string>& symbols)
{
    if (symbols.empty())
        return QVariant(QMetaType(QMetaType::QString));
    QStringList names;
    for (const std::string& symbol : symbols)
        names << QString::fromStdString(symbol);
    return names.join(QLatin1Char(' '));
}

// The tables that keep decision_retention_days, each with its time column (indexed).
struct RetainedTable
{
    const char* name;
    const char* timeColumn;
};

const std::vector<RetainedTable>& retainedTables()
{
    static const std::vector<RetainedTable> tables{{"serve_answers", "answered_at"},
                                                   {"sizing_decisions", "decided_at"},
                                                   {"broker_syncs", "synced_at"}};
    return tables;
}

constexpr int kPruneBatch = 1000;
constexpr std::chrono::minutes kRetentionRecheck{1};

} // namespace

bool Store::recordDecision(const SizingDecision& d, qint64* id, QString* error,
                           const DecisionHook& inTransaction)
{
    const SizingResult& r = d.result;
    for (const auto& value :
         {std::optional<double>(r.priceUsd), std::optional<double>(r.qty),
          std::optional<double>(r.qtyRaw), r.baseFraction, r.targetFraction, r.muDaily,
          r.sigmaDaily, std::optional<double>(r.riskMultiplier), r.exposureBeforePct,
          r.exposureAfterPct, r.leverageBefore, r.leverageAfter, d.muGiven, d.sigmaGiven,
          std::optional<double>(d.equityUsd), std::optional<double>(d.buyingPowerUsd),
          std::optional<double>(d.riskThreshold)}) {
        if (!isFiniteOptional(value)) {
            *error = QStringLiteral("sizing decision for %1: a figure is not finite")
                         .arg(QString::fromStdString(r.symbol));
            return false;
        }
    }
    for (const auto& value : {r.bookCov, r.baseFractionUncorrelated, r.qtyUncorrelated,
                              r.kellyMultiple, std::optional<double>(r.maintenanceBeforeUsd),
                              std::optional<double>(r.maintenanceAfterUsd)}) {
        if (!isFiniteOptional(value)) { // SPEC 11's figures
            *error = QStringLiteral("sizing decision for %1: a figure is not finite")
                         .arg(QString::fromStdString(r.symbol));
            return false;
        }
    }
    const QString insert = QStringLiteral(
        "INSERT INTO sizing_decisions (decided_at, origin, symbol, asset_class, price_usd,"
        " mu_given, sigma_given, requested_mode, method, qty, qty_raw, base_fraction,"
        " target_fraction, mu_used, sigma_used, risk_multiplier, binding,"
        " exposure_before_pct, exposure_after_pct, leverage_before, leverage_after,"
        " fallback_reason, equity_usd, buying_power_usd, risk_threshold, intraday_limit,"
        " overnight_limit, symbol_cap_pct, correlation_aware, correlation_reason, book_cov,"
        " base_fraction_uncorrelated, qty_uncorrelated, uncovered, host, "
        "mode_locked_by_env, direction, maintenance_before_usd, maintenance_after_usd,"
        " kelly_multiple)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    // Bound by position, every column each time.
    QVariantList values;
    values.reserve(40);
    const auto bind = [&](const QVariant& value) {
        values << value;
    };
    bind(isoUtc(d.decidedAt));
    bind(d.origin);
    bind(QString::fromStdString(r.symbol));
    bind(text(assetClassName(r.assetClass)));
    bind(r.priceUsd);
    bind(optionalValue(d.muGiven));
    bind(optionalValue(d.sigmaGiven));
    bind(text(sizingModeName(d.requestedMode)));
    bind(text(sizingModeName(r.method)));
    bind(r.qty);
    bind(r.qtyRaw);
    bind(optionalValue(r.baseFraction));
    bind(optionalValue(r.targetFraction));
    bind(optionalValue(r.muDaily));
    bind(optionalValue(r.sigmaDaily));
    bind(r.riskMultiplier);
    bind(text(bindingLimitName(r.binding)));
    bind(optionalValue(r.exposureBeforePct));
    bind(optionalValue(r.exposureAfterPct));
    bind(optionalValue(r.leverageBefore));
    bind(optionalValue(r.leverageAfter));
    bind(r.fallbackReason ? QVariant(QString::fromStdString(*r.fallbackReason))
                          : QVariant(QMetaType(QMetaType::QString)));
    bind(d.equityUsd);
    bind(d.buyingPowerUsd);
    bind(d.riskThreshold);
    bind(d.limits.intradayLeverage);
    bind(d.limits.overnightLeverage);
    bind(d.limits.symbolCapPct);
    bind(r.correlationAware ? 1 : 0);
    bind(r.correlationReason ? QVariant(text(correlationReasonName(*r.correlationReason)))
                             : QVariant(QMetaType(QMetaType::QString)));
    bind(optionalValue(r.bookCov));
    bind(optionalValue(r.baseFractionUncorrelated));
    bind(optionalValue(r.qtyUncorrelated));
    bind(joinSymbols(r.uncovered));
    bind(d.host);
    bind(d.modeLockedByEnv ? 1 : 0);
    bind(r.direction ? QVariant(text(positionSideName(*r.direction)))
                     : QVariant(QMetaType(QMetaType::QString)));
    bind(r.maintenanceBeforeUsd);
    bind(r.maintenanceAfterUsd);
    bind(optionalValue(r.kellyMultiple));
    return withRetries(*m_impl, error, [&](QString* error) {
        qint64 newId = 0;
        if (!m_impl->insertAlone(insert, values, &newId, error, inTransaction))
            return false;
        if (id)
            *id = newId;
        return true;
    });
}

bool Store::deleteDecision(qint64 id, QString* error)
{
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        for (const QString& sql :
             {QStringLiteral("DELETE FROM serve_answers WHERE decision_id = ?"),
              QStringLiteral("DELETE FROM sizing_decisions WHERE id = ?")}) {
            QSqlQuery& remove = m_impl->cached(sql);
            remove.bindValue(0, id);
            if (!run(remove, error))
                return false;
        }
        return transaction.commit(error);
    });
}

bool Store::hasExpired(UtcTime cutoff, bool* expired, QString* error) const
{
    // Nothing was older than an earlier cutoff under a minute before this one: what has
    // expired since then waits for the next check, a minute at most (a serve session asks
    // once a request; the retention is days).
    const std::optional<UtcTime>& clear = m_impl->nothingExpiredBefore;
    if (clear && cutoff >= *clear && cutoff - *clear < kRetentionRecheck) {
        *expired = false;
        return true;
    }
    // One statement for all the tables (issue 25: on PostgreSQL each is a round trip); each
    // EXISTS is one lookup in its time index. Its text is built once: a recorded serve
    // request asks this every time.
    static const QString sql = [] {
        QStringList exists;
        for (const RetainedTable& table : retainedTables())
            exists << QStringLiteral("EXISTS (SELECT 1 FROM %1 WHERE %2 < ?)")
                          .arg(QLatin1String(table.name), QLatin1String(table.timeColumn));
        return QStringLiteral("SELECT 1 WHERE ") + exists.join(QStringLiteral(" OR "));
    }();
    // A read: on PostgreSQL a one-shot process sends it once, unprepared (ReadStatement).
    ReadStatement anyRead(*m_impl, sql, error);
    QSqlQuery& any = *anyRead;
    const QString stamp = isoUtc(cutoff);
    for (int table = 0; table < static_cast<int>(retainedTables().size()); ++table)
        any.bindValue(table, stamp);
    if (!run(anyRead, error))
        return false;
    *expired = any.next();
    m_impl->nothingExpiredBefore = *expired ? std::nullopt : std::optional<UtcTime>(cutoff);
    return true;
}

bool Store::pruneExpired(UtcTime cutoff, bool* busy, QString* error)
{
    *busy = false;
    if (const std::optional<QString> lock = m_impl->dialect.tryPruneLock()) {
        QSqlQuery taken = m_impl->prepare(*lock, error);
        if (!run(taken, error))
            return false;
        *busy = !taken.next() || !taken.value(0).toBool();
        if (*busy)
            return true;
    }
    bool pruned = true;
    for (const RetainedTable& table : retainedTables()) {
        // Oldest first, a batch per transaction: a year of rows never holds a long lock.
        QSqlQuery& batch = m_impl->cached(
            QStringLiteral("DELETE FROM %1 WHERE id IN (SELECT id FROM %1 WHERE %2 < ?"
                           " ORDER BY %2 LIMIT %3)")
                .arg(QLatin1String(table.name), QLatin1String(table.timeColumn))
                .arg(kPruneBatch));
        for (int deleted = kPruneBatch; pruned && deleted == kPruneBatch;) {
            pruned = withRetries(*m_impl, error, [&](QString* error) {
                Transaction transaction(*m_impl, Transaction::Kind::Write);
                if (!transaction.begin(error))
                    return false;
                batch.bindValue(0, isoUtc(cutoff));
                if (!run(batch, error))
                    return false;
                deleted = batch.numRowsAffected();
                return transaction.commit(error);
            });
        }
    }
    if (const std::optional<QString> unlock = m_impl->dialect.pruneUnlock()) {
        QString ignored; // closing the connection releases it as well
        QSqlQuery release = m_impl->prepare(*unlock, &ignored);
        run(release, &ignored);
    }
    return pruned;
}

bool Store::loadDecisions(std::vector<SizingDecision>* out, int limit, QString* error) const
{
    QSqlQuery query = m_impl->prepare(
        QStringLiteral(
            "SELECT id, decided_at, origin, symbol, asset_class, price_usd, mu_given,"
            " sigma_given, requested_mode, method, qty, qty_raw, base_fraction,"
            " target_fraction, mu_used, sigma_used, risk_multiplier, binding,"
            " exposure_before_pct, exposure_after_pct, leverage_before, leverage_after,"
            " fallback_reason, equity_usd, buying_power_usd, risk_threshold, intraday_limit,"
            " overnight_limit, symbol_cap_pct, correlation_aware, correlation_reason, book_cov,"
            " base_fraction_uncorrelated, qty_uncorrelated, uncovered, host, mode_locked_by_env,"
            " direction, maintenance_before_usd, maintenance_after_usd, kelly_multiple"
            " FROM sizing_decisions ORDER BY id DESC LIMIT ?"),
        error);
    query.addBindValue(m_impl->dialect.limitValue(limit));
    if (!run(query, error))
        return false;
    out->clear();
    while (query.next()) {
        SizingDecision d;
        SizingResult& r = d.result;
        d.id = query.value(0).toLongLong();
        d.decidedAt = parseIsoUtc(query.value(1).toString()).value_or(UtcTime{});
        // A bot may write this table directly: its text leaves the store printable.
        d.origin = printable(query.value(2).toString());
        r.symbol = printable(query.value(3).toString()).toStdString();
        r.assetClass = query.value(4).toString() == QLatin1String("crypto") ? AssetClass::Crypto
                                                                            : AssetClass::Stock;
        r.priceUsd = query.value(5).toDouble();
        d.muGiven = optionalDouble(query.value(6));
        d.sigmaGiven = optionalDouble(query.value(7));
        d.requestedMode =
            parseSizingMode(query.value(8).toString().toStdString()).value_or(SizingMode::Enhanced);
        r.method =
            parseSizingMode(query.value(9).toString().toStdString()).value_or(SizingMode::Enhanced);
        r.qty = query.value(10).toDouble();
        r.qtyRaw = query.value(11).toDouble();
        r.baseFraction = optionalDouble(query.value(12));
        r.targetFraction = optionalDouble(query.value(13));
        r.muDaily = optionalDouble(query.value(14));
        r.sigmaDaily = optionalDouble(query.value(15));
        r.riskMultiplier = query.value(16).toDouble();
        r.binding = parseBinding(query.value(17).toString()).value_or(BindingLimit::Kelly);
        r.exposureBeforePct = optionalDouble(query.value(18));
        r.exposureAfterPct = optionalDouble(query.value(19));
        r.leverageBefore = optionalDouble(query.value(20));
        r.leverageAfter = optionalDouble(query.value(21));
        if (!query.value(22).isNull())
            r.fallbackReason = printable(query.value(22).toString()).toStdString();
        d.equityUsd = query.value(23).toDouble();
        d.buyingPowerUsd = query.value(24).toDouble();
        d.riskThreshold = query.value(25).toDouble();
        d.limits.intradayLeverage = query.value(26).toDouble();
        d.limits.overnightLeverage = query.value(27).toDouble();
        d.limits.symbolCapPct = query.value(28).toDouble();
        r.correlationAware = query.value(29).toInt() != 0;
        r.correlationReason = parseCorrelationReason(query.value(30).toString());
        r.bookCov = optionalDouble(query.value(31));
        r.baseFractionUncorrelated = optionalDouble(query.value(32));
        r.qtyUncorrelated = optionalDouble(query.value(33));
        for (const QString& symbol :
             query.value(34).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts))
            r.uncovered.push_back(printable(symbol).toStdString());
        d.host = printable(query.value(35).toString());
        d.modeLockedByEnv = query.value(36).toInt() != 0;
        // Rows before schema 10 have no side, margin or multiple: they read as null / 0.
        const QString direction = query.value(37).toString();
        if (direction == QLatin1String("long") || direction == QLatin1String("short"))
            r.direction =
                direction == QLatin1String("long") ? PositionSide::Long : PositionSide::Short;
        r.maintenanceBeforeUsd = storedNumber(query.value(38)).value_or(0.0);
        r.maintenanceAfterUsd = storedNumber(query.value(39)).value_or(0.0);
        r.kellyMultiple = optionalDouble(query.value(40));
        out->push_back(std::move(d));
    }
    return true;
}

} // namespace kelly::store
