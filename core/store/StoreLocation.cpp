#include "StoreLocation.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace kelly::store {

namespace {

// The libpq options a store URL may carry (SPEC 13 names sslmode, connect_timeout and
// service; the rest are what an SSL or multi-host setup needs).
const QStringList& knownOptions()
{
    static const QStringList options{
        QStringLiteral("sslmode"),     QStringLiteral("connect_timeout"),
        QStringLiteral("service"),     QStringLiteral("application_name"),
        QStringLiteral("sslrootcert"), QStringLiteral("sslcert"),
        QStringLiteral("sslkey"),      QStringLiteral("target_session_attrs"),
        QStringLiteral("keepalives"),  QStringLiteral("keepalives_idle"),
        QStringLiteral("options"),
    };
    return options;
}

// QPSQL joins the options with ';' into a libpq conninfo string: a value with a space, a
// quote, a backslash or a ';' would change what the string says.
bool isPlainValue(const QString& value)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@+,=-]+$"));
    return plain.match(value).hasMatch();
}

// Everything between "//" and the last '@' before the host is the user info.
QString withoutPassword(const QString& name)
{
    static const QRegularExpression userInfo(QStringLiteral("^([A-Za-z]+://[^/?#:@]*):[^/?#]*@"));
    QString redacted = name;
    redacted.replace(userInfo, QStringLiteral("\\1@"));
    return redacted;
}

} // namespace

bool isPostgresName(const QString& name)
{
    return name.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           name.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

QString redactStoreName(const QString& name)
{
    return isPostgresName(name) ? withoutPassword(name) : name;
}

QString StoreLocation::displayName() const
{
    if (backend == Backend::Sqlite)
        return sqlitePath;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + database);
    QUrlQuery query;
    for (const QString& option : connectOptions)
        query.addQueryItem(option.section(QLatin1Char('='), 0, 0),
                           option.section(QLatin1Char('='), 1));
    url.setQuery(query);
    QString shown = url.toString(QUrl::FullyEncoded);
    // QUrl writes "postgresql:/db" for an empty authority: keep the "///" libpq expects.
    if (host.isEmpty() && user.isEmpty() && port < 0)
        shown.replace(QLatin1String("postgresql:/"), QLatin1String("postgresql:///"));
    return shown;
}

bool parseStoreName(const QString& name, StoreLocation* out, QString* error)
{
    StoreLocation location;
    if (!isPostgresName(name)) {
        if (name.contains(QLatin1String("://"))) {
            *error = QStringLiteral("store: '%1' is neither a file path nor a postgresql:// URL")
                         .arg(redactStoreName(name));
            return false;
        }
        location.sqlitePath = name;
        *out = location;
        return true;
    }
    const QString shown = redactStoreName(name);
    const QUrl url(name, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = QStringLiteral("store URL '%1' is malformed: %2")
                     .arg(shown, url.errorString().section(QLatin1Char(';'), 0, 0));
        return false;
    }
    location.backend = Backend::Postgres;
    location.host = url.host();
    location.port = url.port(-1);
    location.user = url.userName();
    location.password = url.password();
    QString path = url.path();
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    if (path.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("store URL '%1': the path must be one database name").arg(shown);
        return false;
    }
    location.database = path;
    const QUrlQuery query(url);
    bool hasService = false;
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!knownOptions().contains(key)) {
            *error = QStringLiteral("store URL '%1': unknown option '%2' (known: %3)")
                         .arg(shown, key, knownOptions().join(QStringLiteral(", ")));
            return false;
        }
        if (!isPlainValue(value)) {
            *error = QStringLiteral("store URL '%1': option %2 has no value or an unusable one")
                         .arg(shown, key);
            return false;
        }
        hasService = hasService || key == QLatin1String("service");
        location.connectOptions << key + QLatin1Char('=') + value;
    }
    if (location.database.isEmpty() && !hasService) {
        *error = QStringLiteral("store URL '%1': no database name (postgresql://HOST/DBNAME, or"
                                " ?service=NAME)")
                     .arg(shown);
        return false;
    }
    *out = location;
    return true;
}

} // namespace kelly::store
