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
#include <functional>
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
    // SPEC 14/15: asset reads that failed; each symbol keeps its last good rate.
    QStringList warnings;
};

// Which held symbols' margin rates to read from GET /v2/assets/{symbol} this time.
using AssetDue = std::function<bool(const QString& symbol)>;

// Fetches the account, the positions and, for each held symbol `assetDue` accepts, its
// asset (margin rates); fills `sync` only when the account and positions parsed completely.
// A failed asset read is a warning, not a failure.
SyncOutcome fetchAlpaca(const AlpacaCredentials& credentials, const SyncOptions& options,
                        store::BrokerSync* sync, const AssetDue& assetDue = {});

// fetchAlpaca, then one Store::applyBrokerSync at `now`: the store changes only on success.
SyncOutcome syncAlpaca(store::Store& store, const AlpacaCredentials& credentials,
                       const SyncOptions& options, UtcTime now);

// Alpaca's /v2/account body: equity (may be negative) and buying_power (JSON strings, or
// numbers), and maintenance_margin when present. The day-trading fields Alpaca removed on
// 2026-07-06 are never read.
bool parseAlpacaAccount(const QByteArray& body, store::BrokerSync* sync, QString* error);

// Alpaca's /v2/assets/{symbol} body: `marginable` and the margin requirements in percent
// (strings such as "30"); a symbol that is not marginable needs 100%.
bool parseAlpacaAsset(const QByteArray& body, BrokerMarginRate* rate, QString* error);

// At most once a day per symbol (SPEC 14).
inline constexpr std::chrono::hours kAssetRefreshAfter{24};

} // namespace kelly::broker
