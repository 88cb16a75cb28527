#pragma once

#include "DeskState.h"
#include "store/SizingService.h"

#include <QObject>
#include <QTimer>
#include <memory>

namespace kelly::ui {

class Clock;

// The dashboard's connection to one store: polls its change stamp, reloads a DeskState
// when another process (or this one) wrote, and carries out the few writes the dashboard
// makes (mode, halt, settings, a correlation build), always with origin `dashboard`. Every
// reload runs the drawdown guard first (issue 6), which may halt the store.
// The store is opened by the caller and outlives the session.
class DeskSession final : public QObject
{
    Q_OBJECT
public:
    DeskSession(store::Store& store, const Clock& clock, store::Environment environment,
                QObject* parent = nullptr);

    // Starts polling (SPEC 10: within one second of another process's write) and the
    // one-second tick that keeps the close countdown moving.
    void start(std::chrono::milliseconds pollInterval = std::chrono::milliseconds(250));

    // Reloads now, whatever the stamp says. False with `error` when the store failed.
    bool reload(QString* error);

    const DeskState& state() const { return *m_state; }
    std::shared_ptr<const DeskState> stateHandle() const { return m_state; }
    store::Store& store() { return m_store; }
    const Clock& clock() const { return m_clock; }
    const store::Environment& environment() const { return m_environment; }

    bool setMode(SizingMode mode, QString* error);
    // Issue 6: halting works even when the environment locks the mode (safety wins);
    // resume goes back to the mode in force before the halt. Both audited `dashboard`.
    bool halt(QString* error);
    bool resume(QString* error);
    bool writeSetting(store::SettingKey key, const QString& value, QString* error);
    bool saveCorrelationBuild(const CorrelationBuild& build, QString* error);

    // A dry-run sizing call in the given mode, exactly as the bot's next call would size.
    bool sizeDryRun(const SizingRequest& request, SizingMode mode, store::SizingOutcome* out,
                    QString* error, store::SizingFailure* failure);

Q_SIGNALS:
    void stateChanged();
    // The clock moved but the store did not: only time-dependent figures changed.
    void ticked();
    void storeError(const QString& message);

private:
    void poll();
    void tick();
    // The latest build, reused from the current state when the store still has that one.
    bool loadCorrelation(std::optional<store::StoredCorrelationBuild>* out, QString* error) const;

    store::Store& m_store;
    const Clock& m_clock;
    store::Environment m_environment;
    std::shared_ptr<DeskState> m_state;
    std::optional<store::ChangeStamp> m_lastStamp;
    QTimer m_pollTimer;
    QTimer m_tickTimer;
    QString m_lastError;
};

} // namespace kelly::ui
