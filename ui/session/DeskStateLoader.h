#pragma once

#include "DeskState.h"

#include <QObject>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

namespace kelly::ui {

// Reads DeskStates on a worker thread (issue 7: a reload of 2,000 positions took 20-35 ms
// while a bot marked prices, all of it on the GUI thread). It opens its own connection to
// the store file on first use, on the thread it lives on, because a QSqlDatabase
// connection may only be used by the thread that opened it; the connection closes when the
// loader is deleted, which must happen on that thread too (QThread::finished ->
// deleteLater). Each finished state is handed over whole: the loader keeps no reference
// to it, so the GUI thread owns it alone.
class DeskStateLoader final : public QObject
{
    Q_OBJECT
public:
    DeskStateLoader(QString storePath, store::Environment environment);
    ~DeskStateLoader() override;

    // Reads when the store changed since the last read (or always, when `force`), and
    // answers request `id` with exactly one of loaded, unchanged or failed. `now` comes
    // from the caller's clock: the loader never reads a clock itself.
    void load(quint64 id, UtcTime now, bool force);
    // The what-if form's refresh: dry runs on the loader's connection, then sized.
    void sizeDryRuns(const SizingRequest& request, const std::vector<SizingMode>& modes,
                     UtcTime now);
    // Issue 12: the dashboard's emergency halt, on this thread so the GUI never waits for
    // the store's lock. Keeps trying while another writer holds the lock past the busy
    // timeout (haltWaiting, once), then haltWritten (empty error: landed).
    void writeHalt(UtcTime now);

Q_SIGNALS:
    void loaded(quint64 id, std::shared_ptr<kelly::ui::DeskState> state);
    void unchanged(quint64 id);
    void failed(quint64 id, const QString& error);
    void sized(std::shared_ptr<const kelly::ui::DryRuns> dryRuns);
    void haltWaiting();
    void haltWritten(const QString& error);
    // SPEC 13: a PostgreSQL store NOTIFYed a committed change; the session reloads at once.
    void changeNotified();

private:
    bool openStore(QString* error);
    // After a failed read the store is tried again at growing intervals (1, 2, 4 s), not on
    // every poll: a server that is down is not hammered. False while waiting; `error` is
    // then the last failure.
    bool mayTryAgain(QString* error) const;
    void noteReadResult(bool ok, const QString& error);
    // Issue 26: a SQLite store's file is still the one the loader opened. A connection keeps
    // reading a file moved away (or one replaced at its path) as if it were live; the path is
    // checked by the file's identity (device, inode) before each read, so the window shows
    // the stale banner instead.
    bool sameFileAsOpened(QString* error) const;

    QString m_storePath;
    store::Environment m_environment;
    std::unique_ptr<store::Store> m_store;
    std::optional<std::pair<quint64, quint64>> m_fileIdentity; // SQLite: (device, inode)
    std::optional<store::ChangeStamp> m_lastStamp;
    // The build of the last state read, reused while it is the store's latest.
    std::shared_ptr<const store::StoredCorrelationBuild> m_build;
    int m_failuresInARow = 0;
    QString m_lastFailure;
    std::chrono::steady_clock::time_point m_nextTry;
};

} // namespace kelly::ui
