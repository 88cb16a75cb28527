#pragma once

// kellyctl as a library: main() only gathers the process's arguments, environment and clock
// and calls runKellyctl, so tests and fuzzers can run whole commands in-process.

#include "Settings.h"
#include "common/NewYorkTime.h"

#include <QHash>
#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QTextStream>
#include <functional>

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
    // Issue 16: the long-running commands (`serve`, `sync alpaca` without --once) read the
    // clock again for every request; empty means clockNow throughout.
    std::function<UtcTime()> clock;
    QIODevice* input = nullptr;              // `serve` reads its requests here (stdin)
    QHash<QString, QString> brokerVariables; // APCA_API_KEY_ID, _SECRET_KEY, _BASE_URL
    // The test build only, like the clock: the broker's per-request timeout in ms
    // ($KELLYDESK_TEST_HTTP_TIMEOUT_MS), so the timeout case does not cost 10 s of CI.
    QString testHttpTimeoutMs;
};

// Returns the exit code of SPEC 9 (0 done, 2 bad input, 1 other failure).
int runKellyctl(const QStringList& arguments, const ProcessContext& context, QTextStream& out,
                QTextStream& err);

} // namespace kelly::ctl
