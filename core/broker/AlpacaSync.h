#pragma once

// Issue 16 (SPEC 14): the broker sync. Reads Alpaca's GET /v2/account and GET /v2/positions
// and writes them through Store::applyBrokerSync in one transaction, or writes nothing.
//
// The calls block on a local event loop with their own QNetworkAccessManager: run them in
// kellyctl or on a worker thread, never on the GUI thread. The keys go into the two request
// headers and nowhere else: no message, log or store row holds them.

#include "Store.h"

#include <QHash>
#include <QString>
#include <QUrl>
#include <chrono>
#include <optional>

namespace kelly::broker {

// Alpaca's paper trading endpoint: the default, so a forgotten variable never trades live.
inline constexpr char kAlpacaPaperUrl[] = "https://paper-api.alpaca.markets";

struct AlpacaCredentials
{
    QString keyId;     // header APCA-API-KEY-ID
    QString secretKey; // header APCA-API-SECRET-KEY
    QUrl baseUrl;      // without user info
};

// From APCA_API_KEY_ID, APCA_API_SECRET_KEY and APCA_API_BASE_URL (default: paper).
// The error names the variable.
std::optional<AlpacaCredentials> alpacaCredentials(const QHash<QString, QString>& environment,
                                                   QString* error);

struct SyncOptions
{
    std::chrono::milliseconds timeout{10000}; // SPEC 14, per request
    int maxRetries = 3; // SPEC 14: a 429 is retried after Retry-After, 3 times after the first
    std::chrono::seconds maxRetryAfter{60}; // a longer wait is cut to this
};

enum class SyncFailure
{
    None,
    Rejected, // 401/403, or missing credentials: the caller fixes them (kellyctl exit 2)
    Failed,   // timeout, 5xx, too many 429s, bad JSON, a missing field, the store (exit 1)
};

struct SyncOutcome
{
    SyncFailure failure = SyncFailure::None;
    QString error;                   // names the request and the status or field
    store::BrokerSyncRecord written; // when failure == None
};

// Fetches both resources; fills `sync` only when both parsed completely.
SyncOutcome fetchAlpaca(const AlpacaCredentials& credentials, const SyncOptions& options,
                        store::BrokerSync* sync);

// fetchAlpaca, then one Store::applyBrokerSync at `now`: the store changes only on success.
SyncOutcome syncAlpaca(store::Store& store, const AlpacaCredentials& credentials,
                       const SyncOptions& options, UtcTime now);

// Alpaca's /v2/account body: equity and buying_power (JSON strings, or numbers).
bool parseAlpacaAccount(const QByteArray& body, double* equityUsd, double* buyingPowerUsd,
                        QString* error);

} // namespace kelly::broker
