#pragma once

#include "DeskState.h"
#include "DeskWriter.h"
#include "store/SizingService.h"

#include <QObject>
#include <QThread>
#include <QTimer>
#include <memory>

namespace kelly::ui {

class Clock;
class DeskStateLoader;

// The dashboard's connection to one store: polls its change stamp, reloads a DeskState
// when another process (or this one) wrote, and carries out the few writes the dashboard
// makes (mode, halt, settings, a correlation build), always with origin `dashboard`. Every
// reload runs the drawdown guard first (issue 6), which may halt the store.
// Once started, polls and reloads run on a worker thread with its own connection to the
// store (issue 7: the GUI thread must never block over 50 ms while a bot writes); the
// GUI thread only receives finished states. Writes run on that worker too (issue 12).
// On PostgreSQL (SPEC 13) the worker's connection LISTENs and a NOTIFY reloads at once; the
// once-a-second poll is its heartbeat, finds a dropped connection, and keeps the desk
// current while the listener is down; the store reconnects (1, 2, 4 s apart) and a
// reconnect reloads in full.
// The store is opened by the caller and outlives the session.
class DeskSession final : public QObject
{
    Q_OBJECT
public:
    DeskSession(store::Store& store, const Clock& clock, store::Environment environment,
                QObject* parent = nullptr);
    ~DeskSession() override;

    // Starts polling on the worker (SPEC 10: within one second of another process's write)
    // and the one-second tick that keeps the close countdown moving.
    void start(std::chrono::milliseconds pollInterval = std::chrono::milliseconds(250));

    // Reloads now on the caller's connection, whatever the stamp says, and blocks until
    // done (the first state before a window shows, tests, benchmarks). False with `error`
    // when the store failed.
    bool reload(QString* error);

    const DeskState& state() const { return *m_state; }
    // When the store was last read successfully (issue 17: a stale book says so).
    UtcTime dataAsOf() const { return m_dataAsOf; }
    std::shared_ptr<const DeskState> stateHandle() const { return m_state; }
    store::Store& store() { return m_store; }
    const Clock& clock() const { return m_clock; }
    const store::Environment& environment() const { return m_environment; }

    // Each write below is shown by a reload that starts once it landed. Issue 12 item 8:
    // once started, the writes run on the worker (DeskWriter), in the order asked and after
    // any halt asked before them, so a bot holding the store's write lock never freezes the
    // GUI thread; writeWaiting says one is waiting for that lock (it keeps trying) and
    // writeFinished brings each outcome. Before start() they run here, and writeFinished
    // comes before the call returns.
    // Writes the STORE's mode (issue 17): what every bot without USE_ENHANCED_KELLY_SIZING
    // follows, so it is allowed even when this window's environment locks its own mode.
    // `detail` goes to the audit row ("undo"). Refused while the store is halted (issue 6).
    void setMode(SizingMode mode, const std::optional<QString>& detail = std::nullopt);
    // Issue 6: halting works even when the environment locks the mode (safety wins);
    // resume goes back to the mode in force before the halt and says which mode the store
    // holds now (issue 17: not this window's environment lock). Both audited `dashboard`.
    // Issue 12: once started, the halt is written on the worker (true means requested) and
    // keeps trying while a bot holds the store's lock: haltWaiting says so, haltFailed if it
    // cannot land; the GUI thread never waits.
    bool halt(QString* error);
    void resume();
    // Refused at once, naming it, when this window's environment locks one of the keys.
    void writeSettings(SettingChanges changes);
    void saveCorrelationBuild(const CorrelationBuild& build);

    // A dry-run sizing call in the given mode, exactly as the bot's next call would size.
    bool sizeDryRun(const SizingRequest& request, SizingMode mode, store::SizingOutcome* out,
                    QString* error, store::SizingFailure* failure);
    // The same in several modes, on the worker once started (the what-if form re-sizes on
    // every new state, and reading the book for it took 20-30 ms of the GUI thread while a
    // bot marked 2,000 positions, issue 7); dryRunsSized follows. Before start(), at once.
    void sizeDryRunsLater(const SizingRequest& request, const std::vector<SizingMode>& modes);

Q_SIGNALS:
    void stateChanged();
    // The clock moved but the store did not: only time-dependent figures changed.
    void ticked();
    void storeError(const QString& message);
    // A read succeeded after a storeError (issue 17: the stale banner goes).
    void storeRecovered();
    void dryRunsSized(std::shared_ptr<const kelly::ui::DryRuns> dryRuns);
    void haltWaiting();
    void haltFailed(const QString& message);
    void writeWaiting(kelly::ui::DeskWrite kind);
    void writeFinished(const kelly::ui::DeskWriteOutcome& outcome);

private:
    void poll();
    void tick();
    // A NOTIFY came (SPEC 13): load now, or right after the load in flight, which may have
    // read before the change.
    void loadIfNotified();
    // Shows a write of ours: a forced load on the worker, or a reload here before start().
    bool showWrite(QString* error);
    void requestLoad(bool force);
    void onLoaded(quint64 id, std::shared_ptr<DeskState> state);
    void adopt(std::shared_ptr<DeskState> state);
    void reportError(const QString& error);
    void readSucceeded();

    store::Store& m_store;
    const Clock& m_clock;
    store::Environment m_environment;
    // Owned by the GUI thread alone: the worker hands each state over and keeps none.
    std::shared_ptr<DeskState> m_state;
    QTimer m_pollTimer;
    QTimer m_tickTimer;
    QString m_lastError;
    UtcTime m_dataAsOf;
    QThread m_loaderThread;
    DeskStateLoader* m_loader = nullptr; // lives on m_loaderThread, deleted when it ends
    quint64 m_nextRequest = 0;
    // Answers to older requests may have read before a write or a reload of ours: dropped.
    quint64 m_oldestCurrentRequest = 0;
    int m_requestsInFlight = 0;
    bool m_forceNextLoad = false;
    bool m_changeNotified = false;
    static constexpr std::chrono::milliseconds kPostgresPollInterval{1000};

    // Issue 12 item 8: the writes other than Halt, on the worker once started.
    void runWrite(DeskWrite kind, DeskWriter::Write write);
    void finishWrite(const DeskWriteOutcome& outcome);
    DeskWriter* m_writer = nullptr; // lives on m_loaderThread, deleted when it ends
};

} // namespace kelly::ui
