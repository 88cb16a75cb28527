// `serve` (issue 16, SPEC 14): a persistent sizer for bots. One JSON request a line on the
// input, one JSON answer a line on the output, in order, until end of input. Each request
// goes through the same code as `size --json` / `status --json` (sizeOnce, sizeJson,
// statusJson), re-reading the store as a new process would, at the clock's current time.

#include "Session.h"
#include "Values.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

namespace kelly::ctl {

namespace {

struct RequestError
{
    int code = ExitBadInput;
    QString field; // empty: null
    QString message;
};

// Messages name their field first ("price: must be > 0"); the answer carries it apart.
QString fieldOf(const QString& message)
{
    static const QRegularExpression leadingField(QStringLiteral("^([A-Za-z_][A-Za-z0-9_]*): "));
    const QRegularExpressionMatch match = leadingField.match(message);
    return match.hasMatch() ? match.captured(1) : QString();
}

RequestError badField(const QString& field, const QString& message)
{
    return {ExitBadInput, field, field + QStringLiteral(": ") + message};
}

std::optional<double> optionalNumber(const QJsonObject& request, const QString& field,
                                     std::optional<RequestError>* error)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    QString message;
    const auto number = parseJsonNumber(value, field, Sign::Any, &message);
    if (!number)
        *error = RequestError{ExitBadInput, field, message};
    return number;
}

bool flag(const QJsonObject& request, const QString& field, std::optional<RequestError>* error)
{
    const QJsonValue value = request.value(field);
    if (value.isUndefined() || value.isNull())
        return false;
    if (!value.isBool())
        *error = badField(field, QStringLiteral("must be true or false"));
    return value.toBool();
}

// The SizingCall of a size request, as runSize builds it from the command line.
std::optional<store::SizingCall> sizingCall(const QJsonObject& request,
                                            std::optional<RequestError>* error)
{
    store::SizingCall call;
    const QJsonValue symbol = request.value(QLatin1String("symbol"));
    if (!symbol.isString()) {
        *error = badField(QStringLiteral("symbol"), QStringLiteral("missing or not text"));
        return std::nullopt;
    }
    call.request.symbol = symbol.toString().toStdString();
    if (request.value(QLatin1String("price")).isUndefined() ||
        request.value(QLatin1String("price")).isNull()) {
        *error = badField(QStringLiteral("price"), QStringLiteral("missing"));
        return std::nullopt;
    }
    const auto price = optionalNumber(request, QStringLiteral("price"), error);
    call.request.muDaily = optionalNumber(request, QStringLiteral("mu"), error);
    call.request.sigmaDaily = optionalNumber(request, QStringLiteral("sigma"), error);
    call.request.reduce = flag(request, QStringLiteral("reduce"), error);
    call.dryRun = flag(request, QStringLiteral("dry_run"), error);
    if (*error)
        return std::nullopt;
    call.request.priceUsd = *price; // the sizer names a non-positive price (SPEC 2.1)
    const QJsonValue mode = request.value(QLatin1String("mode"));
    if (!mode.isUndefined() && !mode.isNull()) {
        call.modeOverride = parseSizingMode(mode.toString().toStdString());
        if (!call.modeOverride) {
            *error = badField(QStringLiteral("mode"), QStringLiteral("must be enhanced, legacy or"
                                                                     " halt, or null"));
            return std::nullopt;
        }
    }
    call.origin = QStringLiteral("serve");
    return call;
}

// One request line to its answer object (without the id).
QJsonObject answer(const Session& session, const QJsonObject& request)
{
    std::optional<RequestError> error;
    QJsonObject result;
    const QJsonValue command = request.value(QLatin1String("command"));
    QString message;
    if (command == QJsonValue(QStringLiteral("size"))) {
        if (const auto call = sizingCall(request, &error)) {
            store::SizingOutcome outcome;
            if (const int code = sizeOnce(session, *call, &outcome, &message); code != ExitOk)
                error = RequestError{code, code == ExitBadInput ? fieldOf(message) : QString(),
                                     message};
            else
                result = sizeJson(outcome, call->request.reduce, call->dryRun);
        }
    } else if (command == QJsonValue(QStringLiteral("status"))) {
        if (const int code = statusJson(session, &result, &message); code != ExitOk)
            error =
                RequestError{code, code == ExitBadInput ? fieldOf(message) : QString(), message};
    } else {
        error =
            badField(QStringLiteral("command"), QStringLiteral("must be \"size\" or \"status\""));
    }
    if (!error)
        return QJsonObject{{QStringLiteral("result"), result}};
    return QJsonObject{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), error->code},
                     {QStringLiteral("field"), error->field.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                      : QJsonValue(error->field)},
                     {QStringLiteral("message"), store::printable(error->message)}}}};
}

} // namespace

int runServe(Session& session)
{
    QIODevice* input = session.context.input;
    if (!input)
        return session.failure(QStringLiteral("serve: no input to read requests from"));
    for (;;) {
        QByteArray line = input->readLine();
        if (line.isEmpty() && (input->atEnd() || !input->isOpen()))
            return ExitOk;
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        QJsonObject reply;
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            reply = QJsonObject{
                {QStringLiteral("id"), QJsonValue(QJsonValue::Null)},
                {QStringLiteral("error"),
                 QJsonObject{{QStringLiteral("code"), ExitBadInput},
                             {QStringLiteral("field"), QJsonValue(QJsonValue::Null)},
                             {QStringLiteral("message"),
                              parseError.error != QJsonParseError::NoError
                                  ? QStringLiteral("not JSON: ") + parseError.errorString()
                                  : QStringLiteral("expected one JSON object a line")}}}};
        } else {
            const QJsonObject request = document.object();
            // Each request stands at its own time, exactly as a new `kellyctl size` would.
            const Session at{session.invocation, session.store, session.environment,
                             session.clock(),    session.out,   session.err,
                             session.context,    session.clock};
            reply = answer(at, request);
            const QJsonValue id = request.value(QLatin1String("id"));
            reply.insert(QStringLiteral("id"),
                         id.isUndefined() ? QJsonValue(QJsonValue::Null) : id);
        }
        session.print(reply);
        session.out.flush();
    }
}

} // namespace kelly::ctl
