// `close-plan` (issue 22, SPEC 17): the plan that brings the book to the overnight target,
// printed, listed (--history) or sent to Alpaca (--submit alpaca --yes). Sending is one
// explicit path: compute the plan (core/close), print it, refuse without --yes, record the
// plan, send each line with its client_order_id, record and audit each outcome.

#include "AlpacaOrders.h"
#include "ClosePlanService.h"
#include "Session.h"
#include "Values.h"

namespace kelly::ctl {

namespace {

void printPlanText(QTextStream& out, const broker::ClosePlanView& view)
{
    const ClosePlan& plan = view.plan;
    out << "close plan " << QString::fromStdString(plan.planId) << "  method "
        << closeMethodName(plan.method) << '\n';
    if (!view.buildWarning.isEmpty())
        out << "build warning: " << view.buildWarning << '\n';
    for (const auto& [symbol, qty] : view.pendingSoldQty)
        out << "already sent today, not yet in the book: " << QString::fromStdString(symbol) << ' '
            << quantity(qty) << '\n';
    if (!plan.needed) {
        out << "nothing to sell: the book meets the overnight target\n";
    } else {
        out << QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(QStringLiteral("symbol"), -10)
                   .arg(QStringLiteral("side"), -5)
                   .arg(QStringLiteral("qty"), 12)
                   .arg(QStringLiteral("value"), 14)
                   .arg(QStringLiteral("left"), 12);
        for (const ClosePlanLine& line : plan.lines)
            out << QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(QString::fromStdString(line.symbol), -10)
                       .arg(QString::fromLatin1(closeSideName(line.side)), -5)
                       .arg(quantity(line.sellQty), 12)
                       .arg(money(line.sellUsd), 14)
                       .arg(quantity(line.qtyAfter), 12);
    }
    const ClosePlanAfter& a = plan.after;
    out << "after: gross " << money(a.grossUsd) << ", leverage "
        << (a.leverage ? QString::number(*a.leverage, 'f', 3) + QLatin1Char('x')
                       : QStringLiteral("n/a"))
        << ", maintenance " << money(a.maintenanceUsd) << ", excess " << money(a.excessUsd)
        << ", fall to a margin call "
        << (a.marginCallFallPct ? QString::number(*a.marginCallFallPct, 'f', 2) + QLatin1Char('%')
                                : QStringLiteral("none"))
        << '\n';
    out << "VaR 95% " << (a.var95Usd ? money(*a.var95Usd) : QStringLiteral("n/a"))
        << ", financing tonight " << money(a.financingTonightUsd) << ", est. cost "
        << money(plan.estCostUsd) << '\n';
}

int runHistory(Session& session)
{
    std::vector<store::ClosePlanRecord> plans;
    QString error;
    if (!session.store.loadClosePlans(&plans, &error))
        return session.failure(error);
    if (session.json()) {
        QJsonArray array;
        for (const store::ClosePlanRecord& plan : plans) {
            QJsonArray orders;
            for (const store::CloseOrderRecord& o : plan.orders)
                orders.append(QJsonObject{
                    {QStringLiteral("symbol"), o.symbol},
                    {QStringLiteral("side"), o.side},
                    {QStringLiteral("qty"), o.qty},
                    {QStringLiteral("time_in_force"), o.timeInForce},
                    {QStringLiteral("client_order_id"), o.clientOrderId},
                    {QStringLiteral("status"), o.status},
                    {QStringLiteral("broker_order_id"),
                     o.brokerOrderId.isEmpty() ? QJsonValue() : QJsonValue(o.brokerOrderId)},
                    {QStringLiteral("message"),
                     o.message.isEmpty() ? QJsonValue() : QJsonValue(o.message)},
                    {QStringLiteral("sent_at"), store::isoUtc(o.sentAt)}});
            array.append(QJsonObject{{QStringLiteral("plan_id"), plan.planId},
                                     {QStringLiteral("planned_at"), store::isoUtc(plan.plannedAt)},
                                     {QStringLiteral("method"), plan.method},
                                     {QStringLiteral("equity"), plan.equityUsd},
                                     {QStringLiteral("sold_usd"), plan.soldUsd},
                                     {QStringLiteral("orders"), orders}});
        }
        session.print(array);
        return ExitOk;
    }
    if (plans.empty())
        session.out << "no close plan recorded\n";
    for (const store::ClosePlanRecord& plan : plans) {
        session.out << plan.planId << "  " << store::isoUtc(plan.plannedAt) << "  " << plan.method
                    << "  sold " << money(plan.soldUsd) << '\n';
        for (const store::CloseOrderRecord& o : plan.orders)
            session.out << "  " << o.side << ' ' << quantity(o.qty) << ' ' << o.symbol << " ("
                        << o.timeInForce << "): " << o.status
                        << (o.brokerOrderId.isEmpty()
                                ? QString()
                                : QStringLiteral(", order ") + o.brokerOrderId)
                        << (o.message.isEmpty() ? QString() : QStringLiteral(": ") + o.message)
                        << '\n';
    }
    return ExitOk;
}

} // namespace

int runClosePlan(Session& session)
{
    const Invocation& in = session.invocation;
    if (in.has(QStringLiteral("history"))) {
        for (const char* option : {"method", "submit", "tif", "yes"})
            if (in.has(QString::fromLatin1(option)))
                return session.badInput(QStringLiteral("%1: does not go with --history")
                                            .arg(QString::fromLatin1(option)));
        return runHistory(session);
    }
    std::optional<CloseMethod> method;
    if (in.has(QStringLiteral("method"))) {
        method = parseCloseMethod(in.value(QStringLiteral("method")).toStdString());
        if (!method)
            return session.badInput(QStringLiteral("method: '%1' is not proportional, min-risk "
                                                   "or fewest-orders")
                                        .arg(in.value(QStringLiteral("method"))));
    }
    const bool submit = in.has(QStringLiteral("submit"));
    if (submit && in.value(QStringLiteral("submit")) != QLatin1String("alpaca"))
        return session.badInput(QStringLiteral("submit: '%1' is not a broker KellyDesk sends to "
                                               "(alpaca)")
                                    .arg(in.value(QStringLiteral("submit"))));
    for (const char* option : {"tif", "yes"})
        if (!submit && in.has(QString::fromLatin1(option)))
            return session.badInput(
                QStringLiteral("%1: goes with --submit alpaca").arg(QString::fromLatin1(option)));
    const QString tif =
        in.has(QStringLiteral("tif")) ? in.value(QStringLiteral("tif")) : QStringLiteral("day");
    if (tif != QLatin1String("cls") && tif != QLatin1String("day"))
        return session.badInput(QStringLiteral("tif: '%1' is not cls or day").arg(tif));

    broker::ClosePlanService service(session.store, session.environment);
    broker::ClosePlanView view;
    QString error;
    bool badInput = false;
    if (!service.plan(method, session.now, &view, &badInput, &error))
        return badInput ? session.badInput(error) : session.failure(error);

    if (!submit) {
        if (session.json())
            session.print(broker::closePlanJson(view));
        else
            printPlanText(session.out, view);
        return ExitOk;
    }
    // SPEC 17: cls after Alpaca's 15:50 cutoff is refused before anything is sent.
    if (tif == QLatin1String("cls") && broker::ClosePlanService::pastClsCutoff(session.now))
        return session.badInput(QStringLiteral("tif: market-on-close orders are refused after "
                                               "15:50 New York time: use --tif day"));
    if (session.json())
        session.print(broker::closePlanJson(view));
    else
        printPlanText(session.out, view);
    if (!in.has(QStringLiteral("yes"))) {
        for (const ClosePlanLine& line : view.plan.lines)
            session.out << "would send: " << closeSideName(line.side) << ' '
                        << quantity(line.sellQty) << ' ' << QString::fromStdString(line.symbol)
                        << " market, "
                        << broker::ClosePlanService::timeInForce(line.assetClass, tif) << '\n';
        return session.badInput(QStringLiteral("yes: add --yes to send"));
    }
    const auto credentials = broker::alpacaCredentials(session.context.brokerVariables, &error);
    if (!credentials)
        return session.badInput(error);
    std::chrono::milliseconds timeout{10000};
    if (!session.context.testHttpTimeoutMs.isEmpty()) {
        const auto ms =
            parseNumber(session.context.testHttpTimeoutMs,
                        QStringLiteral("KELLYDESK_TEST_HTTP_TIMEOUT_MS"), Sign::Positive, &error);
        if (!ms)
            return session.badInput(error);
        timeout = std::chrono::milliseconds(static_cast<qint64>(*ms));
    }
    std::vector<broker::CloseSendResult> results;
    if (!service.send(view, *credentials, tif, timeout, session.now, &results, &error))
        return session.failure(error);
    if (results.empty()) {
        session.out << "nothing to send\n";
        return ExitOk;
    }
    QStringList accepted, notAccepted;
    for (const broker::CloseSendResult& r : results) {
        const QString line =
            QStringLiteral("%1 %2 %3: %4%5")
                .arg(r.order.side, quantity(r.order.qty), r.order.symbol, r.order.status,
                     r.order.message.isEmpty() ? QString()
                                               : QStringLiteral(" (") + r.order.message + u')');
        (r.ok() ? accepted : notAccepted)
            << (r.resent ? QStringLiteral("(earlier, unconfirmed) ") + line : line);
    }
    for (const QString& line : accepted)
        session.out << "sent: " << line << '\n';
    for (const QString& line : notAccepted)
        session.out << "NOT sent: " << line << '\n';
    if (!notAccepted.isEmpty())
        return session.failure(QStringLiteral("close-plan: %1 of %2 orders not accepted")
                                   .arg(notAccepted.size())
                                   .arg(results.size()));
    return ExitOk;
}

} // namespace kelly::ctl
