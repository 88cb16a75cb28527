#include "AlpacaSync.h"

#include "Import.h"
#include "Values.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimeZone>
#include <QTimer>
#include <algorithm>

namespace kelly::broker {

namespace {

struct Reply
{
    int status = 0; // 0: no HTTP answer (timeout, connection)
    QByteArray body;
    QByteArray retryAfter;
    QByteArray date;        // the server's clock, for a Retry-After given as a date
    QString transportError; // when status == 0
    bool timedOut = false;
};

// One GET with the whole-request deadline: a reply that trickles in still ends at the
// timeout (a transfer timeout would restart on every byte).
Reply get(QNetworkAccessManager& network, const AlpacaCredentials& credentials, const QString& path,
          std::chrono::milliseconds timeout)
{
    QUrl url = credentials.baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    QNetworkRequest request(url);
    request.setRawHeader("APCA-API-KEY-ID", credentials.keyId.toUtf8());
    request.setRawHeader("APCA-API-SECRET-KEY", credentials.secretKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    // A redirect would carry the keys to another host: refuse it instead (status 3xx).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);

    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    Reply result;
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        result.timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(timeout);
    if (!reply->isFinished())
        loop.exec();
    deadline.stop();

    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.retryAfter = reply->rawHeader("Retry-After");
    result.date = reply->rawHeader("Date");
    if (result.timedOut) {
        result.status = 0;
    } else if (reply->error() != QNetworkReply::NoError && result.status == 0) {
        result.transportError = reply->errorString();
    } else if (reply->error() != QNetworkReply::NoError && result.status / 100 == 2) {
        // A 200 whose body broke off (the connection closed before Content-Length).
        result.transportError = QStringLiteral("the reply broke off: ") + reply->errorString();
        result.status = 0;
    }
    if (reply->isOpen()) // an aborted reply is closed
        result.body = reply->readAll();
    reply->deleteLater();
    return result;
}

// An HTTP-date (RFC 9110 5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", always UTC.
QDateTime httpDate(const QByteArray& text)
{
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    at.setTimeZone(QTimeZone::utc());
    return at;
}

// Issue 24: Retry-After in seconds, or as a date measured against the reply's own Date (the
// server's clock, so ours does not matter). Absent or unreadable: one second.
std::chrono::seconds retryDelay(const QByteArray& header, const QByteArray& date,
                                std::chrono::seconds cap)
{
    bool ok = false;
    const int seconds = header.trimmed().toInt(&ok);
    if (ok && seconds >= 0)
        return std::min(std::chrono::seconds{seconds}, cap);
    const QDateTime retryAt = httpDate(header);
    const QDateTime sentAt = httpDate(date);
    if (!retryAt.isValid() || !sentAt.isValid())
        return std::chrono::seconds{1};
    const qint64 wait = sentAt.secsTo(retryAt);
    return std::clamp(std::chrono::seconds{wait}, std::chrono::seconds{0}, cap);
}

void sleepFor(std::chrono::milliseconds wait)
{
    QEventLoop loop;
    QTimer::singleShot(wait, &loop, &QEventLoop::quit);
    loop.exec();
}

SyncOutcome failed(SyncFailure kind, const QString& message)
{
    SyncOutcome outcome;
    outcome.failure = kind;
    outcome.error = message;
    return outcome;
}

// GET with SPEC 14's error rules; the body of a 2xx on success.
SyncOutcome fetch(QNetworkAccessManager& network, const AlpacaCredentials& credentials,
                  const SyncOptions& options, const QString& path, QByteArray* body)
{
    const QString what = QStringLiteral("GET ") + path;
    for (int attempt = 1;; ++attempt) {
        const Reply reply = get(network, credentials, path, options.timeout);
        if (reply.timedOut)
            return failed(SyncFailure::Failed,
                          what + QStringLiteral(": no complete reply within %1 s (timeout)")
                                     .arg(double(options.timeout.count()) / 1000.0));
        if (reply.status == 0)
            return failed(SyncFailure::Failed, what + QStringLiteral(": ") + reply.transportError);
        if (reply.status == 401 || reply.status == 403)
            return failed(SyncFailure::Rejected,
                          what +
                              QStringLiteral(": credentials rejected (HTTP %1)").arg(reply.status));
        if (reply.status == 429) {
            if (attempt > options.maxRetries)
                return failed(SyncFailure::Failed,
                              what + QStringLiteral(": HTTP 429 (rate limited) %1 times; giving up")
                                         .arg(attempt));
            sleepFor(retryDelay(reply.retryAfter, reply.date, options.maxRetryAfter));
            continue;
        }
        if (reply.status / 100 != 2)
            return failed(SyncFailure::Failed,
                          what + QStringLiteral(": HTTP %1").arg(reply.status));
        *body = reply.body;
        return {};
    }
}

} // namespace

std::optional<AlpacaCredentials> alpacaCredentials(const QHash<QString, QString>& environment,
                                                   QString* error)
{
    AlpacaCredentials credentials;
    credentials.keyId = environment.value(QStringLiteral("APCA_API_KEY_ID"));
    credentials.secretKey = environment.value(QStringLiteral("APCA_API_SECRET_KEY"));
    if (credentials.keyId.isEmpty()) {
        *error = QStringLiteral("APCA_API_KEY_ID: not set");
        return std::nullopt;
    }
    if (credentials.secretKey.isEmpty()) {
        *error = QStringLiteral("APCA_API_SECRET_KEY: not set");
        return std::nullopt;
    }
    const QString base = environment.value(QStringLiteral("APCA_API_BASE_URL"));
    credentials.baseUrl =
        QUrl(base.isEmpty() ? QString::fromLatin1(kAlpacaPaperUrl) : base, QUrl::StrictMode);
    const QString scheme = credentials.baseUrl.scheme();
    if (!credentials.baseUrl.isValid() || credentials.baseUrl.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http"))) {
        *error = QStringLiteral("APCA_API_BASE_URL: not an http(s) URL");
        return std::nullopt;
    }
    if (!credentials.baseUrl.userInfo().isEmpty()) {
        *error = QStringLiteral("APCA_API_BASE_URL: must not hold a user or password");
        return std::nullopt;
    }
    return credentials;
}

namespace {

std::optional<QJsonObject> parseObject(const QByteArray& body, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not valid JSON at offset %1: %2")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("expected a JSON object");
        return std::nullopt;
    }
    return document.object();
}

// A requirement in percent ("30", 30) as a fraction.
std::optional<double> requirementFraction(const QJsonObject& asset, const QString& field,
                                          QString* error)
{
    const auto percent =
        ctl::parseJsonNumber(asset.value(field), field, ctl::Sign::NonNegative, error);
    if (!percent)
        return std::nullopt;
    if (*percent > 100.0) {
        *error = field + QStringLiteral(": %1% is over 100%").arg(*percent);
        return std::nullopt;
    }
    return *percent / 100.0;
}

} // namespace

bool parseAlpacaAccount(const QByteArray& body, store::BrokerSync* sync, QString* error)
{
    const std::optional<QJsonObject> account = parseObject(body, error);
    if (!account)
        return false;
    // SPEC 14: an account in deficit syncs; sizing then reads it as "no equity".
    const auto equity = ctl::parseJsonNumber(account->value(QLatin1String("equity")),
                                             QStringLiteral("equity"), ctl::Sign::Any, error);
    if (!equity)
        return false;
    const auto buyingPower =
        ctl::parseJsonNumber(account->value(QLatin1String("buying_power")),
                             QStringLiteral("buying_power"), ctl::Sign::NonNegative, error);
    if (!buyingPower)
        return false;
    std::optional<double> maintenance;
    if (account->contains(QLatin1String("maintenance_margin"))) {
        maintenance = ctl::parseJsonNumber(account->value(QLatin1String("maintenance_margin")),
                                           QStringLiteral("maintenance_margin"),
                                           ctl::Sign::NonNegative, error);
        if (!maintenance)
            return false;
    }
    sync->equityUsd = *equity;
    sync->buyingPowerUsd = *buyingPower;
    sync->maintenanceMarginUsd = maintenance;
    return true;
}

bool parseAlpacaAsset(const QByteArray& body, BrokerMarginRate* rate, QString* error)
{
    const std::optional<QJsonObject> asset = parseObject(body, error);
    if (!asset)
        return false;
    const QJsonValue marginable = asset->value(QLatin1String("marginable"));
    if (!marginable.isBool()) {
        *error = QStringLiteral("marginable: missing or not true/false");
        return false;
    }
    BrokerMarginRate read;
    read.marginable = marginable.toBool();
    const auto longRate =
        requirementFraction(*asset, QStringLiteral("margin_requirement_long"), error);
    if (!longRate)
        return false;
    const auto shortRate =
        requirementFraction(*asset, QStringLiteral("margin_requirement_short"), error);
    if (!shortRate)
        return false;
    read.longRate = *longRate;
    read.shortRate = *shortRate;
    *rate = read;
    return true;
}

SyncOutcome fetchAlpaca(const AlpacaCredentials& credentials, const SyncOptions& options,
                        store::BrokerSync* sync, const AssetDue& assetDue)
{
    QNetworkAccessManager network;
    QByteArray accountBody;
    SyncOutcome outcome =
        fetch(network, credentials, options, QStringLiteral("/v2/account"), &accountBody);
    if (outcome.failure != SyncFailure::None)
        return outcome;
    QByteArray positionsBody;
    outcome = fetch(network, credentials, options, QStringLiteral("/v2/positions"), &positionsBody);
    if (outcome.failure != SyncFailure::None)
        return outcome;

    store::BrokerSync read;
    read.origin = QStringLiteral("alpaca");
    QString error;
    if (!parseAlpacaAccount(accountBody, &read, &error))
        return failed(SyncFailure::Failed, QStringLiteral("GET /v2/account: ") + error);
    ctl::ImportResult positions =
        ctl::parseAlpacaPositions(QStringLiteral("GET /v2/positions"), positionsBody);
    if (!positions.positions)
        return failed(SyncFailure::Failed, positions.error);
    read.positions = std::move(*positions.positions);

    for (const Position& p : read.positions) {
        const QString symbol = QString::fromStdString(p.symbol);
        if (!assetDue || !assetDue(symbol))
            continue;
        QByteArray assetBody;
        const QString path = QStringLiteral("/v2/assets/") + symbol;
        const SyncOutcome asset = fetch(network, credentials, options, path, &assetBody);
        BrokerMarginRate rate;
        QString assetError = asset.error;
        if (asset.failure == SyncFailure::None && !parseAlpacaAsset(assetBody, &rate, &assetError))
            assetError = QStringLiteral("GET ") + path + QStringLiteral(": ") + assetError;
        else if (asset.failure == SyncFailure::None) {
            read.assetRates.emplace_back(symbol, rate);
            continue;
        }
        outcome.warnings << QStringLiteral("%1: margin rate not read (%2); it keeps its last"
                                           " good rate")
                                .arg(symbol, assetError);
    }
    *sync = std::move(read);
    return outcome;
}

SyncOutcome syncAlpaca(store::Store& store, const AlpacaCredentials& credentials,
                       const SyncOptions& options, UtcTime now)
{
    // SPEC 14: each held stock's margin rates, at most once a day; crypto is never marginable.
    QString error;
    QHash<QString, UtcTime> fetched;
    QString cryptoText;
    if (!store.loadBrokerRateTimes(&fetched, &error) ||
        !store.readSetting(store::SettingKey::CryptoList, &cryptoText, &error))
        return failed(SyncFailure::Failed, QStringLiteral("store: ") + error);
    std::vector<std::string> cryptoSymbols;
    for (const QString& symbol : cryptoText.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        cryptoSymbols.push_back(symbol.toStdString());
    const CryptoList crypto(std::move(cryptoSymbols));
    const AssetDue due = [&](const QString& symbol) {
        if (crypto.contains(symbol.toStdString()))
            return false;
        const auto last = fetched.constFind(symbol);
        return last == fetched.constEnd() || now - *last >= kAssetRefreshAfter;
    };
    store::BrokerSync sync;
    SyncOutcome outcome = fetchAlpaca(credentials, options, &sync, due);
    if (outcome.failure != SyncFailure::None)
        return outcome;
    if (!store.applyBrokerSync(sync, now, &outcome.written, &error))
        return failed(SyncFailure::Failed, QStringLiteral("store: ") + error);
    return outcome;
}

} // namespace kelly::broker
