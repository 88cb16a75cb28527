#pragma once

// Shared by the store and CLI suites: fixed times, the store each test uses (SQLite, or
// PostgreSQL when CTest runs the suite again in a throwaway cluster, SPEC 13), raw access
// that bypasses the Store (to build old or hostile stores), and a content dump to compare
// stores.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <chrono>

namespace kelly::testing {

inline std::chrono::sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm = 0, int ss = 0)
{
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

// True when this run of the suite is its PostgreSQL run: CTest sets
// KELLYDESK_TEST_BACKEND=postgresql and starts it under `pg_virtualenv -t`, whose PG*
// variables say where the server is.
bool onPostgres();

// A new, empty store name for one test: `fileName` in `folder` for SQLite, or a fresh
// database on the test cluster ("postgresql:///kd_...") on PostgreSQL. Empty, with the
// reason in `error`, when the cluster cannot be reached: the test then fails, never skips.
QString newStoreName(const QString& folder, const QString& fileName, QString* error);

// Tests of what only a SQLite file has (its bytes, its header, SQLite's own SQL) skip on the
// PostgreSQL run, saying so; everything else runs on both.
#define KELLY_SQLITE_ONLY(why)                                                                     \
    do {                                                                                           \
        if (kelly::testing::onPostgres())                                                          \
            QSKIP("SQLite only: " why);                                                            \
    } while (false)

// An aggregate joining `expression` over rows with `separator`: group_concat or string_agg.
QString joinedSql(const QString& expression, const QString& separator);

// A binary literal of `hex` in the backend's SQL: X'..' or '\x..'::bytea.
QString blobLiteral(const QString& hex);

// Runs `statements` (separated by ';' at line ends) on a raw connection to `path`.
bool execRawSql(const QString& path, const QString& statements, QString* error);

// Every row of every table, in a stable order, as text: equal dumps mean equal content.
QString dumpStore(const QString& path);

// One scalar from a raw connection (e.g. "PRAGMA integrity_check").
QString rawScalar(const QString& path, const QString& sql);

QByteArray readBytes(const QString& path);

} // namespace kelly::testing
