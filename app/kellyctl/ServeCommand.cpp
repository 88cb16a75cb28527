// `serve` (issue 16, SPEC 14): a persistent sizer for bots. One JSON request a line on the
// input, one JSON answer a line on the output, in order, until end of input. Each request
// goes through the same code as `size --json` / `status --json` (sizeOnce, sizeJson,
// statusJson), re-reading the store as a new process would, at the clock's current time.

#include "Import.h"
#include "Session.h"
#include "Values.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <algorithm>
#include <deque>

namespace kelly::ctl {

namespace {

// SPEC 14: a request line over 1 MiB is refused; it is read in chunks and never held whole.
constexpr qint64 kMaxRequestBytes = 1024 * 1024;
constexpr qint64 kReadChunkBytes = 64 * 1024;
// The answers a repeated request_id gets again: the session's last 1,000 (a client retries
// at once, after a lost answer), each at most a few KiB.
constexpr std::size_t kRememberedAnswers = 1000;
constexpr qsizetype kMaxRequestIdLength = 200;

struct RequestLine
{
    QByteArray text; // empty when too long
    bool tooLong = false;
    bool ended = false; // end of input, nothing read
};

// `chunkBuffer`, kept by the caller across lines: a new 64 KiB buffer per line was mapped
// and unmapped by malloc each time (issue 25: ~8% of a served request's CPU).
RequestLine readRequestLine(QIODevice& input, QByteArray& chunkBuffer)
{
    RequestLine line;
    qint64 length = 0;
    // readLine(char*, n) reads at most n - 1 bytes (and a terminating zero).
    chunkBuffer.resize(kReadChunkBytes + 2);
    for (;;) {
        const qint64 read = input.readLine(chunkBuffer.data(), chunkBuffer.size());
        const QByteArrayView chunk(chunkBuffer.constData(), std::max<qint64>(read, 0));
        if (chunk.isEmpty()) {
            line.ended = length == 0 && (input.atEnd() || !input.isOpen());
            if (line.ended || input.atEnd() || !input.isOpen())
                return line;
            continue; // nothing yet: a pipe that has not delivered the rest
        }
        length += chunk.size();
        if (length > kMaxRequestBytes + 1) { // + 1: the newline
            line.tooLong = true;
            line.text.clear(); // discard to the newline
        } else if (!line.tooLong) {
            line.text.append(chunk);
        }
        if (chunk.endsWith('\n'))
            return line;
    }
}

// The answers kept for a repeated request_id, oldest evicted first.
class AnswerMemory
{
public:
    const QJsonObject* find(const QString& requestId) const
    {
        const auto it = m_answers.constFind(requestId);
        return it == m_answers.cend() ? nullptr : &*it;
    }
    void remember(const QString& requestId, const QJsonObject& answer)
    {
        if (m_answers.contains(requestId))
            return;
        if (m_order.size() == kRememberedAnswers) {
            m_answers.remove(m_order.front());
            m_order.pop_front();
        }
        m_order.push_back(requestId);
        m_answers.insert(requestId, answer);
    }

private:
    QHash<QString, QJsonObject> m_answers;
    std::deque<QString> m_order;
};

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
    const QJsonValue positions = request.value(QLatin1String("positions"));
    if (!positions.isUndefined() && !positions.isNull()) {
        // SPEC 14: the drop-in's `positions`, the book this call sizes against, read as
        // `import` reads Alpaca's /v2/positions; not written to the store.
        if (!positions.isArray()) {
            *error = badField(QStringLiteral("positions"),
                              QStringLiteral("must be a list of positions, or null"));
            return std::nullopt;
        }
        ImportResult book = parseAlpacaPositions(QStringLiteral("positions"),
                                                 QJsonDocument(positions.toArray()).toJson());
        if (!book.positions) {
            *error = RequestError{ExitBadInput, QStringLiteral("positions"), book.error};
            return std::nullopt;
        }
        call.book = std::move(book.positions);
    }
    call.origin = QStringLiteral("serve");
    return call;
}

QJsonObject answerError(const RequestError& error)
{
    return QJsonObject{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), error.code},
                     {QStringLiteral("field"), error.field.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                     : QJsonValue(error.field)},
                     {QStringLiteral("message"), store::printable(error.message)}}}};
}

// One request line to its answer object (without the id). A recorded size with a
// request_id stores its result with the decision, and a retry in any process gets it again.
QJsonObject answer(const Session& session, const QJsonObject& request, const QString& requestId)
{
    std::optional<RequestError> error;
    QJsonObject result;
    const QJsonValue command = request.value(QLatin1String("command"));
    QString message;
    if (command == QJsonValue(QStringLiteral("size"))) {
        if (auto call = sizingCall(request, &error)) {
            call->requestId = requestId;
            const bool reduce = call->request.reduce;
            call->renderAnswer = [reduce](const store::SizingOutcome& outcome) {
                return QJsonDocument(sizeJson(outcome, reduce, false))
                    .toJson(QJsonDocument::Compact);
            };
            store::SizingOutcome outcome;
            if (const int code = sizeOnce(session, *call, &outcome, &message); code != ExitOk)
                error = RequestError{code, code == ExitBadInput ? fieldOf(message) : QString(),
                                     message};
            else if (outcome.replayedAnswer)
                result = QJsonDocument::fromJson(*outcome.replayedAnswer).object();
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
    return answerError(*error);
}

QJsonObject lineError(const QString& message)
{
    return QJsonObject{{QStringLiteral("id"), QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("error"),
                        QJsonObject{{QStringLiteral("code"), ExitBadInput},
                                    {QStringLiteral("field"), QJsonValue(QJsonValue::Null)},
                                    {QStringLiteral("message"), message}}}};
}

} // namespace

int runServe(Session& session)
{
    QIODevice* input = session.context.input;
    if (!input)
        return session.failure(QStringLiteral("serve: no input to read requests from"));
    // Issue 25: a full WAL is checkpointed beside the requests, not inside one of them.
    if (QString error; !session.store.isPostgres() && !session.store.checkpointInBackground(&error))
        session.err << "kellyctl: warning: " << error << "; checkpoints stay in the requests\n";
    AnswerMemory answered;
    QByteArray chunkBuffer;
    for (;;) {
        const RequestLine line = readRequestLine(*input, chunkBuffer);
        if (line.ended)
            return ExitOk;
        QJsonObject reply;
        if (line.tooLong) {
            reply = lineError(QStringLiteral("request line over 1 MiB (%1 bytes): refused")
                                  .arg(kMaxRequestBytes));
            session.print(reply);
            session.out.flush();
            continue;
        }
        if (line.text.trimmed().isEmpty()) {
            if (input->atEnd() || !input->isOpen())
                return ExitOk;
            continue;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line.text, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            reply = lineError(parseError.error != QJsonParseError::NoError
                                  ? QStringLiteral("not JSON: ") + parseError.errorString()
                                  : QStringLiteral("expected one JSON object a line"));
        } else {
            const QJsonObject request = document.object();
            const QJsonValue requestId = request.value(QLatin1String("request_id"));
            const bool keyed = !requestId.isUndefined() && !requestId.isNull();
            if (keyed && (!requestId.isString() || requestId.toString().isEmpty() ||
                          requestId.toString().size() > kMaxRequestIdLength)) {
                reply = answerError(badField(
                    QStringLiteral("request_id"),
                    QStringLiteral("must be text of 1 to %1 characters").arg(kMaxRequestIdLength)));
            } else if (const QJsonObject* first =
                           keyed ? answered.find(requestId.toString()) : nullptr) {
                reply = *first; // a retry after a lost answer: nothing is recorded again
            } else {
                // Each request stands at its own time, exactly as a new `kellyctl size` would.
                const Session at{session.invocation, session.store, session.environment,
                                 session.clock(),    session.out,   session.err,
                                 session.context,    session.clock};
                reply = answer(at, request, keyed ? requestId.toString() : QString());
                // A failure of the store (code 1) recorded nothing: a retry may still succeed.
                const bool failed = reply.value(QLatin1String("error"))
                                        .toObject()
                                        .value(QLatin1String("code"))
                                        .toInt() == ExitFailure;
                if (keyed && !failed)
                    answered.remember(requestId.toString(), reply);
            }
            const QJsonValue id = request.value(QLatin1String("id"));
            reply.insert(QStringLiteral("id"),
                         id.isUndefined() ? QJsonValue(QJsonValue::Null) : id);
        }
        session.print(reply);
        session.out.flush();
    }
}

} // namespace kelly::ctl
