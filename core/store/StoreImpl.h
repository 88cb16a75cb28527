#pragma once

// Internals shared by the Store's translation units; not part of the public API.

#include "Dialect.h"
#include "Store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#ifdef KELLY_STORE_HAS_SQLITE3
#include "WalCheckpointer.h"
struct sqlite3_stmt;
#endif

namespace kelly::store {

class Transaction;

class Store::Impl
{
public:
    QString connectionName;
    // The file (absolute) or, for PostgreSQL, the whole URL: another connection of this
    // process (the dashboard's worker) opens it again. Never shown: see location.displayName().
    QString path;
    StoreLocation location;
    Dialect dialect;
    int version = 0;
    OpenFailure openFailure = OpenFailure::None;
    // Bumped each time a lost PostgreSQL connection was opened again (ChangeStamp): what
    // came while it was down was never notified, so a reader reloads in full.
    qint64 connectionGeneration = 0;
    std::function<void()> onChange; // listenForChanges' callback, kept across a reconnect
    qint64 localCommits = 0;
    // Open transactions on this connection: an inner Transaction joins the outer one
    // (issue 11: Store::beginRead makes several loads one snapshot).
    int transactionDepth = 0;
    bool lastBeginBusy = false; // the last write could not take the lock in busy_timeout
    std::unique_ptr<Transaction> readScope; // Store::beginRead's, until endRead
#ifdef KELLY_STORE_HAS_SQLITE3
    std::unique_ptr<WalCheckpointer> checkpointer; // Store::checkpointInBackground's
#endif

    QSqlDatabase database() const
    {
        return QSqlDatabase::database(connectionName, false);
    }

    // A prepared statement on this connection; callers bind and run it with `run`.
    // Outside a transaction, a connection lost since its last statement is opened again
    // first (SPEC 13: a dashboard's autocommit reads after pg_terminate_backend).
    QSqlQuery prepare(const QString& sql, QString* error);
    // The same, prepared once per connection and reused: for the hot write path only
    // (statements that run to completion, so none holds a read snapshot between uses).
    // Bind by position (bindValue(i, ...)): the statement keeps its values between uses.
    QSqlQuery& cached(const QString& sql);
    // A statement without parameters that PostgreSQL cannot prepare (BEGIN, COMMIT, NOTIFY,
    // LISTEN, DDL); on SQLite prepared once and reused like `cached`.
    bool execute(const QString& sql, QString* error);
    // PostgreSQL: several statements in one query (one round trip), each one's result
    // checked.
    bool executeEach(const QString& sql, QString* error);
    // One write transaction holding one `INSERT ... RETURNING id` (its `?` bound by position
    // to `values`) and what `inTransaction` adds with the new id; the new id in `id`. Issue
    // 25: on PostgreSQL, without `inTransaction` and outside any transaction, BEGIN, the
    // insert, the NOTIFY and the COMMIT go as one query (one round trip, not three), the
    // values written into it by the driver as QPSQL writes them into its EXECUTE. Otherwise
    // the insert is kept prepared (`cached`). Run it inside withRetries.
    bool insertAlone(const QString& sql, const QVariantList& values, qint64* id, QString* error,
                     const Store::DecisionHook& inTransaction = {});
    // `sql` with each `?` replaced by its value as the driver writes it (QPSQL writes the
    // same text into an EXECUTE); nullopt when the `?` do not match the values (one inside a
    // quoted text).
    std::optional<QString> withLiterals(const QString& sql, const QVariantList& values) const;
    // Store.cpp: the driver connection, opened (again, after a loss) from `location`; it
    // subscribes again when listening. Errors name the store without its password.
    bool connect(QString* error);
    // The last statement failed because the connection is gone (PostgreSQL): reopen it once,
    // outside any transaction. False when that is not the case or the reopen failed.
    bool reconnectAfterLoss(QString* error);
    // A statement on this connection failed because the connection is gone (PostgreSQL:
    // no SQLSTATE, 08xxx or 57P0x); StoreTransaction.cpp notes it per thread.
    bool connectionLost() const;
    // LISTENs on the change channel; notifications call onChange (Store::listenForChanges).
    bool subscribe(QString* error);
    bool notificationsConnected = false;

    // Store::hasExpired's last answer of "nothing older than this cutoff": trusted for a
    // minute of later cutoffs (issue 25: one round trip less a recorded serve request).
    std::optional<UtcTime> nothingExpiredBefore;

    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> statements;
    // A cached statement whose prepare failed (PostgreSQL's parse takes the table's locks:
    // lock_timeout can fire there) is not kept: it is prepared again at its next use.
    std::unique_ptr<QSqlQuery> unprepared;

    // ReadStatement's: each prepared once per connection, lent to one reader at a time.
    // PostgreSQL prepares one at its second use (`seen`): see ReadStatement.
    struct ReadSlot
    {
        std::unique_ptr<QSqlQuery> query;
        bool lent = false;
        bool seen = false;
    };
    std::unordered_map<QString, ReadSlot> readStatements;
    int lentReads = 0; // a reconnect waits until none is lent: it drops them all
    // insertAlone's one-query inserts on PostgreSQL, by SQL: prepared under a name of ours
    // at the second use (in that use's own query), then only executed (`prepared`).
    struct NamedInsert
    {
        bool seen = false;
        bool prepared = false;
        QString name;
    };
    std::unordered_map<QString, NamedInsert> namedInserts;
    int namedInsertCount = 0; // a new name each try: a failed try may leave its name taken
    // Drops every kept statement (a reconnect, close): they belong to the old connection.
    void dropStatements();
};

// Issue 25: a read statement prepared once per connection and reused, as `cached` is for
// writes. Per call, QPSQL prepared and deallocated each statement (3 round trips instead of
// 1) and SQLite parsed it again. Finished when the scope ends, so no SQLite read snapshot
// or PostgreSQL result stays open between calls. Bind by position (bindValue(i, ...)).
// Outside a transaction a lost connection is opened again first, as Impl::prepare does.
// The same SQL already lent (read again inside its own loop) gets a statement of its own.
// On PostgreSQL a PREPARE is a round trip of its own, paid back only from a statement's
// second use: a statement's first use on a connection (all of a one-shot `kellyctl size`'s)
// and one of its own are sent once, unprepared, with the values written into it as QPSQL
// writes them into an EXECUTE. Run it with `run(ReadStatement&, ...)`, not on the query.
class ReadStatement
{
public:
    ReadStatement(Store::Impl& impl, const QString& sql, QString* error);
    ~ReadStatement();
    ReadStatement(const ReadStatement&) = delete;
    ReadStatement& operator=(const ReadStatement&) = delete;

    QSqlQuery& operator*() { return *m_query; }
    // Runs the statement with the values bound on it (by position).
    bool run(QString* error);

private:
    Store::Impl& m_impl;
    Store::Impl::ReadSlot* m_slot = nullptr;
    std::optional<QSqlQuery> m_own; // not kept: the SQL was lent already, or did not prepare
    QSqlQuery* m_query = nullptr;
    QString m_unprepared; // PostgreSQL: the SQL sent unprepared by run(), else null
};

#ifdef KELLY_STORE_HAS_SQLITE3
// SQLite's own handle behind a QSQLITE connection (Store.cpp); nullptr for another driver.
sqlite3* sqliteConnection(const QSqlDatabase& db);

// Bulk rows through SQLite's own prepared statement on that handle, inside the caller's
// transaction: Qt binds each value through a QVariant and a placeholder name, most of the
// cost of hundreds of rows. Bind a row's values on statement(), then insertRow(); rows stop
// going in after the first failure, and finish() reports it.
class RawSqliteInsert
{
public:
    RawSqliteInsert(sqlite3* connection, const char* sql);
    ~RawSqliteInsert();
    RawSqliteInsert(const RawSqliteInsert&) = delete;
    RawSqliteInsert& operator=(const RawSqliteInsert&) = delete;

    bool ok() const { return m_code == 0; } // SQLITE_OK
    sqlite3_stmt* statement() const { return m_statement; }
    void insertRow();
    // True when every row went in; else `error` is "<what> failed: " and SQLite's message.
    bool finish(const QString& what, QString* error) const;

private:
    sqlite3* m_connection;
    sqlite3_stmt* m_statement = nullptr;
    int m_code;
};
#endif

// Runs a prepared statement; on failure fills `error` with the driver's text and the SQL.
bool run(QSqlQuery& query, QString* error);
inline bool run(ReadStatement& read, QString* error)
{
    return read.run(error);
}
// The same for SQL run unprepared (control statements, DDL, PRAGMAs).
bool runDirect(QSqlQuery& query, const QString& sql, QString* error);
// After a reconnect: the lost connection noted by a failed statement is open again.
void forgetLostConnection();

// SPEC 13: runs `change`, one logical change that opens its own write Transaction, and runs
// it again when it failed on a serialization failure or a deadlock (PostgreSQL; at most 5
// tries, with a random pause between them). Each failed try was rolled back whole. Inside
// an outer transaction it runs once: the outer one owns the outcome.
bool withRetries(Store::Impl& impl, QString* error, const std::function<bool(QString*)>& change);

// A write is the dialect's write BEGIN (SQLite: BEGIN IMMEDIATE) ... COMMIT: the write lock is
// taken up front, so a concurrent writer waits on busy_timeout instead of failing on a lock
// upgrade. A read is a deferred transaction, so its several SELECTs see one consistent snapshot.
// Rolls back unless committed.
class Transaction
{
public:
    enum class Kind
    {
        Read,
        Write
    };
    Transaction(Store::Impl& impl, Kind kind);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    bool begin(QString* error);
    bool commit(QString* error);

private:
    Store::Impl& m_impl;
    Kind m_kind;
    bool m_open = false;
    bool m_nested = false; // joined an outer transaction: no SQL of its own
};

// Issue 12: the writes of controls (mode, halt, limits) are committed with
// synchronous=FULL for the object's lifetime; every other write keeps NORMAL, which in WAL
// mode survives a process crash but may lose the last commits to a power loss. Create it
// before the transaction: SQLite ignores the change inside one. On PostgreSQL the same
// split is synchronous_commit on / off (Dialect::durableCommits).
class DurableCommits
{
public:
    explicit DurableCommits(Store::Impl& impl);
    ~DurableCommits();
    DurableCommits(const DurableCommits&) = delete;
    DurableCommits& operator=(const DurableCommits&) = delete;

private:
    Store::Impl& m_impl;
};

// StoreHalt.cpp (issue 24): whether a halt marker is raised (effectiveSettings reads it as
// halt), and its removal, by resume only.
bool haltMarkerRaised(Store::Impl& impl, bool* raised, QString* error);
// Where the marker is a row a statement can read (PostgreSQL), that read as a query for a
// statement of the caller's own (one value; the mode's key bound on its `?`), and whether
// the value it gives is a halt. Nothing where the marker is a file (SQLite).
std::optional<QString> haltMarkerRowQuery(const Store::Impl& impl);
bool isHaltModeRow(const QString& newValue);
bool lowerHaltMarker(Store::Impl& impl, QString* error);
// StoreTransaction.cpp: the last statement on this thread gave up on PostgreSQL's
// lock_timeout (another session kept the lock): busy, worth retrying as a halt does.
bool lastFailureWasLockTimeout();

// NULL for an absent optional; the store never holds NaN or inf.
inline QVariant optionalValue(const std::optional<double>& value)
{
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::Double));
}

inline std::optional<double> optionalDouble(const QVariant& value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toDouble();
}

// The id an `INSERT ... RETURNING id` just ran gave (SPEC 13: QPSQL has no lastInsertId;
// SQLite >= 3.35 speaks RETURNING too). 0 when it gave none.
inline qint64 insertedId(QSqlQuery& insert)
{
    const qint64 id = insert.next() ? insert.value(0).toLongLong() : 0;
    insert.finish();
    return id;
}

bool isFiniteOptional(const std::optional<double>& value);

// A number as the store holds it: REAL or INTEGER and finite. Text SQLite kept because it
// did not convert ('100,000.00') is nullopt, never 0 (issue 12 item 2).
std::optional<double> storedNumber(const QVariant& value);
// Store.cpp: a position's fields as the schema accepts them (the error names the field), and
// the upsert by symbol that every position write uses (qty 0 deletes).
bool validatePosition(const Position& p, QString* error);

// SPEC 15: the broker's rates read by a sync, inside applyBrokerSync's transaction.
bool upsertBrokerMarginRates(Store::Impl& impl,
                             const std::vector<std::pair<QString, BrokerMarginRate>>& rates,
                             UtcTime now, QString* error);

// One settings_audit row, inside the caller's transaction. A null `oldValue` means the key
// was never set; a null `detail`, no reason given.
bool appendAudit(Store::Impl& impl, UtcTime now, const QString& key, const QVariant& oldValue,
                 const QString& newValue, SettingOrigin origin, const QVariant& detail,
                 QString* error);
// StoreEquity.cpp (SPEC 1): a mark's P&L added to the stored equity, before the position's
// price is updated; and the audit row of an equity set by `account set`.
// The settings_audit key of those rows: E's basis, not a setting, so loadAudit leaves it out.
inline constexpr char kEquityAuditKey[] = "equity";
bool addMarkToEquity(Store::Impl& impl, const QString& normalizedSymbol, double priceUsd,
                     QString* error);
bool auditEquitySet(Store::Impl& impl, double equityUsd, UtcTime now, SettingOrigin origin,
                    QString* error);
// keepStoredEntry: a caller that gave no average entry keeps the stored one (issue 12).
bool upsertPosition(Store::Impl& impl, const Position& p, bool keepStoredEntry, UtcTime now,
                    QString* error);

// Schema.cpp: the version a file holds, and the forward migrations to Store::kSchemaVersion
// in one write transaction.
bool readSchemaVersion(Store::Impl& impl, int* version, QString* error);
// Reads the version and refuses (with a message) a newer file or a foreign database.
bool checkSchemaOpenable(Store::Impl& impl, int* version, QString* error);
// `current`: the version checkSchemaOpenable just read (a current store is opened without
// the write lock and without reading it twice).
bool migrateSchema(Store::Impl& impl, int current, QString* error);
// The message of a schema rule, from its PostgreSQL constraint name ("positions_rule_2").
std::optional<QString> ruleMessage(const QString& constraint);

} // namespace kelly::store
