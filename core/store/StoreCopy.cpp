// SPEC 13: `kellyctl store copy FROM TO`, a whole store from one backend to the other (or to
// another file or database of the same), all rows in one transaction on the target.

#include "StoreImpl.h"

#include <QSqlRecord>

namespace kelly::store {

namespace {

// Every table of schema version 11, parents before the tables that reference them. A table
// the source has and this list lacks stops the copy (a newer migration must add it here).
const QStringList& copiedTables()
{
    static const QStringList tables{
        QStringLiteral("account"),
        QStringLiteral("positions"),
        QStringLiteral("snapshots"),
        QStringLiteral("settings"),
        QStringLiteral("settings_audit"),
        QStringLiteral("sizing_decisions"),
        QStringLiteral("correlation_builds"),
        QStringLiteral("correlation_symbols"),
        QStringLiteral("broker_syncs"),
        QStringLiteral("lab_runs"),
        QStringLiteral("lab_run_methods"),
        QStringLiteral("lab_curve_points"),
        QStringLiteral("margin_overrides"),
        QStringLiteral("broker_margin_rates"),
        QStringLiteral("close_plans"),
        QStringLiteral("close_orders"),
        QStringLiteral("serve_answers"),
    };
    static_assert(Store::kSchemaVersion == 13, "a new table? add it to copiedTables");
    return tables;
}

// Tables whose `id` the store assigns: after rows came with their ids, PostgreSQL's identity
// must continue after the largest (SQLite takes max(id) + 1 by itself).
const QStringList& tablesWithRowIds()
{
    static const QStringList tables{
        QStringLiteral("snapshots"),        QStringLiteral("settings_audit"),
        QStringLiteral("sizing_decisions"), QStringLiteral("correlation_builds"),
        QStringLiteral("broker_syncs"),     QStringLiteral("lab_runs"),
        QStringLiteral("close_plans"),      QStringLiteral("close_orders"),
        QStringLiteral("serve_answers"),
    };
    return tables;
}

bool listTables(Store::Impl& impl, QStringList* out, QString* error)
{
    QSqlQuery query(impl.database());
    if (!runDirect(query,
                   impl.dialect.isPostgres()
                       ? QStringLiteral("SELECT table_name FROM information_schema.tables"
                                        " WHERE table_schema = current_schema()"
                                        " AND table_name <> 'kellydesk_schema'")
                       : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%'"),
                   error))
        return false;
    out->clear();
    while (query.next())
        out->append(query.value(0).toString());
    return true;
}

bool countRows(Store::Impl& impl, const QString& table, qint64* count, QString* error)
{
    QSqlQuery query(impl.database());
    if (!runDirect(query, QStringLiteral("SELECT count(*) FROM ") + table, error))
        return false;
    *count = query.next() ? query.value(0).toLongLong() : 0;
    return true;
}

// Copies one table's rows, column by column as the source names them.
bool copyTable(Store::Impl& from, Store::Impl& to, const QString& table, qint64* copied,
               QString* error)
{
    QSqlQuery rows(from.database());
    rows.setForwardOnly(true); // a year of snapshots streams instead of sitting in memory
    if (!runDirect(rows, QStringLiteral("SELECT * FROM ") + table, error))
        return false;
    const QSqlRecord record = rows.record();
    QStringList columns;
    QStringList marks;
    for (int i = 0; i < record.count(); ++i) {
        columns << record.fieldName(i);
        marks << QStringLiteral("?");
    }
    QSqlQuery insert = to.prepare(
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
            .arg(table, columns.join(QStringLiteral(", ")), marks.join(QStringLiteral(", "))),
        error);
    *copied = 0;
    while (rows.next()) {
        for (int i = 0; i < record.count(); ++i)
            insert.bindValue(i, rows.value(i));
        if (!run(insert, error)) {
            *error = QStringLiteral("%1 row %2: %3").arg(table).arg(*copied + 1).arg(*error);
            return false;
        }
        ++*copied;
    }
    return true;
}

} // namespace

bool Store::copyTo(Store& target, std::vector<std::pair<QString, qint64>>* copied,
                   CopyFailure* failure, QString* error)
{
    *failure = CopyFailure::StoreError;
    Impl& from = *m_impl;
    Impl& to = *target.m_impl;
    QStringList sourceTables;
    if (!listTables(from, &sourceTables, error))
        return false;
    for (const QString& table : sourceTables)
        if (!copiedTables().contains(table)) {
            *error = QStringLiteral("the source has a table this build does not know: %1")
                         .arg(printable(table));
            return false;
        }
    // One snapshot of the source, one transaction on the target.
    Transaction read(from, Transaction::Kind::Read);
    if (!read.begin(error))
        return false;
    return withRetries(to, error, [&](QString* error) {
        Transaction write(to, Transaction::Kind::Write);
        if (!write.begin(error))
            return false;
        // Issue 24: checked inside the copy's transaction, so nothing another writer commits
        // before the copy holds the target can be mixed into it.
        for (const QString& table : copiedTables()) {
            qint64 rows = 0;
            if (!countRows(to, table, &rows, error))
                return false;
            if (rows > 0) {
                *failure = CopyFailure::TargetNotEmpty;
                *error = QStringLiteral("the target is not empty (%1 has %2 rows); refusing to"
                                        " copy into it")
                             .arg(table)
                             .arg(rows);
                return false;
            }
        }
        copied->clear();
        for (const QString& table : copiedTables()) {
            qint64 rows = 0;
            if (!copyTable(from, to, table, &rows, error))
                return false;
            copied->emplace_back(table, rows);
        }
        if (to.dialect.isPostgres())
            for (const QString& table : tablesWithRowIds())
                if (!to.execute(QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'),"
                                               " coalesce(max(id), 0) + 1, false) FROM %1")
                                    .arg(table),
                                error))
                    return false;
        return write.commit(error);
    });
}

} // namespace kelly::store
