// The Store's account and positions (SPEC 1, 9): equity and buying power, the book, marks.

#include "Store.h"
#include "StoreImpl.h"
#include "common/Text.h"

#include <cmath>

namespace kelly::store {

namespace {

// The stored row as the store validates it: a symbol stored in normalised form, numbers
// that SQLite holds as numbers (text that did not convert is never read as 0, item 2).
std::optional<Position> readPositionRow(const QSqlQuery& query, StoreProblem* problem)
{
    const QString stored = query.value(0).toString();
    *problem = StoreProblem{QStringLiteral("positions"), stored, QString()};
    const std::string symbol = stored.toStdString();
    if (!isValidSymbol(symbol)) {
        const std::string normalized = normalizeSymbol(symbol);
        problem->why = isValidSymbol(normalized)
                           ? QStringLiteral("symbol: not normalised (%1); remove it with"
                                            " 'kellyctl position rm' and set it again")
                                 .arg(QString::fromStdString(normalized))
                           : QStringLiteral("symbol: not a symbol");
        return std::nullopt;
    }
    const std::optional<double> qty = storedNumber(query.value(1));
    const std::optional<double> price = storedNumber(query.value(2));
    const std::optional<double> entry = storedNumber(query.value(3));
    if (!qty || !price || !entry) {
        problem->why = QStringLiteral("%1: '%2' is not a number")
                           .arg(!qty     ? QStringLiteral("qty")
                                : !price ? QStringLiteral("last_price_usd")
                                         : QStringLiteral("avg_entry_usd"),
                                printable(query.value(!qty     ? 1
                                                      : !price ? 2
                                                               : 3)
                                              .toString()));
        return std::nullopt;
    }
    Position position{symbol, *qty, *price, *entry};
    if (!validatePosition(position, &problem->why))
        return std::nullopt;
    if (position.qty == 0.0) {
        problem->why = QStringLiteral("qty: 0");
        return std::nullopt;
    }
    return position;
}

bool deleteAllPositions(Store::Impl& impl, QString* error)
{
    QSqlQuery query = impl.prepare(QStringLiteral("DELETE FROM positions"), error);
    return run(query, error);
}

} // namespace

bool validatePosition(const Position& p, QString* error)
{
    if (!isValidSymbol(p.symbol)) {
        *error =
            QStringLiteral("symbol: '%1' is not a symbol").arg(QString::fromStdString(p.symbol));
        return false;
    }
    if (!std::isfinite(p.qty)) {
        *error = QStringLiteral("qty: must be a finite number");
        return false;
    }
    if (!std::isfinite(p.lastPriceUsd) || p.lastPriceUsd <= 0.0) {
        *error = QStringLiteral("price: must be a finite number > 0");
        return false;
    }
    if (!std::isfinite(p.avgEntryUsd) || p.avgEntryUsd < 0.0 || p.avgEntryUsd > kMaxStoredUsd) {
        *error = QStringLiteral("avg_entry: must be a finite number >= 0 and <= 1e15");
        return false;
    }
    // Issue 12 item 7: qty 1e200 at 1e200 is finite each but not as a market value; the
    // gross and leverage of every later call would be inf.
    if (!(std::abs(p.qty * p.lastPriceUsd) <= kMaxStoredUsd)) {
        *error = QStringLiteral("qty x price: the market value must be at most 1e15 USD");
        return false;
    }
    return true;
}

bool upsertPosition(Store::Impl& impl, const Position& p, bool keepStoredEntry, UtcTime now,
                    QString* error)
{
    if (p.qty == 0.0) {
        QSqlQuery& remove = impl.cached(QStringLiteral("DELETE FROM positions WHERE symbol = ?"));
        remove.bindValue(0, QString::fromStdString(p.symbol));
        return run(remove, error);
    }
    QSqlQuery& upsert = impl.cached(
        QStringLiteral("INSERT INTO positions (symbol, qty, avg_entry_usd, last_price_usd,"
                       " updated_at) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty,"
                       " avg_entry_usd = CASE WHEN ? THEN positions.avg_entry_usd"
                       "  ELSE excluded.avg_entry_usd END,"
                       " last_price_usd = excluded.last_price_usd,"
                       " updated_at = excluded.updated_at"));
    upsert.bindValue(0, QString::fromStdString(p.symbol));
    upsert.bindValue(1, p.qty);
    upsert.bindValue(2, p.avgEntryUsd);
    upsert.bindValue(3, p.lastPriceUsd);
    upsert.bindValue(4, isoUtc(now));
    upsert.bindValue(5, keepStoredEntry);
    return run(upsert, error);
}

// --- account and positions --------------------------------------------------------------

bool Store::loadAccount(AccountRecord* out, QString* error) const
{
    // Issue 25: the account and its positions in one statement, so one round trip and one
    // snapshot on PostgreSQL (were two reads in a transaction of their own). The positions
    // come first by `part`, in the columns readPositionRow reads; the account row after them
    // holds its figures in columns 1, 2 and 5.
    ReadStatement read(
        *m_impl,
        QStringLiteral("SELECT symbol, qty, last_price_usd, avg_entry_usd, 0 AS part,"
                       " NULL AS updated_at FROM positions UNION ALL"
                       " SELECT NULL, equity_usd, buying_power_usd, NULL, 1, updated_at"
                       " FROM account WHERE id = 1 ORDER BY part, symbol"),
        error);
    QSqlQuery& query = *read;
    if (!run(read, error))
        return false;
    AccountRecord record;
    while (query.next()) {
        if (query.value(4).toInt() == 0) {
            StoreProblem problem;
            if (std::optional<Position> position = readPositionRow(query, &problem))
                record.account.positions.push_back(std::move(*position));
            else
                record.problems.push_back(std::move(problem));
            continue;
        }
        // Bots may write the schema directly: text that did not convert, or an infinity
        // (SQLite stores one), must never reach the sizer as 0 or inf (issue 12 item 2).
        const std::optional<double> equity = storedNumber(query.value(1));
        const std::optional<double> buyingPower = storedNumber(query.value(2));
        if (!equity || !buyingPower) {
            *error = QStringLiteral("store: account.%1 holds '%2', not a finite number")
                         .arg(!equity ? QStringLiteral("equity_usd")
                                      : QStringLiteral("buying_power_usd"),
                              printable(query.value(!equity ? 1 : 2).toString()));
            return false;
        }
        record.account.equityUsd = *equity;
        record.account.buyingPowerUsd = *buyingPower;
        record.updatedAt = parseIsoUtc(query.value(5).toString());
    }
    *out = std::move(record);
    return true;
}

bool Store::setAccount(double equityUsd, double buyingPowerUsd, UtcTime now, QString* error)
{
    return updateAccount(equityUsd, buyingPowerUsd, now, error);
}

bool Store::updateAccount(std::optional<double> equityUsd, std::optional<double> buyingPowerUsd,
                          UtcTime now, QString* error, std::optional<SettingOrigin> auditAs)
{
    // SPEC 2.2: a negative equity is a state sizing knows ("no equity"), not bad input.
    if (equityUsd && !(std::abs(*equityUsd) <= kMaxStoredUsd)) {
        *error = QStringLiteral("equity: must be a finite number within +-1e15");
        return false;
    }
    if (buyingPowerUsd && !(*buyingPowerUsd >= 0.0 && *buyingPowerUsd <= kMaxStoredUsd)) {
        *error = QStringLiteral("buying_power: must be a finite number >= 0 and <= 1e15");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery upsert = m_impl->prepare(
            QStringLiteral("INSERT INTO account (id, equity_usd, buying_power_usd, updated_at)"
                           " VALUES (1, coalesce(?, 0.0), coalesce(?, 0.0), ?)"
                           " ON CONFLICT (id) DO UPDATE SET"
                           " equity_usd = coalesce(?, account.equity_usd),"
                           " buying_power_usd = coalesce(?, account.buying_power_usd),"
                           " updated_at = excluded.updated_at"),
            error);
        upsert.addBindValue(optionalValue(equityUsd));
        upsert.addBindValue(optionalValue(buyingPowerUsd));
        upsert.addBindValue(isoUtc(now));
        upsert.addBindValue(optionalValue(equityUsd));
        upsert.addBindValue(optionalValue(buyingPowerUsd));
        return run(upsert, error) &&
               (!equityUsd || !auditAs ||
                auditEquitySet(*m_impl, *equityUsd, now, *auditAs, error)) &&
               transaction.commit(error);
    });
}

bool Store::setPosition(const Position& position, UtcTime now, QString* error)
{
    return setPositions({position}, false, now, error);
}

bool Store::setPosition(const Position& position, bool keepStoredEntry, UtcTime now, QString* error)
{
    Position normalized = position;
    normalized.symbol = normalizeSymbol(position.symbol);
    if (!validatePosition(normalized, error))
        return false;
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        return transaction.begin(error) &&
               upsertPosition(*m_impl, normalized, keepStoredEntry, now, error) &&
               transaction.commit(error);
    });
}

bool Store::setPositions(const std::vector<Position>& positions, bool replaceAll, UtcTime now,
                         QString* error)
{
    std::vector<Position> normalized = positions;
    for (Position& p : normalized) {
        p.symbol = normalizeSymbol(p.symbol);
        if (!validatePosition(p, error))
            return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        if (replaceAll && !deleteAllPositions(*m_impl, error))
            return false;
        for (const Position& p : normalized)
            if (!upsertPosition(*m_impl, p, false, now, error))
                return false;
        return transaction.commit(error);
    });
}

bool Store::removePosition(const QString& symbol, bool* found, QString* error)
{
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery remove =
            m_impl->prepare(QStringLiteral("DELETE FROM positions WHERE symbol IN (?, ?)"), error);
        remove.addBindValue(QString::fromStdString(normalizeSymbol(symbol.toStdString())));
        remove.addBindValue(symbol);
        if (!run(remove, error))
            return false;
        *found = remove.numRowsAffected() > 0;
        return transaction.commit(error);
    });
}

bool Store::markPrice(const QString& symbol, double priceUsd, UtcTime now, bool* found,
                      QString* error)
{
    if (!std::isfinite(priceUsd) || priceUsd <= 0.0) {
        *error = QStringLiteral("price: must be a finite number > 0");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        const QString normalized = QString::fromStdString(normalizeSymbol(symbol.toStdString()));
        if (!addMarkToEquity(*m_impl, normalized, priceUsd, error))
            return false;
        QSqlQuery update =
            m_impl->prepare(QStringLiteral("UPDATE positions SET last_price_usd = ?, updated_at = ?"
                                           " WHERE symbol = ?"),
                            error);
        update.addBindValue(priceUsd);
        update.addBindValue(isoUtc(now));
        update.addBindValue(normalized);
        if (!run(update, error))
            return false;
        *found = update.numRowsAffected() > 0;
        return transaction.commit(error);
    });
}

} // namespace kelly::store
