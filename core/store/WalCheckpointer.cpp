#include "WalCheckpointer.h"

#ifdef KELLY_STORE_HAS_SQLITE3

#include <chrono>
#include <sqlite3.h>
#include <utility>

namespace kelly::store {

namespace {

// SQLite's own wal_autocheckpoint default: the WAL size at which a checkpoint is due.
constexpr int kCheckpointPages = 1000;
// While readers keep a checkpoint from reaching the WAL's end, every commit asks for another
// one: at most one every this long, so the fsyncs of a storm do not crowd the disk.
constexpr std::chrono::milliseconds kPauseBetweenCheckpoints{20};

} // namespace

std::unique_ptr<WalCheckpointer> WalCheckpointer::start(sqlite3* writer, const QString& path,
                                                        QString* error)
{
    sqlite3* own = nullptr;
    const int opened = sqlite3_open_v2(path.toUtf8().constData(), &own,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (opened != SQLITE_OK) {
        *error = path + QStringLiteral(": cannot open a connection to checkpoint with: ") +
                 QString::fromUtf8(own ? sqlite3_errmsg(own) : sqlite3_errstr(opened));
        sqlite3_close(own);
        return nullptr;
    }
    // As the writer's connection (Store.cpp): closing it must not checkpoint, and its
    // checkpoints sync as synchronous=NORMAL does (the WAL before, the database after).
    sqlite3_db_config(own, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_exec(own, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(writer, own));
}

WalCheckpointer::WalCheckpointer(sqlite3* writer, sqlite3* own) : m_writer(writer), m_own(own)
{
    m_thread = std::thread([this] { run(); });
    // Replaces the automatic checkpoint (itself a WAL hook) on the writer.
    sqlite3_wal_hook(m_writer, &WalCheckpointer::onCommit, this);
}

WalCheckpointer::~WalCheckpointer()
{
    sqlite3_wal_autocheckpoint(m_writer, kCheckpointPages); // also removes onCommit
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_stopping.notify_one();
    m_thread.join();
    sqlite3_close(m_own);
}

int WalCheckpointer::onCommit(void* self, sqlite3*, const char*, int walPages)
{
    if (walPages >= kCheckpointPages) {
        auto* checkpointer = static_cast<WalCheckpointer*>(self);
        bool wasDue = false;
        {
            const std::lock_guard<std::mutex> lock(checkpointer->m_mutex);
            wasDue = std::exchange(checkpointer->m_due, true);
        }
        // Only the commit that makes a checkpoint due wakes the thread: a wake-up (a futex
        // call and a thread switch) on every commit cost the 2 cores about 1,000 a second.
        if (!wasDue)
            checkpointer->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_due || m_stop; });
        if (m_stop)
            return;
        m_due = false;
        lock.unlock();
        // PASSIVE: copies what no reader still needs and waits for nobody (another
        // process's checkpoint under way: busy, and the next commit asks again). A failure
        // leaves the WAL as it was, still whole: the next request tries again.
        sqlite3_wal_checkpoint_v2(m_own, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        lock.lock();
        // On m_stopping, which commits do not signal: they would wake this pause for nothing.
        m_stopping.wait_for(lock, kPauseBetweenCheckpoints, [this] { return m_stop; });
    }
}

} // namespace kelly::store

#endif
