#pragma once

// SPEC 13: what a store name (--db, $KELLYDESK_DB, the dashboard's store dialog) points at:
// a SQLite file path, or a PostgreSQL URL
//   postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?sslmode=...&connect_timeout=...]
//   postgresql:///DBNAME?service=NAME
//   ...&lock_timeout=5s&statement_timeout=30s (KellyDesk's own; ms, s or min)
// Qt's QPSQL driver takes no URL, so the URL is taken apart here and its query options are
// handed to the driver as libpq connection options. Whatever libpq reads itself (PGHOST,
// PGPASSFILE, the service file) keeps working for what the URL leaves out.

#include <QString>
#include <QStringList>

namespace kelly::store {

enum class Backend
{
    Sqlite,
    Postgres
};

struct StoreLocation
{
    Backend backend = Backend::Sqlite;
    QString sqlitePath; // as given; Store::open makes it absolute
    // PostgreSQL: empty fields are left to libpq's defaults (PG* variables, service file).
    QString host;
    int port = -1;
    QString database;
    QString user;
    QString password;           // never shown: see displayName
    QStringList connectOptions; // "sslmode=require", "connect_timeout=5", "service=desk"
    // Issue 24 item 5: KellyDesk's own options (?lock_timeout=2s&statement_timeout=1min), set
    // on the session: how long a statement waits for a lock another session holds, and how
    // long it may run at all, before it fails instead of hanging. A sizing call waits for
    // nothing but the row locks of other short writes; a store copy's largest statement
    // (a correlation build's matrices) takes well under a second.
    int lockTimeoutMs = 5000;
    int statementTimeoutMs = 30000;

    // The name to show anywhere (output, errors, the window title, logs): a URL loses its
    // password ("postgresql://bot@db:5432/desk"); a path stays as given.
    QString displayName() const;
};

// True when `name` is meant as a PostgreSQL URL (postgresql:// or postgres://).
bool isPostgresName(const QString& name);

// A path is taken as it is; a URL is checked: scheme, port, known options with plain
// values. The error never quotes the password.
bool parseStoreName(const QString& name, StoreLocation* out, QString* error);

// `name` fit to show: the password of a URL removed, even from one that does not parse.
QString redactStoreName(const QString& name);

} // namespace kelly::store
