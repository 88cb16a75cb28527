#include "StoreTestSupport.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

namespace kelly::testing {

namespace {

// A scoped raw connection, removed on destruction.
class RawConnection
{
public:
    explicit RawConnection(const QString& path)
        : m_name(QStringLiteral("raw-") + QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
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
    tables.exec(
        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
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
    version.exec(QStringLiteral("PRAGMA user_version"));
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
