// SPEC 1 (issue 24 item 15): E follows marks. Each mark adds qty x the price change to the
// stored equity in the mark's own transaction, until the next `account set --equity` or
// broker sync replaces it. What E was set to, and when, is read back from the records those
// two keep: an `account set --equity` appends a settings_audit row with key `equity` (E's
// basis, not a setting: loadAudit leaves it out), a sync its broker_syncs row.

#include "Store.h"
#include "StoreImpl.h"

#include <cmath>

namespace kelly::store {

bool addMarkToEquity(Store::Impl& impl, const QString& normalizedSymbol, double priceUsd,
                     QString* error)
{
    // Marks from several writers queue for the account row instead of failing (the first
    // statement of the mark's transaction; see Dialect::lockAccountRow).
    if (const QString lock = impl.dialect.lockAccountRow(); !lock.isEmpty())
        if (!impl.execute(lock, error))
            return false;
    // Before the position's price moves: the change is from the price it holds now.
    QSqlQuery update = impl.prepare(
        QStringLiteral("UPDATE account SET equity_usd = equity_usd + coalesce((SELECT"
                       " qty * (? - last_price_usd) FROM positions WHERE symbol = ?), 0)"
                       " WHERE id = 1"),
        error);
    update.addBindValue(priceUsd);
    update.addBindValue(normalizedSymbol);
    return run(update, error);
}

bool auditEquitySet(Store::Impl& impl, double equityUsd, UtcTime now, SettingOrigin origin,
                    QString* error)
{
    return appendAudit(impl, now, QString::fromLatin1(kEquityAuditKey), QVariant(),
                       QString::number(equityUsd, 'g', 17), origin, QVariant(), error);
}

bool Store::loadEquityBasis(std::optional<EquityBasis>* out, QString* error) const
{
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    std::optional<EquityBasis> latest;
    QSqlQuery set = m_impl->prepare(
        QStringLiteral("SELECT changed_at, new_value, origin FROM settings_audit WHERE key = ?"
                       " ORDER BY id DESC LIMIT 1"),
        error);
    set.addBindValue(QString::fromLatin1(kEquityAuditKey));
    if (!run(set, error))
        return false;
    if (set.next()) {
        const std::optional<UtcTime> at = parseIsoUtc(set.value(0).toString());
        bool number = false; // new_value is text, written by auditEquitySet
        const double equity = set.value(1).toString().toDouble(&number);
        if (at && number && std::isfinite(equity))
            latest = EquityBasis{*at, equity, set.value(2).toString()};
    }
    set.finish();
    QSqlQuery sync = m_impl->prepare(QStringLiteral("SELECT synced_at, equity_usd, origin FROM"
                                                    " broker_syncs ORDER BY id DESC LIMIT 1"),
                                     error);
    if (!run(sync, error))
        return false;
    if (sync.next()) {
        const std::optional<UtcTime> at = parseIsoUtc(sync.value(0).toString());
        const std::optional<double> equity = storedNumber(sync.value(1));
        if (at && equity && (!latest || *at >= latest->setAt))
            latest = EquityBasis{*at, *equity, sync.value(2).toString()};
    }
    sync.finish();
    if (!transaction.commit(error))
        return false;
    *out = latest;
    return true;
}

} // namespace kelly::store
