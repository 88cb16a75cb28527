#pragma once

// Issue 22 (SPEC 17): the close plan between the store, the planner (core/close) and the
// broker. Reads the book, settings, rates, the latest build and today's close orders; plans;
// and sends a plan's lines to Alpaca, recording and auditing each outcome. kellyctl and the
// dashboard's "Before the close" panel are two faces of this one path.

#include "AlpacaOrders.h"
#include "Store.h"
#include "close/ClosePlan.h"

#include <QJsonObject>
#include <map>
#include <optional>

namespace kelly::broker {

struct ClosePlanView
{
    ClosePlan plan;
    QString buildWarning;                         // empty: none (SPEC 17's build_warning)
    std::map<std::string, double> pendingSoldQty; // sent today, not yet in the book
    bool halted = false; // a halt blocks neither the plan nor its sending (SPEC 17)
    double equityUsd = 0.0;
};

struct CloseSendResult
{
    store::CloseOrderRecord order;
    bool resent = false; // an earlier order whose outcome was unknown, sent again by its id
    bool ok() const
    {
        return order.status == QLatin1String("accepted") ||
               order.status == QLatin1String("already sent");
    }
};

// close-plan --json's object (SPEC 17 keys), also what the store keeps of a sent plan.
QJsonObject closePlanJson(const ClosePlanView& view);

class ClosePlanService
{
public:
    ClosePlanService(store::Store& store, const store::Environment& environment)
        : m_store(store), m_environment(environment)
    {}

    // `method` empty: min-risk when a build whose data is not stale covers the book, else
    // proportional. `badInput` marks errors the caller fixes (exit 2): min-risk without a
    // build, a malformed environment.
    bool plan(std::optional<CloseMethod> method, UtcTime now, ClosePlanView* out, bool* badInput,
              QString* error);

    // Records the plan, sends again today's orders whose outcome was unknown (same
    // client_order_id: the broker keeps one), then each line not yet accepted; every line is
    // tried and each outcome recorded. False only when the store cannot record (sending
    // stops there: an unrecorded order could be doubled).
    bool send(const ClosePlanView& view, const AlpacaCredentials& credentials, const QString& tif,
              std::chrono::milliseconds timeout, UtcTime now, std::vector<CloseSendResult>* results,
              QString* error);

    // Alpaca takes market-on-close orders until 15:50 New York time.
    static bool pastClsCutoff(UtcTime now);
    // cls or day for a stock; crypto takes gtc (Alpaca: gtc or ioc only).
    static QString timeInForce(AssetClass assetClass, const QString& tif);
    static QString clientOrderId(const std::string& planId, const std::string& symbol);

private:
    store::Store& m_store;
    const store::Environment& m_environment;
};

} // namespace kelly::broker
