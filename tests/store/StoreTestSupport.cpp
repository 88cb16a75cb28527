#include "StoreTestSupport.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

namespace kelly::testing {

namespace {

// A scoped raw connection, removed on destruction. A PostgreSQL store name is one of
// newStoreName's: the database name after "///", the server from the PG* variables.
class RawConnection
{
public:
    explicit RawConnection(const QString& path)
        : m_name(QStringLiteral("raw-") + QUuid::createUuid().toString())
    {
        const bool postgres = path.startsWith(QLatin1String("postgresql://"));
        QSqlDatabase db = QSqlDatabase::addDatabase(
            postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), m_name);
        if (postgres) {
            db.setDatabaseName(path.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0));
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        }
        db.open();
    }
    ~RawConnection()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    QString m_name;
};

} // namespace

bool onPostgres()
{
    return qEnvironmentVariable("KELLYDESK_TEST_BACKEND") == QLatin1String("postgresql");
}

QString newStoreName(const QString& folder, const QString& fileName, QString* error)
{
    if (!onPostgres())
        return folder + QLatin1Char('/') + fileName;
    const QString database =
        QStringLiteral("kd_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    RawConnection admin(QStringLiteral("postgresql:///postgres"));
    if (!admin.db().isOpen()) {
        *error = QStringLiteral("the PostgreSQL test cluster is not reachable (run under"
                                " pg_virtualenv -t): ") +
                 admin.db().lastError().text();
        return {};
    }
    QSqlQuery create(admin.db());
    // UTF-8 as on any real server (the throwaway cluster's default is SQL_ASCII).
    if (!create.exec(QStringLiteral("CREATE DATABASE %1 ENCODING 'UTF8' TEMPLATE template0")
                         .arg(database))) {
        *error = create.lastError().text();
        return {};
    }
    return QStringLiteral("postgresql:///") + database;
}

QString joinedSql(const QString& expression, const QString& separator)
{
    return QStringLiteral("%1(%2, '%3')")
        .arg(onPostgres() ? QStringLiteral("string_agg") : QStringLiteral("group_concat"),
             expression, separator);
}

QString blobLiteral(const QString& hex)
{
    return onPostgres() ? QStringLiteral("'\\x%1'::bytea").arg(hex)
                        : QStringLiteral("X'%1'").arg(hex);
}

bool execRawSql(const QString& path, const QString& statements, QString* error)
{
    RawConnection connection(path);
    for (const QString& statement : statements.split(QStringLiteral(";\n"))) {
        QString sql = statement;
        QStringList lines = sql.split(QLatin1Char('\n'));
        lines.removeIf(
            [](const QString& line) { return line.trimmed().startsWith(QLatin1String("--")); });
        sql = lines.join(QLatin1Char('\n')).trimmed();
        if (sql.endsWith(QLatin1Char(';')))
            sql.chop(1);
        if (sql.isEmpty())
            continue;
        QSqlQuery query(connection.db());
        if (!query.exec(sql)) {
            *error = query.lastError().text() + QStringLiteral(" [") + sql + QLatin1Char(']');
            return false;
        }
    }
    return true;
}

QString dumpStore(const QString& path)
{
    RawConnection connection(path);
    QString dump;
    QSqlQuery tables(connection.db());
    tables.exec(onPostgres()
                    ? QStringLiteral("SELECT table_name FROM information_schema.tables"
                                     " WHERE table_schema = current_schema() ORDER BY 1")
                    : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"
                                     " ORDER BY name"));
    QStringList names;
    while (tables.next())
        names << tables.value(0).toString();
    tables.finish();
    for (const QString& table : names) {
        dump += QStringLiteral("== ") + table + QLatin1Char('\n');
        QSqlQuery rows(connection.db());
        rows.exec(QStringLiteral("SELECT * FROM \"%1\" ORDER BY 1, 2").arg(table));
        while (rows.next()) {
            QStringList fields;
            for (int i = 0; i < rows.record().count(); ++i)
                fields << (rows.value(i).isNull() ? QStringLiteral("NULL")
                                                  : rows.value(i).toString());
            dump += fields.join(QLatin1Char('|')) + QLatin1Char('\n');
        }
    }
    QSqlQuery version(connection.db());
    version.exec(onPostgres() ? QStringLiteral("SELECT version FROM kellydesk_schema")
                              : QStringLiteral("PRAGMA user_version"));
    if (version.next())
        dump += QStringLiteral("user_version=") + version.value(0).toString() + QLatin1Char('\n');
    return dump;
}

QString rawScalar(const QString& path, const QString& sql)
{
    RawConnection connection(path);
    QSqlQuery query(connection.db());
    if (!query.exec(sql))
        return QStringLiteral("ERROR: ") + query.lastError().text();
    return query.next() ? query.value(0).toString() : QString();
}

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace kelly::testing
