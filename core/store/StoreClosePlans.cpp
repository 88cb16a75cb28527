// SPEC 17: the close plans as printed or sent, and each order's outcome at the broker. An
// order is an act in the world: its outcome commits with the disk (DurableCommits), as the
// controls do, and is audited.

#include "StoreImpl.h"

namespace kelly::store {

namespace {

QVariant textOrNull(const QString& text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

constexpr const char* kOrderColumns =
    "plan_id, symbol, side, qty, qty_before, qty_after, time_in_force, client_order_id, status,"
    " broker_order_id, message, sent_at";

std::optional<CloseOrderRecord> readOrder(const QSqlQuery& query)
{
    CloseOrderRecord order;
    order.planId = query.value(0).toString();
    order.symbol = query.value(1).toString();
    order.side = query.value(2).toString();
    const auto qty = storedNumber(query.value(3));
    const auto before = storedNumber(query.value(4));
    const auto after = storedNumber(query.value(5));
    const auto sentAt = parseIsoUtc(query.value(11).toString());
    if (!qty || !before || !after || !sentAt)
        return std::nullopt; // the schema refuses these; a row written around it is skipped
    order.qty = *qty;
    order.qtyBefore = *before;
    order.qtyAfter = *after;
    order.timeInForce = query.value(6).toString();
    order.clientOrderId = query.value(7).toString();
    order.status = query.value(8).toString();
    order.brokerOrderId = query.value(9).toString();
    order.message = query.value(10).toString();
    order.sentAt = *sentAt;
    return order;
}

} // namespace

bool Store::recordClosePlan(const ClosePlanRecord& plan, QString* error)
{
    return withRetries(*m_impl, error, [&](QString* error) {
        DurableCommits durable(*m_impl);
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery insert = m_impl->prepare(
            QStringLiteral("INSERT INTO close_plans (plan_id, planned_at, method, equity_usd,"
                           " sold_usd, plan_json) VALUES (?, ?, ?, ?, ?, ?)"
                           " ON CONFLICT (plan_id) DO NOTHING"),
            error);
        insert.addBindValue(plan.planId);
        insert.addBindValue(isoUtc(plan.plannedAt));
        insert.addBindValue(plan.method);
        insert.addBindValue(plan.equityUsd);
        insert.addBindValue(plan.soldUsd);
        insert.addBindValue(plan.planJson);
        if (!run(insert, error))
            return false;
        return transaction.commit(error);
    });
}

bool Store::recordCloseOrder(const CloseOrderRecord& order, QString* error)
{
    return withRetries(*m_impl, error, [&](QString* error) {
        DurableCommits durable(*m_impl);
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery previous = m_impl->prepare(
            QStringLiteral("SELECT status FROM close_orders WHERE client_order_id = ?"), error);
        previous.addBindValue(order.clientOrderId);
        if (!run(previous, error))
            return false;
        const QVariant oldStatus = previous.next() ? QVariant(previous.value(0).toString())
                                                   : QVariant(QMetaType(QMetaType::QString));
        previous.finish();
        QSqlQuery write = m_impl->prepare(
            QStringLiteral("INSERT INTO close_orders (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                           " ?) ON CONFLICT (client_order_id) DO UPDATE SET"
                           " status = excluded.status, broker_order_id ="
                           " COALESCE(excluded.broker_order_id, close_orders.broker_order_id),"
                           " message = excluded.message, sent_at = excluded.sent_at,"
                           " time_in_force = excluded.time_in_force")
                .arg(QLatin1String(kOrderColumns)),
            error);
        for (const QVariant& value :
             {QVariant(order.planId), QVariant(order.symbol), QVariant(order.side),
              QVariant(order.qty), QVariant(order.qtyBefore), QVariant(order.qtyAfter),
              QVariant(order.timeInForce), QVariant(order.clientOrderId), QVariant(order.status),
              textOrNull(order.brokerOrderId), textOrNull(order.message),
              QVariant(isoUtc(order.sentAt))})
            write.addBindValue(value);
        if (!run(write, error))
            return false;
        QString detail = QStringLiteral("plan %1: %2 %3 %4 (%5)")
                             .arg(order.planId, order.side, QString::number(order.qty, 'g', 12),
                                  order.symbol, order.timeInForce);
        if (!order.brokerOrderId.isEmpty())
            detail += QStringLiteral(", broker order ") + order.brokerOrderId;
        if (!order.message.isEmpty())
            detail += QStringLiteral(": ") + order.message;
        if (!appendAudit(*m_impl, order.sentAt, QStringLiteral("close_order:") + order.symbol,
                         oldStatus, order.status, SettingOrigin::Cli, QVariant(detail), error))
            return false;
        return transaction.commit(error);
    });
}

bool Store::loadClosePlans(std::vector<ClosePlanRecord>* out, QString* error) const
{
    out->clear();
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    QSqlQuery plans = m_impl->prepare(
        QStringLiteral("SELECT plan_id, planned_at, method, equity_usd, sold_usd, plan_json"
                       " FROM close_plans ORDER BY id DESC"),
        error);
    if (!run(plans, error))
        return false;
    QHash<QString, size_t> index;
    while (plans.next()) {
        const auto at = parseIsoUtc(plans.value(1).toString());
        const auto equity = storedNumber(plans.value(3));
        const auto sold = storedNumber(plans.value(4));
        if (!at || !equity || !sold)
            continue;
        index.insert(plans.value(0).toString(), out->size());
        out->push_back({plans.value(0).toString(),
                        *at,
                        plans.value(2).toString(),
                        *equity,
                        *sold,
                        plans.value(5).toString(),
                        {}});
    }
    plans.finish();
    QSqlQuery orders = m_impl->prepare(
        QStringLiteral("SELECT %1 FROM close_orders ORDER BY id").arg(QLatin1String(kOrderColumns)),
        error);
    if (!run(orders, error))
        return false;
    while (orders.next())
        if (const auto order = readOrder(orders); order && index.contains(order->planId))
            (*out)[index.value(order->planId)].orders.push_back(*order);
    orders.finish();
    return transaction.commit(error);
}

bool Store::loadCloseOrdersSince(UtcTime since, std::vector<CloseOrderRecord>* out,
                                 QString* error) const
{
    out->clear();
    QSqlQuery query =
        m_impl->prepare(QStringLiteral("SELECT %1 FROM close_orders WHERE sent_at >= ? ORDER BY id")
                            .arg(QLatin1String(kOrderColumns)),
                        error);
    query.addBindValue(isoUtc(since));
    if (!run(query, error))
        return false;
    while (query.next())
        if (const auto order = readOrder(query))
            out->push_back(*order);
    return true;
}

} // namespace kelly::store
