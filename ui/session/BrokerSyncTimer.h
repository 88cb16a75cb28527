#pragma once

// Issue 16 (SPEC 14): the dashboard's broker sync. Every N seconds (the store setting
// broker_sync_interval_s; empty = off) it runs the same sync as `kellyctl sync alpaca`
// on a pool thread with its own store connection: the network never blocks the GUI thread.
// The poller then shows what the sync wrote, like any other process's write.

#include "AlpacaSync.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <optional>

namespace kelly::ui {

class Clock;

class BrokerSyncTimer final : public QObject
{
    Q_OBJECT
public:
    // `variables`: APCA_API_KEY_ID, APCA_API_SECRET_KEY, APCA_API_BASE_URL; kept in memory
    // only, for the request headers.
    BrokerSyncTimer(QString storePath, QHash<QString, QString> variables, const Clock& clock,
                    QObject* parent = nullptr);
    ~BrokerSyncTimer() override;

    // Restarts the timer only when the interval changed (called on every new state).
    void setInterval(std::optional<double> seconds);
    std::optional<double> interval() const { return m_interval; }
    // One sync now, unless one is running.
    void syncNow();
    bool isRunning() const { return m_watcher.isRunning(); }
    int consecutiveMisses() const { return m_misses; }
    QString lastError() const { return m_lastError; }
    void setOptions(const broker::SyncOptions& options) { m_options = options; }

Q_SIGNALS:
    void finished(bool ok, const QString& error);

private:
    void onFinished();

    QString m_storePath;
    QHash<QString, QString> m_variables;
    const Clock& m_clock;
    broker::SyncOptions m_options;
    std::optional<double> m_interval;
    QTimer m_timer;
    QFutureWatcher<broker::SyncOutcome> m_watcher;
    int m_misses = 0;
    QString m_lastError;
};

// The three APCA_* variables of this process (for the dashboard's main window).
QHash<QString, QString> alpacaVariablesFromProcess();

} // namespace kelly::ui
