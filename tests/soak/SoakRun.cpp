#include "SoakRun.h"

#include "Clock.h"
#include "DeskSession.h"
#include "MainWindow.h"
#include "ScaleFixture.h"
#include "WhatIfPanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace kelly::soak {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kIdleReloads = 5;
// After the writer stops, how long the soak waits for its last tick to show (SPEC 10 asks
// for one second; the CTest variant asserts that, this only bounds the wait).
constexpr int kSettleMs = 3000;

long long steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               SteadyClock::now().time_since_epoch())
        .count();
}

// The tick a dashboard state shows, read back from the price of S0 (see soak_writer).
int tickShown(const ui::DeskState& state)
{
    const std::vector<Position>& positions = state.account.account.positions;
    const auto first = std::find_if(positions.begin(), positions.end(),
                                    [](const Position& p) { return p.symbol == "S0"; });
    if (first == positions.end())
        return 0;
    return static_cast<int>(std::lround((first->lastPriceUsd - basePriceUsd(0)) / kTickStepUsd));
}

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
    return values[index];
}

} // namespace

bool parseWriterReport(const QByteArray& output, WriterReport* out)
{
    const QList<QByteArray> lines = output.trimmed().split('\n');
    if (lines.isEmpty())
        return false;
    int fieldsRead = 0;
    for (const QByteArray& field : lines.last().split(' ')) {
        const qsizetype equals = field.indexOf('=');
        if (equals < 0)
            continue;
        const QByteArray key = field.left(equals);
        const QByteArray value = field.mid(equals + 1);
        bool ok = false;
        if (key == "ticks")
            out->ticks = value.toInt(&ok);
        else if (key == "committed")
            out->committed = value.toInt(&ok);
        else if (key == "marks")
            out->marks = value.toLongLong(&ok);
        else if (key == "seconds")
            out->seconds = value.toDouble(&ok);
        else if (key == "lock_errors")
            out->lockErrors = value.toInt(&ok);
        else if (key == "other_errors")
            out->otherErrors = value.toInt(&ok);
        else if (key == "max_commit_ms")
            out->maxCommitMs = value.toDouble(&ok);
        else if (key == "mean_commit_ms")
            out->meanCommitMs = value.toDouble(&ok);
        else if (key == "last_tick")
            out->lastTick = value.toInt(&ok);
        else if (key == "last_commit_ns")
            out->lastCommitSteadyNs = value.toLongLong(&ok);
        fieldsRead += ok ? 1 : 0;
    }
    return fieldsRead == 10;
}

bool runSoak(const SoakConfig& config, SoakResult* result, QString* error)
{
    *result = {};
    QTemporaryDir folder;
    if (!folder.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: %1").arg(folder.errorString());
        return false;
    }
    const QString path = folder.filePath(QStringLiteral("soak.sqlite"));
    ui::SystemClock clock;
    if (!seedScaleStore(path, config.positions, config.symbols, clock.now(), error))
        return false;

    store::Store store;
    if (!store.open(path, error))
        return false;
    ui::DeskSession session(store, clock, {});
    if (!session.reload(error))
        return false;
    // Connected before the window's own slot, so the window's share of a reload is timed.
    long long applyStartNs = 0;
    QObject::connect(&session, &ui::DeskSession::stateChanged, &session,
                     [&] { applyStartNs = steadyNowNs(); });
    long long whatIfStartNs = 0;
    QObject::connect(&session, &ui::DeskSession::dryRunsSized, &session,
                     [&] { whatIfStartNs = steadyNowNs(); });
    ui::MainWindow window(session);
    window.selectTab(QStringLiteral("book"));
    window.show();
    if (config.whatIfShown)
        window.whatIf()->propose(QStringLiteral("S0"));
    QCoreApplication::processEvents();

    // A full reload as the poll runs it (store read, SPEC 5/6, every panel updated), idle.
    double idleTotalMs = 0.0;
    for (int i = 0; i < kIdleReloads; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (!session.reload(error))
            return false;
        QCoreApplication::processEvents(); // the repaint the reload scheduled
        const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        idleTotalMs += ms;
        result->idleReloadMaxMs = std::max(result->idleReloadMaxMs, ms);
    }
    result->idleReloadMeanMs = idleTotalMs / kIdleReloads;
    double buildReadTotalMs = 0.0;
    for (int i = 0; i < kIdleReloads; ++i) {
        std::optional<store::StoredCorrelationBuild> build;
        QElapsedTimer timer;
        timer.start();
        if (!store.loadLatestCorrelationBuild(&build, error))
            return false;
        buildReadTotalMs += static_cast<double>(timer.nsecsElapsed()) / 1e6;
    }
    result->idleBuildReadMs = buildReadTotalMs / kIdleReloads;

    QEventLoop loop;
    double applyTotalMs = 0.0;
    double readTotalMs = 0.0;
    bool writerDone = false;
    bool timedOut = false;
    long long lastTickSeenNs = 0;
    long long settleDeadlineNs = 0;
    const auto finishWhenSettled = [&] {
        if (writerDone &&
            (result->lastTickSeen >= result->writer.lastTick || steadyNowNs() > settleDeadlineNs))
            loop.quit();
    };

    QObject::connect(&session, &ui::DeskSession::stateChanged, &loop, [&] {
        const double applyMs = static_cast<double>(steadyNowNs() - applyStartNs) / 1e6;
        result->maxApplyMs = std::max(result->maxApplyMs, applyMs);
        applyTotalMs += applyMs;
        result->maxReadMs = std::max(result->maxReadMs, session.state().readMs);
        readTotalMs += session.state().readMs;
        ++result->reloads;
        const int tick = tickShown(session.state());
        if (tick > result->lastTickSeen) {
            result->lastTickSeen = tick;
            lastTickSeenNs = steadyNowNs();
        }
        finishWhenSettled();
    });
    double whatIfTotalMs = 0.0;
    QObject::connect(&session, &ui::DeskSession::dryRunsSized, &loop, [&] {
        const double showMs = static_cast<double>(steadyNowNs() - whatIfStartNs) / 1e6;
        result->maxWhatIfShowMs = std::max(result->maxWhatIfShowMs, showMs);
        whatIfTotalMs += showMs;
        ++result->whatIfRefreshes;
    });
    QObject::connect(&session, &ui::DeskSession::storeError, &loop, [&](const QString& message) {
        ++result->storeErrors;
        if (isLockError(message))
            ++result->lockErrors;
    });

    // The watchdog: on an idle GUI thread it fires every interval; any longer gap is time
    // the thread spent blocked (a reload, a repaint, a wait on the store).
    std::vector<double> gapsMs;
    gapsMs.reserve(static_cast<size_t>(config.seconds + 10) * 1000 /
                   static_cast<size_t>(config.watchdogIntervalMs));
    QElapsedTimer gapClock;
    qint64 lastFireNs = -1;
    QTimer watchdog;
    watchdog.setTimerType(Qt::PreciseTimer);
    QObject::connect(&watchdog, &QTimer::timeout, &loop, [&] {
        const qint64 nowNs = gapClock.nsecsElapsed();
        if (lastFireNs >= 0)
            gapsMs.push_back(static_cast<double>(nowNs - lastFireNs) / 1e6);
        lastFireNs = nowNs;
    });
    QTimer settleCheck;
    QObject::connect(&settleCheck, &QTimer::timeout, &loop, finishWhenSettled);
    QTimer hardStop;
    hardStop.setSingleShot(true);
    QObject::connect(&hardStop, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });

    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QObject::connect(&writer, &QProcess::finished, &loop, [&](int exitCode) {
        result->writerExitCode = exitCode;
        parseWriterReport(writer.readAllStandardOutput(), &result->writer);
        writerDone = true;
        settleDeadlineNs = steadyNowNs() + static_cast<long long>(kSettleMs) * 1'000'000;
        finishWhenSettled();
    });
    writer.start(config.writerPath,
                 {path, QString::number(config.positions), QString::number(config.ticksPerSecond),
                  QString::number(config.seconds)});
    if (!writer.waitForStarted()) {
        *error = QStringLiteral("cannot start %1: %2").arg(config.writerPath, writer.errorString());
        return false;
    }
    session.start(std::chrono::milliseconds(config.pollIntervalMs));
    gapClock.start();
    watchdog.start(config.watchdogIntervalMs);
    settleCheck.start(50);
    hardStop.start((config.seconds + 60) * 1000);
    loop.exec();
    watchdog.stop();

    if (timedOut) {
        writer.kill();
        writer.waitForFinished();
        *error = QStringLiteral("the writer did not finish within %1 s").arg(config.seconds + 60);
        return false;
    }
    result->maxWatchdogGapMs =
        gapsMs.empty() ? 0.0 : *std::max_element(gapsMs.begin(), gapsMs.end());
    result->p99WatchdogGapMs = percentile(gapsMs, 0.99);
    result->maxGuiStallMs = std::max(0.0, result->maxWatchdogGapMs - config.watchdogIntervalMs);
    if (result->writer.lastTick > 0 && result->lastTickSeen >= result->writer.lastTick)
        result->lastTickLatencyMs =
            static_cast<double>(lastTickSeenNs - result->writer.lastCommitSteadyNs) / 1e6;
    result->meanApplyMs = result->reloads > 0 ? applyTotalMs / result->reloads : 0.0;
    result->meanReadMs = result->reloads > 0 ? readTotalMs / result->reloads : 0.0;
    result->meanWhatIfShowMs =
        result->whatIfRefreshes > 0 ? whatIfTotalMs / result->whatIfRefreshes : 0.0;
    result->peakRssMib = peakRssMib();
    return true;
}

QString describe(const SoakConfig& config, const SoakResult& result)
{
    const WriterReport& w = result.writer;
    const double targetMarksPerSecond = double(config.positions) * config.ticksPerSecond;
    QStringList lines;
    lines << QStringLiteral("soak: %1 positions, %2-symbol build, %3 ticks/s for %4 s, poll %5 ms,"
                            " watchdog %6 ms%7")
                 .arg(config.positions)
                 .arg(config.symbols)
                 .arg(config.ticksPerSecond)
                 .arg(config.seconds)
                 .arg(config.pollIntervalMs)
                 .arg(config.watchdogIntervalMs)
                 .arg(config.whatIfShown ? QStringLiteral(", a what-if shown") : QString());
    lines << QStringLiteral("idle full reload (store read + SPEC 5/6 + panels): mean %1 ms,"
                            " max %2 ms; reading the build alone: %3 ms")
                 .arg(result.idleReloadMeanMs, 0, 'f', 1)
                 .arg(result.idleReloadMaxMs, 0, 'f', 1)
                 .arg(result.idleBuildReadMs, 0, 'f', 1);
    lines << QStringLiteral("writer: %1/%2 ticks committed, %3 marks in %4 s = %5 marks/s"
                            " (scheduled %6/s: %7)")
                 .arg(w.committed)
                 .arg(w.ticks)
                 .arg(w.marks)
                 .arg(w.seconds, 0, 'f', 2)
                 .arg(w.marksPerSecond(), 0, 'f', 0)
                 .arg(targetMarksPerSecond, 0, 'f', 0)
                 .arg(w.marksPerSecond() >= 0.99 * targetMarksPerSecond
                          ? QStringLiteral("met")
                          : QStringLiteral("NOT met"));
    lines << QStringLiteral("writer commit per tick: mean %1 ms, max %2 ms; exit code %3")
                 .arg(w.meanCommitMs, 0, 'f', 2)
                 .arg(w.maxCommitMs, 0, 'f', 2)
                 .arg(result.writerExitCode);
    const int lockErrors = w.lockErrors + result.lockErrors;
    lines << QStringLiteral("lock errors: writer %1, dashboard %2 (target 0: %3); other errors:"
                            " writer %4, dashboard %5")
                 .arg(w.lockErrors)
                 .arg(result.lockErrors)
                 .arg(lockErrors == 0 ? QStringLiteral("met") : QStringLiteral("NOT met"))
                 .arg(w.otherErrors)
                 .arg(result.storeErrors - result.lockErrors);
    lines << QStringLiteral("dashboard reloads: %1 (%2/s); reading a state on the worker thread:"
                            " mean %3 ms, max %4 ms; applying it to the window: mean %5 ms,"
                            " max %6 ms")
                 .arg(result.reloads)
                 .arg(w.seconds > 0.0 ? result.reloads / w.seconds : 0.0, 0, 'f', 1)
                 .arg(result.meanReadMs, 0, 'f', 1)
                 .arg(result.maxReadMs, 0, 'f', 1)
                 .arg(result.meanApplyMs, 0, 'f', 1)
                 .arg(result.maxApplyMs, 0, 'f', 1);
    if (config.whatIfShown)
        lines << QStringLiteral("what-if shown: %1 re-sized orders; showing one: mean %2 ms,"
                                " max %3 ms")
                     .arg(result.whatIfRefreshes)
                     .arg(result.meanWhatIfShowMs, 0, 'f', 1)
                     .arg(result.maxWhatIfShowMs, 0, 'f', 1);
    lines << QStringLiteral("GUI watchdog: max gap %1 ms, p99 gap %2 ms; max GUI stall %3 ms"
                            " (target < 50 ms: %4)")
                 .arg(result.maxWatchdogGapMs, 0, 'f', 1)
                 .arg(result.p99WatchdogGapMs, 0, 'f', 1)
                 .arg(result.maxGuiStallMs, 0, 'f', 1)
                 .arg(result.maxGuiStallMs < 50.0 ? QStringLiteral("met")
                                                  : QStringLiteral("NOT met"));
    lines << (result.lastTickLatencyMs
                  ? QStringLiteral("last tick %1 shown %2 ms after its commit (SPEC 10 < 1 s: %3)")
                        .arg(w.lastTick)
                        .arg(*result.lastTickLatencyMs, 0, 'f', 0)
                        .arg(*result.lastTickLatencyMs < 1000.0 ? QStringLiteral("met")
                                                                : QStringLiteral("NOT met"))
                  : QStringLiteral("last tick %1 NOT shown (dashboard reached tick %2)")
                        .arg(w.lastTick)
                        .arg(result.lastTickSeen));
    lines << QStringLiteral("peak RSS of the dashboard process: %1 MiB")
                 .arg(result.peakRssMib, 0, 'f', 1);
    return lines.join(QLatin1Char('\n'));
}

bool runDashboard(const QString& path, int lastTick, int timeoutMs,
                  const std::function<void()>& ready, DashboardReport* out, QString* error)
{
    *out = {};
    store::Store store;
    if (!store.open(path, error))
        return false;
    ui::SystemClock clock;
    ui::DeskSession session(store, clock, {});
    if (!session.reload(error))
        return false;
    ui::MainWindow window(session);
    window.selectTab(QStringLiteral("book"));
    window.show();
    QCoreApplication::processEvents();

    QEventLoop loop;
    QObject::connect(&session, &ui::DeskSession::stateChanged, &loop, [&] {
        ++out->reloads;
        out->lastTickSeen = std::max(out->lastTickSeen, tickShown(session.state()));
        if (out->lastTickSeen >= lastTick)
            loop.quit();
    });
    QObject::connect(&session, &ui::DeskSession::storeError, &loop, [&](const QString& message) {
        ++out->storeErrors;
        if (isLockError(message))
            ++out->lockErrors;
        std::fprintf(stderr, "dashboard: store error: %s\n", qPrintable(message));
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    session.start();
    ready();
    loop.exec();
    return true;
}

QString describe(const DashboardReport& report)
{
    return QStringLiteral("last_tick_seen=%1 reloads=%2 store_errors=%3 lock_errors=%4")
        .arg(report.lastTickSeen)
        .arg(report.reloads)
        .arg(report.storeErrors)
        .arg(report.lockErrors);
}

bool parseDashboardReport(const QByteArray& output, DashboardReport* out)
{
    const QList<QByteArray> lines = output.trimmed().split('\n');
    int fieldsRead = 0;
    for (const QByteArray& field : lines.last().split(' ')) {
        const QList<QByteArray> keyValue = field.split('=');
        if (keyValue.size() != 2)
            continue;
        bool ok = false;
        const int value = keyValue[1].toInt(&ok);
        if (keyValue[0] == "last_tick_seen")
            out->lastTickSeen = value;
        else if (keyValue[0] == "reloads")
            out->reloads = value;
        else if (keyValue[0] == "store_errors")
            out->storeErrors = value;
        else if (keyValue[0] == "lock_errors")
            out->lockErrors = value;
        else
            ok = false;
        fieldsRead += ok ? 1 : 0;
    }
    return fieldsRead == 4;
}

} // namespace kelly::soak
