#include "Kellyctl.h"

#include "CommandLine.h"
#include "Session.h"

#include <QJsonDocument>
#include <functional>

namespace kelly::ctl {

namespace {

using Handler = std::function<int(Session&)>;

const QHash<QString, Handler>& handlers()
{
    static const QHash<QString, Handler> table{
        {QStringLiteral("init"), runInit},
        {QStringLiteral("account set"), runAccountSet},
        {QStringLiteral("account show"), runAccountShow},
        {QStringLiteral("position set"), runPositionSet},
        {QStringLiteral("position rm"), runPositionRm},
        {QStringLiteral("positions"), runPositions},
        {QStringLiteral("price"), runPrice},
        {QStringLiteral("import"), runImport},
        {QStringLiteral("snapshot"), runSnapshot},
        {QStringLiteral("size"), runSize},
        {QStringLiteral("mode"), runMode},
        {QStringLiteral("resume"), runResume},
        {QStringLiteral("get"), runGet},
        {QStringLiteral("set"), runSet},
        {QStringLiteral("audit"), runAudit},
        {QStringLiteral("status"), runStatus},
        {QStringLiteral("correlation build"), runCorrelationBuild},
        {QStringLiteral("correlation show"), runCorrelationShow},
        {QStringLiteral("sync alpaca"), runSyncAlpaca},
        {QStringLiteral("serve"), runServe},
        {QStringLiteral("backtest"), runBacktest},
        {QStringLiteral("margin"), runMargin},
        {QStringLiteral("margin set"), runMarginSet},
        {QStringLiteral("margin rm"), runMarginRm},
        {QStringLiteral("stress"), runStress},
        {QStringLiteral("kelly"), runKelly},
        {QStringLiteral("close-plan"), runClosePlan},
    };
    return table;
}

} // namespace

int Session::badInput(const QString& message) const
{
    err << "kellyctl: " << store::printable(message) << '\n';
    err.flush();
    return ExitBadInput;
}

int Session::failure(const QString& message) const
{
    err << "kellyctl: " << store::printable(message) << '\n';
    err.flush();
    return ExitFailure;
}

void Session::print(const QJsonObject& object) const
{
    out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
}

void Session::print(const QJsonArray& array) const
{
    out << QJsonDocument(array).toJson(QJsonDocument::Compact) << '\n';
}

QString quantity(double qty)
{
    QString text = QString::number(qty, 'f', 3);
    while (text.endsWith(QLatin1Char('0')))
        text.chop(1);
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    return text == QLatin1String("-0") ? QStringLiteral("0") : text;
}

int runKellyctl(const QStringList& arguments, const ProcessContext& context, QTextStream& out,
                QTextStream& err)
{
    const ParseResult parsed = parseCommandLine(arguments);
    if (!parsed.invocation) {
        err << "kellyctl: " << parsed.error << '\n';
        return ExitBadInput;
    }
    const Invocation& invocation = *parsed.invocation;
    if (invocation.help) {
        out << (invocation.command ? commandHelp(*invocation.command) : generalHelp());
        return ExitOk;
    }
    // `store copy` names both of its stores: it opens no --db store.
    if (invocation.command->name == QLatin1String("store copy"))
        return runStoreCopy(invocation, out, err);
    const auto handler = handlers().constFind(invocation.command->name);
    if (handler == handlers().cend()) { // a command table entry without an implementation
        err << "kellyctl: " << invocation.command->name << ": not implemented\n";
        return ExitFailure;
    }

    UtcTime now = context.clockNow;
    if (invocation.nowText && !context.clockInjectable) {
        err << "kellyctl: unknown option '--now'\n";
        return ExitBadInput;
    }
    std::function<UtcTime()> clock = context.clock ? context.clock : [now] {
        return now;
    };
    const QString nowText = invocation.nowText.value_or(context.environmentNow);
    if (!nowText.isEmpty()) {
        const auto parsedNow = store::parseIsoUtc(nowText);
        if (!parsedNow) {
            err << "kellyctl: --now: '" << nowText << "' is not an ISO-8601 time\n";
            return ExitBadInput;
        }
        now = *parsedNow;
        clock = [now] {
            return now;
        };
    }

    const QString path =
        store::resolveStorePath(invocation.dbPath.value_or(QString()), context.environmentDb);
    // Only `init` creates a store: a mistyped path must not show an empty book as if real.
    const bool mustExist = invocation.command->name != QLatin1String("init");
    store::Store store;
    QString error;
    if (!store.open(path, &error, mustExist)) {
        err << "kellyctl: " << error << '\n';
        return store.lastOpenFailure() == store::Store::OpenFailure::Other ? ExitFailure
                                                                           : ExitBadInput;
    }
    Session session{invocation, store, context.settingsEnvironment, now, out, err, context, clock};
    return (*handler)(session);
}

} // namespace kelly::ctl
