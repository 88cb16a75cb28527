#pragma once

// What every command implementation receives, and the output helpers they share.

#include "CommandLine.h"
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

    bool json() const { return invocation.has(QStringLiteral("json")); }

    // Each returns the exit code, after printing the message to stderr.
    int badInput(const QString& message) const;
    int failure(const QString& message) const;
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
int runResume(Session& session);   // HaltCommands.cpp
int runBacktest(Session& session); // BacktestCommands.cpp
// Issue 6: runs the drawdown guard after an account or snapshot write; a trip is reported on
// stderr (the write itself succeeded). Returns the exit code.
int checkGuardAfterWrite(Session& session);

} // namespace kelly::ctl
