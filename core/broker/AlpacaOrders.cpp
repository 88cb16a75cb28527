#include "AlpacaOrders.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>

namespace kelly::broker {

const char* orderStatusName(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Accepted:
        return "accepted";
    case OrderStatus::AlreadySent:
        return "already sent";
    case OrderStatus::Refused:
        return "refused";
    case OrderStatus::Failed:
        return "failed";
    }
    return "failed";
}

QString alpacaOrderSymbol(const QString& normalizedSymbol, bool crypto)
{
    if (crypto && normalizedSymbol.endsWith(QLatin1String("USD")) && normalizedSymbol.size() > 3)
        return normalizedSymbol.chopped(3) + QStringLiteral("/USD");
    return normalizedSymbol;
}

namespace {

struct PostReply
{
    int status = 0; // 0: no HTTP answer
    QByteArray body;
    QByteArray retryAfter;
    QString transportError;
};

PostReply post(QNetworkAccessManager& network, const AlpacaCredentials& credentials,
               const QByteArray& body, std::chrono::milliseconds timeout)
{
    QUrl url = credentials.baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + QStringLiteral("/v2/orders"));
    QNetworkRequest request(url);
    request.setRawHeader("APCA-API-KEY-ID", credentials.keyId.toUtf8());
    request.setRawHeader("APCA-API-SECRET-KEY", credentials.secretKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    // A redirect would carry the keys (and the order) to another host: refuse it.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = network.post(request, body);
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(timeout);
    if (!reply->isFinished())
        loop.exec();
    deadline.stop();
    PostReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.retryAfter = reply->rawHeader("Retry-After");
    if (timedOut) {
        result.status = 0;
        result.transportError =
            QStringLiteral("no reply within %1 s (timeout)").arg(double(timeout.count()) / 1000.0);
    } else if (reply->error() != QNetworkReply::NoError && result.status == 0) {
        result.transportError = reply->errorString();
    }
    if (reply->isOpen())
        result.body = reply->readAll();
    reply->deleteLater();
    return result;
}

QString brokerMessage(const QByteArray& body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QString message = object.value(QStringLiteral("message")).toString();
    return message.isEmpty() ? QString::fromUtf8(body.left(200)).simplified() : message;
}

} // namespace

OrderOutcome submitAlpacaOrder(QNetworkAccessManager& network, const AlpacaCredentials& credentials,
                               const OrderRequest& order, std::chrono::milliseconds timeout,
                               int maxTries)
{
    const QJsonObject request{
        {QStringLiteral("symbol"), order.symbol},
        {QStringLiteral("qty"),
         QString::number(order.qty, 'f', 3).remove(QRegularExpression(QStringLiteral("\\.?0+$")))},
        {QStringLiteral("side"), order.side},
        {QStringLiteral("type"), QStringLiteral("market")},
        {QStringLiteral("time_in_force"), order.timeInForce},
        {QStringLiteral("client_order_id"), order.clientOrderId}};
    const QByteArray body = QJsonDocument(request).toJson(QJsonDocument::Compact);
    OrderOutcome outcome;
    for (int attempt = 1; attempt <= std::max(1, maxTries); ++attempt) {
        const PostReply reply = post(network, credentials, body, timeout);
        if (reply.status / 100 == 2) {
            outcome.status = OrderStatus::Accepted;
            outcome.brokerOrderId =
                QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("id")).toString();
            outcome.message.clear();
            return outcome;
        }
        const QString message = brokerMessage(reply.body);
        if (reply.status == 422 && message.contains(QLatin1String("client_order_id"))) {
            outcome.status = OrderStatus::AlreadySent;
            outcome.message = message;
            return outcome;
        }
        if (reply.status == 429 && attempt < maxTries) { // the same id again: idempotent
            bool ok = false;
            const int seconds = reply.retryAfter.trimmed().toInt(&ok);
            QEventLoop wait;
            QTimer::singleShot(std::chrono::seconds(ok && seconds >= 0 ? std::min(seconds, 60) : 1),
                               &wait, &QEventLoop::quit);
            wait.exec();
            continue;
        }
        if (reply.status / 100 == 4 && reply.status != 429) {
            outcome.status = OrderStatus::Refused;
            outcome.message = QStringLiteral("HTTP %1: %2").arg(reply.status).arg(message);
            return outcome;
        }
        outcome.status = OrderStatus::Failed;
        outcome.message = reply.status == 0
                              ? reply.transportError
                              : QStringLiteral("HTTP %1: %2").arg(reply.status).arg(message);
        return outcome;
    }
    return outcome;
}

} // namespace kelly::broker
