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
    store::Environment settingsEnvironment; // SPEC 7 overrides
    UtcTime clockNow;                       // the real clock, read once by main
    // Issue 12 item 5: the tests' clock. Only the test build of kellyctl (kellyctl_testclock,
    // tests/CMakeLists.txt) sets these; the shipped binary refuses --now and never reads
    // $KELLYDESK_NOW, so no stray export can backdate audit rows or move New York midnight.
    bool clockInjectable = false;
    QString environmentNow; // $KELLYDESK_NOW: like --now
};

// Returns the exit code of SPEC 9 (0 done, 2 bad input, 1 other failure).
int runKellyctl(const QStringList& arguments, const ProcessContext& context, QTextStream& out,
                QTextStream& err);

} // namespace kelly::ctl
