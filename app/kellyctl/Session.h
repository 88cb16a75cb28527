#pragma once

// What every command implementation receives, and the output helpers they share.

#include "CommandLine.h"
#include "Kellyctl.h"
#include "SizingService.h"
#include "Store.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QTextStream>
#include <optional>

namespace kelly::ctl {

struct Session
{
    const Invocation& invocation;
    store::Store& store;
    const store::Environment& environment;
    UtcTime now;
    QTextStream& out;
    QTextStream& err;
    const ProcessContext& context;
    // The time of each request of a long-running command: `now` again when --now or
    // $KELLYDESK_NOW fixed it, else the live clock (issue 16).
    std::function<UtcTime()> clock;

    bool json() const { return invocation.has(QStringLiteral("json")); }

    // Each returns the exit code, after printing the message to stderr.
    int badInput(const QString& message) const;
    int failure(const QString& message) const;
    // Settings that could not be resolved or written: a bad environment value or a refused
    // write is bad input (2), a store that cannot be read or holds bad values is 1.
    int settingsFailure(store::SettingsFailure kind, const QString& message) const
    {
        return kind == store::SettingsFailure::Environment ||
                       kind == store::SettingsFailure::Refused
                   ? badInput(message)
                   : failure(message);
    }
    // Issue 12 item 3: stored rows left out of what a command shows, on stderr by name.
    void reportProblems(const std::vector<store::StoreProblem>& problems) const
    {
        for (const store::StoreProblem& problem : problems)
            err << "kellyctl: warning: skipped " << problem.describe() << '\n';
    }
    void print(const QJsonObject& object) const;
    void print(const QJsonArray& array) const;
};

inline QJsonValue jsonOptional(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

inline QString money(double usd)
{
    return QString::number(usd, 'f', 2);
}

// Quantities print without float noise: whole shares as integers, crypto to 0.001.
QString quantity(double qty);

// Commands, one function each (Commands.cpp, Reports.cpp, CorrelationCommands.cpp).
int runInit(Session& session);
int runAccountSet(Session& session);
int runAccountShow(Session& session);
int runPositionSet(Session& session);
int runPositionRm(Session& session);
int runPositions(Session& session);
int runPrice(Session& session);
int runImport(Session& session);
int runSnapshot(Session& session);
int runMode(Session& session);
int runGet(Session& session);
int runSet(Session& session);
int runAudit(Session& session);
int runSize(Session& session);
int runStatus(Session& session);
int runCorrelationBuild(Session& session);
int runCorrelationShow(Session& session);
int runResume(Session& session);     // HaltCommands.cpp
int runSyncAlpaca(Session& session); // SyncCommand.cpp
int runServe(Session& session);      // ServeCommand.cpp
int runBacktest(Session& session);   // BacktestCommands.cpp
int runMargin(Session& session);     // MarginCommands.cpp
int runMarginSet(Session& session);
int runMarginRm(Session& session);
int runStress(Session& session);
int runKelly(Session& session);     // KellyCommand.cpp
int runClosePlan(Session& session); // CloseCommands.cpp
// StoreCopyCommand.cpp: opens FROM and TO itself (SPEC 13).
int runStoreCopy(const Invocation& invocation, QTextStream& out, QTextStream& err);

// Shared by `size`/`status` and `serve` (Reports.cpp): one code path, one set of JSON keys.
// Each returns the exit code; on failure `error` holds the message (nothing printed).
int sizeOnce(const Session& session, const store::SizingCall& call, store::SizingOutcome* outcome,
             QString* error);
QJsonObject sizeJson(const store::SizingOutcome& outcome, bool reduce, bool dryRun);
int statusJson(const Session& session, QJsonObject* json, QString* error);
// Issue 6: runs the drawdown guard after an account or snapshot write; a trip is reported on
// stderr (the write itself succeeded). Returns the exit code.
int checkGuardAfterWrite(Session& session);

} // namespace kelly::ctl
