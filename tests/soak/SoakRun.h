#pragma once

// The live soak of issue 7: a writer process marks the whole book every tick while the real
// dashboard (MainWindow + DeskSession on its own Store, shown offscreen) polls the same
// file, and a watchdog timer on the GUI thread measures how long the thread was blocked.
// The benchmark (kelly_soak, 60 s) and the CTest variant (tst_soak, ~5 s) run this code.

#include <QString>
#include <functional>
#include <optional>

namespace kelly::soak {

struct SoakConfig
{
    int positions = 2000;
    int symbols = 500;
    int ticksPerSecond = 10; // each tick marks every position, in one transaction
    int seconds = 60;
    int pollIntervalMs = 250; // the dashboard's own default
    int watchdogIntervalMs = 5;
    // The what-if form shows an order (as the demo does), so every new state re-sizes it.
    bool whatIfShown = false;
    QString writerPath; // the soak_writer executable
};

struct WriterReport
{
    int ticks = 0; // scheduled
    int committed = 0;
    long long marks = 0; // committed price marks
    double seconds = 0.0;
    int lockErrors = 0;
    int otherErrors = 0;
    double maxCommitMs = 0.0;
    double meanCommitMs = 0.0;
    int lastTick = 0; // the last committed tick
    long long lastCommitSteadyNs = 0;
    double marksPerSecond() const { return seconds > 0.0 ? marks / seconds : 0.0; }
};

struct SoakResult
{
    WriterReport writer;
    int writerExitCode = -1;
    // Full reloads of the dashboard before the soak (no writer): mean and worst.
    double idleReloadMeanMs = 0.0;
    double idleReloadMaxMs = 0.0;
    double idleBuildReadMs = 0.0; // of which: reading the latest correlation build alone (mean)
    // Of each reload, the part spent applying the new state to the window (MainWindow's
    // stateChanged slot; the store read comes before it, the repaint after it).
    double maxApplyMs = 0.0;
    double meanApplyMs = 0.0;
    // Of each reload, the store read on the session's worker thread (off the GUI thread).
    double maxReadMs = 0.0;
    double meanReadMs = 0.0;
    // With a what-if shown: showing each re-sized order (the sizing runs on the worker).
    int whatIfRefreshes = 0;
    double maxWhatIfShowMs = 0.0;
    double meanWhatIfShowMs = 0.0;
    int reloads = 0;     // stateChanged while the writer ran and until the last tick showed
    int storeErrors = 0; // storeError signals (a run of the same error counts once)
    int lockErrors = 0;  // of those, "database is locked" / busy
    double maxWatchdogGapMs = 0.0; // worst time between two watchdog timeouts
    double p99WatchdogGapMs = 0.0;
    double maxGuiStallMs = 0.0; // worst gap minus the watchdog interval
    int lastTickSeen = 0;
    // From the writer's last commit to the dashboard's state showing it (monotonic clock).
    std::optional<double> lastTickLatencyMs;
    double peakRssMib = 0.0;
};

// Needs a QApplication. False with `error` when the soak could not run at all (seeding,
// opening, starting the writer); figures are in `result` otherwise.
bool runSoak(const SoakConfig& config, SoakResult* result, QString* error);

// The figures, one per line, each with its issue 7 target where it has one.
QString describe(const SoakConfig& config, const SoakResult& result);

// The writer's closing line: "ticks=600 committed=600 marks=... last_commit_ns=...".
bool parseWriterReport(const QByteArray& output, WriterReport* out);

// One dashboard process of "two dashboards and a bot on one store" (issue 7): the real
// window (MainWindow + DeskSession, offscreen) polls the store at `path` until it shows the
// writer's tick `lastTick`, or `timeoutMs` passes. `ready` runs once the window shows and
// polls, so the caller can start the writer then.
struct DashboardReport
{
    int lastTickSeen = 0;
    int reloads = 0;     // stateChanged signals
    int storeErrors = 0; // storeError signals (a run of the same error counts once)
    int lockErrors = 0;  // of those, "database is locked" / busy
};

// Needs a QApplication. False with `error` when the dashboard could not start at all.
bool runDashboard(const QString& path, int lastTick, int timeoutMs,
                  const std::function<void()>& ready, DashboardReport* out, QString* error);

// One line of key=value figures ("last_tick_seen=40 reloads=17 store_errors=0 ..."), and back.
QString describe(const DashboardReport& report);
bool parseDashboardReport(const QByteArray& output, DashboardReport* out);

} // namespace kelly::soak
