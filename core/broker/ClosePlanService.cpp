#include "ClosePlanService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>

namespace kelly::broker {

namespace {

bool orderCountsAsSent(const store::CloseOrderRecord& order)
{
    // Refused is final; failed means the outcome is unknown (a timeout may have reached the
    // broker), so it counts as sent until a resend by its id settles it.
    return order.status != QLatin1String("refused");
}

} // namespace

QJsonObject closePlanJson(const ClosePlanView& view)
{
    const ClosePlan& plan = view.plan;
    QJsonArray lines;
    for (const ClosePlanLine& line : plan.lines)
        lines.append(
            QJsonObject{{QStringLiteral("symbol"), QString::fromStdString(line.symbol)},
                        {QStringLiteral("side"), QString::fromLatin1(closeSideName(line.side))},
                        {QStringLiteral("qty"), line.qty},
                        {QStringLiteral("sell_qty"), line.sellQty},
                        {QStringLiteral("sell_usd"), line.sellUsd},
                        {QStringLiteral("qty_after"), line.qtyAfter},
                        {QStringLiteral("weight_after"), line.weightAfter}});
    const auto optional = [](const std::optional<double>& v) {
        return v && std::isfinite(*v) ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
    };
    const ClosePlanAfter& a = plan.after;
    QJsonObject pending;
    for (const auto& [symbol, qty] : view.pendingSoldQty)
        pending.insert(QString::fromStdString(symbol), qty);
    return QJsonObject{
        {QStringLiteral("plan_id"), QString::fromStdString(plan.planId)},
        {QStringLiteral("needed"), plan.needed},
        {QStringLiteral("method"), QString::fromLatin1(closeMethodName(plan.method))},
        {QStringLiteral("build_warning"), view.buildWarning.isEmpty()
                                              ? QJsonValue(QJsonValue::Null)
                                              : QJsonValue(view.buildWarning)},
        {QStringLiteral("lines"), lines},
        {QStringLiteral("after"),
         QJsonObject{{QStringLiteral("gross"), a.grossUsd},
                     {QStringLiteral("leverage"), optional(a.leverage)},
                     {QStringLiteral("maintenance"), a.maintenanceUsd},
                     {QStringLiteral("excess"), a.excessUsd},
                     {QStringLiteral("margin_call_fall_pct"), optional(a.marginCallFallPct)},
                     {QStringLiteral("var_95"), optional(a.var95Usd)},
                     {QStringLiteral("financing_tonight"), a.financingTonightUsd}}},
        {QStringLiteral("est_cost"), plan.estCostUsd},
        {QStringLiteral("pending_sold_qty"), pending},
        {QStringLiteral("halted"), view.halted}};
}

bool ClosePlanService::pastClsCutoff(UtcTime now)
{
    const auto local = newyork::toLocal(now);
    const auto sinceMidnight = local - std::chrono::floor<std::chrono::days>(local);
    return sinceMidnight >= std::chrono::hours{15} + std::chrono::minutes{50};
}

QString ClosePlanService::timeInForce(AssetClass assetClass, const QString& tif)
{
    return assetClass == AssetClass::Crypto ? QStringLiteral("gtc") : tif;
}

QString ClosePlanService::clientOrderId(const std::string& planId, const std::string& symbol)
{
    return QStringLiteral("kd-close-%1-%2")
        .arg(QString::fromStdString(planId), QString::fromStdString(symbol));
}

bool ClosePlanService::plan(std::optional<CloseMethod> method, UtcTime now, ClosePlanView* out,
                            bool* badInput, QString* error)
{
    *badInput = false;
    store::EffectiveSettings settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!m_store.effectiveSettings(m_environment, &settings, error, &failure)) {
        *badInput = failure == store::SettingsFailure::Environment;
        return false;
    }
    store::AccountRecord record;
    MarginRates rates;
    std::optional<store::StoredCorrelationBuild> stored;
    std::vector<store::CloseOrderRecord> today;
    if (!m_store.loadAccount(&record, error) || !m_store.loadMarginRates(&rates, error) ||
        !m_store.loadLatestCorrelationBuild(&stored, error) ||
        !m_store.loadCloseOrdersSince(newyork::startOfDay(now), &today, error))
        return false;

    ClosePlanInput input;
    input.account = record.account;
    input.limits = settings.limits;
    input.cryptoList = settings.cryptoList;
    input.policy = settings.marginPolicy(&rates);
    input.financingAnnualRate = settings.leverageCostAnnual;
    input.now = now;

    // SPEC 17: orders sent today count as sold until the book shows them: the part of the
    // sales not yet reflected is |book qty| - the smallest |qty_after| they aimed at, at
    // most what they sell.
    ClosePlanView view;
    std::map<std::string, std::pair<double, double>> sent; // symbol -> (sum qty, min |after|)
    for (const store::CloseOrderRecord& order : today) {
        if (!orderCountsAsSent(order))
            continue;
        auto [it, inserted] =
            sent.try_emplace(order.symbol.toStdString(), 0.0, std::abs(order.qtyAfter));
        it->second.first += order.qty;
        it->second.second = std::min(it->second.second, std::abs(order.qtyAfter));
    }
    for (const Position& p : record.account.positions) {
        const auto s = sent.find(p.symbol);
        if (s == sent.end())
            continue;
        const double pending = std::clamp(std::abs(p.qty) - s->second.second, 0.0, s->second.first);
        if (pending > 0.0) {
            input.pendingSoldQty.emplace(p.symbol, pending);
            view.pendingSoldQty.emplace(p.symbol, pending);
        }
    }

    QString buildProblem;
    if (!stored) {
        buildProblem = QStringLiteral("no correlation build");
    } else {
        input.build = &stored->build;
        const auto date = store::correlationDataDate(stored->build); // SPEC 5
        if (!date || isCorrelationDataStale(*date, now))
            buildProblem = QStringLiteral("the build is stale (data of %1)")
                               .arg(date ? store::isoUtc(*date).left(10) : QStringLiteral("?"));
        else if (!buildCoversBook(stored->build, record.account))
            buildProblem = QStringLiteral("the build does not cover every position");
    }
    if (!method) {
        method = buildProblem.isEmpty() ? CloseMethod::MinRisk : CloseMethod::Proportional;
        if (!buildProblem.isEmpty() && stored)
            view.buildWarning = QStringLiteral("min-risk not used: ") + buildProblem;
    } else if (*method == CloseMethod::MinRisk) {
        if (!stored) {
            *badInput = true;
            *error = QStringLiteral("method: min-risk needs a correlation build (kellyctl "
                                    "correlation build --prices DIR), or choose proportional or "
                                    "fewest-orders");
            return false;
        }
        if (!buildProblem.isEmpty())
            view.buildWarning = buildProblem + QStringLiteral(": min-risk ran on it anyway");
    }
    Result<ClosePlan> plan = planClose(input, *method);
    if (!plan) {
        *badInput = true;
        *error = QString::fromStdString(plan.error().describe());
        return false;
    }
    view.plan = std::move(plan.value());
    view.halted = settings.halted();
    view.equityUsd = record.account.equityUsd;
    *out = std::move(view);
    return true;
}

bool ClosePlanService::send(const ClosePlanView& view, const AlpacaCredentials& credentials,
                            const QString& tif, std::chrono::milliseconds timeout, UtcTime now,
                            std::vector<CloseSendResult>* results, QString* error)
{
    results->clear();
    std::vector<store::CloseOrderRecord> today;
    if (!m_store.loadCloseOrdersSince(newyork::startOfDay(now), &today, error))
        return false;
    const store::ClosePlanRecord record{
        QString::fromStdString(view.plan.planId),
        now,
        QString::fromLatin1(closeMethodName(view.plan.method)),
        view.equityUsd,
        view.plan.soldUsd,
        QString::fromUtf8(QJsonDocument(closePlanJson(view)).toJson(QJsonDocument::Compact)),
        {}};
    if (view.plan.needed && !m_store.recordClosePlan(record, error))
        return false;

    QNetworkAccessManager network;
    CryptoList crypto;
    const auto sendOne = [&](store::CloseOrderRecord order, bool resent, bool isCrypto) {
        const OrderOutcome outcome =
            submitAlpacaOrder(network, credentials,
                              {alpacaOrderSymbol(order.symbol, isCrypto), order.qty, order.side,
                               order.timeInForce, order.clientOrderId},
                              timeout);
        order.status = QString::fromLatin1(orderStatusName(outcome.status));
        order.brokerOrderId = outcome.brokerOrderId;
        order.message = outcome.message;
        order.sentAt = now;
        results->push_back({order, resent});
        return m_store.recordCloseOrder(order, error);
    };
    // Today's orders whose outcome is unknown first, by their own ids.
    for (const store::CloseOrderRecord& order : today)
        if (order.status == QLatin1String("failed"))
            if (!sendOne(order, true, order.timeInForce == QLatin1String("gtc")))
                return false;
    for (const ClosePlanLine& line : view.plan.lines) {
        store::CloseOrderRecord order;
        order.planId = record.planId;
        order.symbol = QString::fromStdString(line.symbol);
        order.side = QString::fromLatin1(closeSideName(line.side));
        order.qty = line.sellQty;
        order.qtyBefore = line.qty;
        order.qtyAfter = line.qtyAfter;
        order.timeInForce = timeInForce(line.assetClass, tif);
        order.clientOrderId = clientOrderId(view.plan.planId, line.symbol);
        const auto earlier = std::find_if(today.begin(), today.end(), [&](const auto& o) {
            return o.clientOrderId == order.clientOrderId;
        });
        if (earlier != today.end() && earlier->status != QLatin1String("refused"))
            continue; // sent already (or just re-sent above): never twice
        if (!sendOne(order, false, line.assetClass == AssetClass::Crypto))
            return false;
    }
    return true;
}

} // namespace kelly::broker
