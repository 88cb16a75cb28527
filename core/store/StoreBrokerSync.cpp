// Issue 16 (SPEC 14): a broker's account and book written whole, in one transaction.

#include "StoreImpl.h"

#include <QSet>
#include <cmath>

namespace kelly::store {

namespace {

bool validateSync(const BrokerSync& sync, std::vector<Position>* book, QString* error)
{
    if (sync.origin.isEmpty()) {
        *error = QStringLiteral("origin: missing");
        return false;
    }
    // SPEC 14: a negative equity syncs (an account in deficit) and sizes as "no equity".
    if (!std::isfinite(sync.equityUsd)) {
        *error = QStringLiteral("equity: must be a finite number");
        return false;
    }
    if (sync.maintenanceMarginUsd &&
        (!std::isfinite(*sync.maintenanceMarginUsd) || *sync.maintenanceMarginUsd < 0.0)) {
        *error = QStringLiteral("maintenance_margin: must be a finite number >= 0");
        return false;
    }
    for (const auto& [symbol, rate] : sync.assetRates) {
        for (double r : {rate.longRate, rate.shortRate}) {
            if (!std::isfinite(r) || r < 0.0 || r > 1.0) {
                *error = QStringLiteral("margin_requirement of %1: must be 0 to 100%").arg(symbol);
                return false;
            }
        }
    }
    if (!std::isfinite(sync.buyingPowerUsd) || sync.buyingPowerUsd < 0.0) {
        *error = QStringLiteral("buying_power: must be a finite number >= 0");
        return false;
    }
    QSet<QString> seen;
    for (Position p : sync.positions) {
        p.symbol = normalizeSymbol(p.symbol);
        if (!validatePosition(p, error))
            return false;
        const QString symbol = QString::fromStdString(p.symbol);
        if (seen.contains(symbol)) {
            *error = QStringLiteral("symbol: %1 is listed twice").arg(symbol);
            return false;
        }
        seen.insert(symbol);
        if (p.qty != 0.0) // a zero row means "not held"
            book->push_back(std::move(p));
    }
    return true;
}

} // namespace

bool Store::applyBrokerSync(const BrokerSync& sync, UtcTime now, BrokerSyncRecord* written,
                            QString* error)
{
    std::vector<Position> book;
    if (!validateSync(sync, &book, error))
        return false;
    QSet<QString> kept;
    double grossUsd = 0.0;
    for (const Position& p : book) {
        kept.insert(QString::fromStdString(p.symbol));
        grossUsd += std::abs(p.qty * p.lastPriceUsd);
    }

    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QStringList removed;
        QSqlQuery held = m_impl->prepare(QStringLiteral("SELECT symbol FROM positions"), error);
        if (!run(held, error))
            return false;
        while (held.next())
            if (const QString symbol = held.value(0).toString(); !kept.contains(symbol))
                removed << symbol;
        held.finish();
        removed.sort();
        for (const QString& symbol : removed) {
            QSqlQuery remove =
                m_impl->prepare(QStringLiteral("DELETE FROM positions WHERE symbol = ?"), error);
            remove.addBindValue(symbol);
            if (!run(remove, error))
                return false;
        }
        for (const Position& p : book)
            if (!upsertPosition(*m_impl, p, false, now, error)) // the broker's avg entry wins
                return false;

        QSqlQuery account = m_impl->prepare(
            QStringLiteral("INSERT INTO account (id, equity_usd, buying_power_usd, updated_at)"
                           " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                           " equity_usd = excluded.equity_usd,"
                           " buying_power_usd = excluded.buying_power_usd,"
                           " updated_at = excluded.updated_at"),
            error);
        account.addBindValue(sync.equityUsd);
        account.addBindValue(sync.buyingPowerUsd);
        account.addBindValue(isoUtc(now));
        if (!run(account, error))
            return false;

        // SPEC 4 reads portfolio snapshots; the broker's equity is the portfolio's value.
        QSqlQuery snapshot = m_impl->prepare(
            QStringLiteral("INSERT INTO snapshots (observed_at, portfolio_value_usd, equity_usd,"
                           " gross_usd) VALUES (?, ?, ?, ?)"),
            error);
        snapshot.addBindValue(isoUtc(now));
        snapshot.addBindValue(sync.equityUsd);
        snapshot.addBindValue(sync.equityUsd);
        snapshot.addBindValue(grossUsd);
        if (!run(snapshot, error))
            return false;

        if (!upsertBrokerMarginRates(*m_impl, sync.assetRates, now, error))
            return false;

        BrokerSyncRecord record{0,
                                now,
                                sync.origin,
                                sync.equityUsd,
                                sync.buyingPowerUsd,
                                static_cast<int>(book.size()),
                                removed,
                                sync.maintenanceMarginUsd};
        QSqlQuery audit = m_impl->prepare(
            QStringLiteral("INSERT INTO broker_syncs (synced_at, origin, equity_usd,"
                           " buying_power_usd, position_count, removed, maintenance_margin_usd)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            error);
        audit.addBindValue(isoUtc(now));
        audit.addBindValue(record.origin);
        audit.addBindValue(record.equityUsd);
        audit.addBindValue(record.buyingPowerUsd);
        audit.addBindValue(record.positionCount);
        const QString removedText = removed.join(QLatin1Char(' '));
        audit.addBindValue(removedText.isNull() ? QStringLiteral("") : removedText); // NOT NULL
        audit.addBindValue(optionalValue(sync.maintenanceMarginUsd));
        if (!run(audit, error))
            return false;
        record.id = insertedId(audit);
        if (!transaction.commit(error))
            return false;
        if (written)
            *written = std::move(record);
        return true;
    });
}

bool Store::loadLastBrokerSync(std::optional<BrokerSyncRecord>* out, QString* error) const
{
    QSqlQuery query = m_impl->prepare(
        QStringLiteral("SELECT id, synced_at, origin, equity_usd, buying_power_usd,"
                       " position_count, removed, maintenance_margin_usd FROM broker_syncs"
                       " ORDER BY id DESC LIMIT 1"),
        error);
    if (!run(query, error))
        return false;
    out->reset();
    if (!query.next())
        return true;
    BrokerSyncRecord record;
    record.id = query.value(0).toLongLong();
    record.syncedAt = parseIsoUtc(query.value(1).toString()).value_or(UtcTime{});
    // A bot may write the table directly: its text leaves the store printable.
    record.origin = printable(query.value(2).toString());
    record.equityUsd = query.value(3).toDouble();
    record.buyingPowerUsd = query.value(4).toDouble();
    record.positionCount = query.value(5).toInt();
    const QString removed = printable(query.value(6).toString());
    record.removed = removed.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    record.maintenanceMarginUsd = storedNumber(query.value(7));
    *out = std::move(record);
    return true;
}

} // namespace kelly::store
