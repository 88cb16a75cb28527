#pragma once

// kellyctl as a library: main() only gathers the process's arguments, environment and clock
// and calls runKellyctl, so tests and fuzzers can run whole commands in-process.

#include "Settings.h"
#include "common/NewYorkTime.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace kelly::ctl {

struct ProcessContext
{
    QString environmentDb;                  // $KELLYDESK_DB
    QString environmentNow;                 // $KELLYDESK_NOW: like --now, for tests
    store::Environment settingsEnvironment; // SPEC 7 overrides
    UtcTime clockNow;                       // the real clock, read once by main
};

// Returns the exit code of SPEC 9 (0 done, 2 bad input, 1 other failure).
int runKellyctl(const QStringList& arguments, const ProcessContext& context, QTextStream& out,
                QTextStream& err);

} // namespace kelly::ctl
