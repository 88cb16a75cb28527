#pragma once

// Issue 22 (SPEC 17): one market order to Alpaca, POST /v2/orders, with the plan's
// client_order_id as the idempotency key: the broker's refusal of a repeated id (422) means
// the order is already there, never that it must be sent again. Blocks on a local event loop
// with the caller's QNetworkAccessManager: kellyctl or a worker thread, never the GUI thread.
// The keys go into the two request headers only.

#include "AlpacaSync.h"

#include <QNetworkAccessManager>
#include <QString>
#include <chrono>

namespace kelly::broker {

struct OrderRequest
{
    QString symbol;      // as Alpaca spells it (crypto: BTC/USD)
    double qty = 0.0;    // > 0
    QString side;        // sell | buy
    QString timeInForce; // cls | day | gtc
    QString clientOrderId;
};

enum class OrderStatus
{
    Accepted,    // 2xx: the broker took it (brokerOrderId set)
    AlreadySent, // 422 on a repeated client_order_id: an earlier send took it
    Refused,     // any other 4xx: the broker said no (message says why)
    Failed,      // timeout, connection, 5xx, too many 429s: the outcome is unknown
};
const char* orderStatusName(OrderStatus status); // "accepted" | "already sent" | ...

struct OrderOutcome
{
    OrderStatus status = OrderStatus::Failed;
    QString brokerOrderId;
    QString message; // the broker's reason or the transport's failure; never a key
};

// Alpaca's spelling of a normalised symbol: crypto pairs as BASE/USD.
QString alpacaOrderSymbol(const QString& normalizedSymbol, bool crypto);

OrderOutcome submitAlpacaOrder(QNetworkAccessManager& network, const AlpacaCredentials& credentials,
                               const OrderRequest& order, std::chrono::milliseconds timeout,
                               int maxTries = 3);

} // namespace kelly::broker
