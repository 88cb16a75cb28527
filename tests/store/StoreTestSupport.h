#pragma once

// Shared by the store and CLI suites: fixed times, raw SQLite access that bypasses the
// Store (to build old or hostile files), and a content dump to compare stores.

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

// Runs `statements` (separated by ';' at line ends) on a raw connection to `path`.
bool execRawSql(const QString& path, const QString& statements, QString* error);

// Every row of every table, in a stable order, as text: equal dumps mean equal content.
QString dumpStore(const QString& path);

// One scalar from a raw connection (e.g. "PRAGMA integrity_check").
QString rawScalar(const QString& path, const QString& sql);

QByteArray readBytes(const QString& path);

} // namespace kelly::testing
