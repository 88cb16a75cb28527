#pragma once

// Issue 25: SQLite checkpoints the WAL inside the commit that finds it past
// wal_autocheckpoint (1,000 pages), with an fsync of the WAL and one of the database.
// Under four serve writers a checkpoint rarely catches up with the readers, so every
// commit after that one checkpoints again: storms of a second or more in which each
// recorded request waited for two fsyncs (a p99 of 2 to 12 ms). A WalCheckpointer moves
// those checkpoints to a thread of its own with its own connection: the commit only
// signals it. A checkpoint is crash-safe wherever it runs (the WAL keeps every frame until
// the database holds it), so durability is unchanged.

#ifdef KELLY_STORE_HAS_SQLITE3

#include <QString>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

struct sqlite3;

namespace kelly::store {

class WalCheckpointer
{
public:
    // Replaces `writer`'s automatic checkpoint; nullptr (error set) when its own connection
    // to `path` cannot be opened, and then `writer` keeps checkpointing as before.
    static std::unique_ptr<WalCheckpointer> start(sqlite3* writer, const QString& path,
                                                  QString* error);
    // Gives `writer` its automatic checkpoint back; a checkpoint under way finishes first.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

private:
    WalCheckpointer(sqlite3* writer, sqlite3* own);
    static int onCommit(void* self, sqlite3* writer, const char* schema, int walPages);
    void run();

    sqlite3* m_writer;
    sqlite3* m_own;
    std::mutex m_mutex;
    std::condition_variable m_wake;     // a checkpoint is due, or stop
    std::condition_variable m_stopping; // stop only: ends the pause between checkpoints
    bool m_due = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace kelly::store

#endif
