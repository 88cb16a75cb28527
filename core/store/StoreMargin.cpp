// SPEC 15: the margin rates the desk knows beyond the default table: the trader's audited
// overrides and the broker's rates as the sync read them.

#include "StoreImpl.h"

#include <cmath>

namespace kelly::store {

namespace {

QString overrideAuditKey(const QString& symbol)
{
    return QStringLiteral("margin_rate:") + symbol;
}

} // namespace

bool Store::loadMarginRates(MarginRates* out, QString* error) const
{
    *out = MarginRates{};
    // Both tables in one statement (on PostgreSQL one round trip, issue 25); the first
    // column says which table a row is from.
    ReadStatement ratesRead(
        *m_impl,
        QStringLiteral("SELECT 0, symbol, rate, NULL, NULL, NULL FROM margin_overrides UNION ALL"
                       " SELECT 1, symbol, NULL, marginable, long_rate, short_rate"
                       " FROM broker_margin_rates"),
        error);
    QSqlQuery& rates = *ratesRead;
    if (!run(ratesRead, error))
        return false;
    while (rates.next()) {
        const std::string symbol = rates.value(1).toString().toStdString();
        if (rates.value(0).toInt() == 0) {
            if (const auto rate = storedNumber(rates.value(2)))
                out->overrides.emplace(symbol, *rate);
            continue;
        }
        const auto longRate = storedNumber(rates.value(4));
        const auto shortRate = storedNumber(rates.value(5));
        if (!longRate || !shortRate)
            continue; // the schema refuses these; a row written around it reads as unknown
        out->broker.emplace(symbol,
                            BrokerMarginRate{rates.value(3).toInt() != 0, *longRate, *shortRate});
    }
    return true;
}

bool Store::loadMarginOverrides(std::vector<MarginOverride>* out, QString* error) const
{
    out->clear();
    QSqlQuery query = m_impl->prepare(
        QStringLiteral("SELECT symbol, rate, set_at FROM margin_overrides ORDER BY symbol"), error);
    if (!run(query, error))
        return false;
    while (query.next()) {
        const auto rate = storedNumber(query.value(1));
        if (!rate)
            continue;
        out->push_back({query.value(0).toString(), *rate,
                        parseIsoUtc(query.value(2).toString()).value_or(UtcTime{})});
    }
    return true;
}

bool Store::writeMarginOverride(const QString& symbol, std::optional<double> rate,
                                SettingOrigin origin, UtcTime now, bool* found, bool* refused,
                                QString* error)
{
    *refused = false;
    *found = true;
    const QString normalized = QString::fromStdString(normalizeSymbol(symbol.toStdString()));
    if (!isValidSymbol(normalized.toStdString())) {
        *refused = true;
        *error = QStringLiteral("symbol: '%1' is not a symbol").arg(symbol);
        return false;
    }
    if (rate && !std::isfinite(*rate)) {
        *refused = true;
        *error = QStringLiteral("rate: must be a finite number");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        DurableCommits durable(*m_impl); // a control, like the settings
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QString floorText;
        if (!readSetting(SettingKey::MaintenanceFloor, &floorText, error))
            return false;
        const double floor = floorText.toDouble();
        if (rate && (*rate < floor || *rate > 1.0)) {
            *refused = true;
            *error = QStringLiteral("rate: must be from maintenance_floor (%1) to 1, got %2")
                         .arg(floorText)
                         .arg(*rate);
            return false;
        }
        QSqlQuery current = m_impl->prepare(
            QStringLiteral("SELECT rate FROM margin_overrides WHERE symbol = ?"), error);
        current.addBindValue(normalized);
        if (!run(current, error))
            return false;
        const QVariant oldValue = current.next() ? QVariant(current.value(0).toString())
                                                 : QVariant(QMetaType(QMetaType::QString));
        current.finish();
        if (!rate && oldValue.isNull()) {
            *found = false;
            return transaction.commit(error);
        }
        QSqlQuery write = m_impl->prepare(
            rate ? QStringLiteral("INSERT INTO margin_overrides (symbol, rate, set_at)"
                                  " VALUES (?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET"
                                  " rate = excluded.rate, set_at = excluded.set_at")
                 : QStringLiteral("DELETE FROM margin_overrides WHERE symbol = ?"),
            error);
        write.addBindValue(normalized);
        if (rate) {
            write.addBindValue(*rate);
            write.addBindValue(isoUtc(now));
        }
        if (!run(write, error))
            return false;
        const QString newValue = rate ? QString::number(*rate, 'g', QLocale::FloatingPointShortest)
                                      : QStringLiteral("removed");
        if (!appendAudit(*m_impl, now, overrideAuditKey(normalized), oldValue, newValue, origin,
                         QVariant(QMetaType(QMetaType::QString)), error))
            return false;
        return transaction.commit(error);
    });
}

bool Store::loadBrokerRateTimes(QHash<QString, UtcTime>* out, QString* error) const
{
    out->clear();
    QSqlQuery query = m_impl->prepare(
        QStringLiteral("SELECT symbol, fetched_at FROM broker_margin_rates"), error);
    if (!run(query, error))
        return false;
    while (query.next())
        if (const auto at = parseIsoUtc(query.value(1).toString()))
            out->insert(query.value(0).toString(), *at);
    return true;
}

// Inside applyBrokerSync's transaction: the rates read this time replace the stored ones.
bool upsertBrokerMarginRates(Store::Impl& impl,
                             const std::vector<std::pair<QString, BrokerMarginRate>>& rates,
                             UtcTime now, QString* error)
{
    for (const auto& [symbol, rate] : rates) {
        QSqlQuery upsert = impl.prepare(
            QStringLiteral("INSERT INTO broker_margin_rates (symbol, marginable, long_rate,"
                           " short_rate, fetched_at) VALUES (?, ?, ?, ?, ?)"
                           " ON CONFLICT (symbol) DO UPDATE SET marginable = excluded.marginable,"
                           " long_rate = excluded.long_rate, short_rate = excluded.short_rate,"
                           " fetched_at = excluded.fetched_at"),
            error);
        upsert.addBindValue(symbol);
        upsert.addBindValue(rate.marginable ? 1 : 0);
        upsert.addBindValue(rate.longRate);
        upsert.addBindValue(rate.shortRate);
        upsert.addBindValue(isoUtc(now));
        if (!run(upsert, error))
            return false;
    }
    return true;
}

} // namespace kelly::store
