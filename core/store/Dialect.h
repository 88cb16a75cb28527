#pragma once

// SPEC 13: the one place where SQLite and PostgreSQL differ. Everything else (the schema's
// history, every query, every rule) is written once and runs on both. What differs: column
// types and identity keys, how a transaction begins, the "all rows" LIMIT, where the schema
// version lives, which failures are worth a retry, and the change signal.

#include "StoreLocation.h"

#include <QString>
#include <QStringList>
#include <QVariant>
#include <optional>

namespace kelly::store {

class Dialect
{
public:
    explicit Dialect(Backend backend = Backend::Sqlite) : m_backend(backend) {}

    Backend backend() const { return m_backend; }
    bool isPostgres() const { return m_backend == Backend::Postgres; }
    QString driverName() const;

    // A write takes SQLite's write lock up front (BEGIN IMMEDIATE: a second writer waits on
    // the busy timeout instead of failing on a lock upgrade); on PostgreSQL it runs at
    // SERIALIZABLE. A read sees one snapshot on both.
    QString beginWrite() const;
    QString beginRead() const;
    // Run first in a write that updates the account row, so such writes queue for it: on
    // PostgreSQL a LOCK taken before the transaction's first query (its snapshot), as
    // SERIALIZABLE fails the later of two concurrent updates of one row; empty on SQLite,
    // whose writers already take turns (BEGIN IMMEDIATE).
    QString lockAccountRow() const;

    // A CREATE TABLE of the schema's history, written in SQLite's types, in this dialect's:
    // REAL is 4 bytes on PostgreSQL (DOUBLE PRECISION), BLOB is BYTEA, INTEGER is BIGINT
    // (row ids of a year of snapshots), an `id INTEGER PRIMARY KEY` an identity column.
    QString tableDefinition(const QString& sqliteDefinition) const;

    // The LIMIT value meaning "every row": -1 for SQLite, NULL for PostgreSQL (which refuses
    // a negative limit).
    QVariant limitValue(int limit) const;

    // SQL that holds when `column` holds a number: SQLite keeps whatever a bot wrote (text
    // that did not convert), PostgreSQL's typed columns only numbers.
    QString holdsNumber(const QString& column) const;

    // SQLSTATEs of a serialization failure (40001) or a deadlock (40P01): the whole logical
    // change is run again. SQLite waits on its lock instead and never needs it.
    bool isRetryable(const QString& nativeCode) const;
    // The connection itself is gone (the server restarted, pg_terminate_backend, a network
    // drop): reopening it is worth one try.
    bool isConnectionLost(const QString& nativeCode) const;

    // One row, one column: a value that moves when another connection committed (SQLite's
    // data_version; PostgreSQL's current snapshot, whose xmax and in-progress list move with
    // every transaction that wrote, in any database of the server).
    QString changeStampQuery() const;

    // The commit durability of a connection: everyday writes survive a crash of the writing
    // process (SQLite WAL synchronous=NORMAL; PostgreSQL synchronous_commit=off, where the
    // server's WAL writer flushes within ~0.6 s), and controls (mode, halt, limits) wait
    // for the disk (FULL; on). Set once at connect to the everyday level, `durable` around
    // the writes of controls (DurableCommits).
    QString durableCommits(bool durable) const;

    // Run first in a write transaction that reads a table and writes it back (a setting and
    // its audit row): on PostgreSQL the table is locked against other such writers BEFORE
    // the transaction's snapshot is taken, so controls written at once queue instead of
    // failing to serialize again and again. SQLite's BEGIN IMMEDIATE already did that.
    std::optional<QString> lockBeforeReading(const QString& table) const;
    // Issue 24 item 5: run at every connect. PostgreSQL waited forever behind a session that
    // kept a lock, and on a stopped backend: lock_timeout (then 55P03, reported busy) and
    // statement_timeout bound every statement; with them the everyday durableCommits level,
    // all in one statement (issue 25: one round trip, not three). SQLite has none: its
    // busy_timeout is set with the connection and its statements never wait on a server.
    std::optional<QString> sessionSettings(int lockTimeoutMs, int statementTimeoutMs) const;

    // Issue 24 item 6: the retention prune runs in one process at a time. On PostgreSQL a
    // session advisory lock (released with the connection if the process dies): the query
    // returns true when this session got it. SQLite has none: there the prune is held to
    // one process by a lock file beside the store's log (SizingService), every SQLite
    // process of a store being on its machine.
    std::optional<QString> tryPruneLock() const;
    std::optional<QString> pruneUnlock() const;

    // Run just before COMMIT of every write (SPEC 13: the dashboards LISTEN).
    std::optional<QString> notifyOnCommit() const;
    static constexpr const char* kChangeChannel = "kellydesk_changes";

private:
    Backend m_backend;
};

} // namespace kelly::store
