#include "StoreLocation.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>
#include <optional>

namespace kelly::store {

namespace {

// The libpq options a store URL may carry (SPEC 13 names sslmode, connect_timeout and
// service; the rest are what an SSL or multi-host setup needs).
const QStringList& knownOptions()
{
    static const QStringList options{
        QStringLiteral("sslmode"),
        QStringLiteral("connect_timeout"),
        QStringLiteral("service"),
        QStringLiteral("application_name"),
        QStringLiteral("sslrootcert"),
        QStringLiteral("sslcert"),
        QStringLiteral("sslkey"),
        QStringLiteral("target_session_attrs"),
        QStringLiteral("keepalives"),
        QStringLiteral("keepalives_idle"),
        QStringLiteral("keepalives_interval"),
        QStringLiteral("keepalives_count"),
        QStringLiteral("tcp_user_timeout"),
        QStringLiteral("options"),
        QStringLiteral("lock_timeout"),
        QStringLiteral("statement_timeout"),
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

// Issue 24: redaction must not trust the URL to be well formed. The user info runs from "//"
// to the LAST '@' (a password may hold '/', '?', '#' or '@'; cutting too much of a query
// that holds an '@' is safe), and a password given as a query option hides the rest.
QString withoutPassword(const QString& name)
{
    // Decoded first, so "pass%77ord=" is seen as what libpq would read.
    QString redacted = QUrl::fromPercentEncoding(name.toUtf8());
    static const QRegularExpression passwordOption(
        QStringLiteral("([?&;#]\\s*(?:ssl)?password\\s*=).*$"),
        QRegularExpression::CaseInsensitiveOption);
    redacted.replace(passwordOption, QStringLiteral("\\1***"));
    const qsizetype userInfoStart = redacted.indexOf(QLatin1String("://"));
    const qsizetype at = redacted.lastIndexOf(QLatin1Char('@'));
    if (userInfoStart < 0 || at < userInfoStart)
        return redacted;
    const qsizetype colon = redacted.indexOf(QLatin1Char(':'), userInfoStart + 3);
    if (colon >= 0 && colon < at)
        redacted.remove(colon, at - colon);
    return redacted;
}

// A password that breaks the URL apart (libpq, too, ends the user info at the first '/').
bool passwordNeedsEncoding(const QString& name)
{
    const qsizetype userInfoStart = name.indexOf(QLatin1String("://"));
    const qsizetype at = name.lastIndexOf(QLatin1Char('@'));
    if (userInfoStart < 0 || at < userInfoStart)
        return false;
    const QString userInfo = name.mid(userInfoStart + 3, at - userInfoStart - 3);
    return userInfo.contains(QLatin1Char(':')) &&
           (userInfo.contains(QLatin1Char('/')) || userInfo.contains(QLatin1Char('?')) ||
            userInfo.contains(QLatin1Char('#')) || userInfo.contains(QLatin1Char('@')));
}

// A KellyDesk timeout option: a whole number of ms, s or min (a bare number is ms, as
// PostgreSQL reads it), from 1 ms to 1 hour.
std::optional<int> parseTimeoutMs(const QString& value)
{
    static const QRegularExpression duration(QStringLiteral("^([0-9]{1,7})(ms|s|min)?$"));
    const QRegularExpressionMatch match = duration.match(value);
    if (!match.hasMatch())
        return std::nullopt;
    const QString unit = match.captured(2);
    const qint64 scale = unit == QLatin1String("min") ? 60000
                         : unit == QLatin1String("s") ? 1000
                                                      : 1;
    const qint64 ms = match.captured(1).toLongLong() * scale;
    if (ms < 1 || ms > 3600000)
        return std::nullopt;
    return static_cast<int>(ms);
}

} // namespace

bool isPostgresName(const QString& name)
{
    return name.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           name.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

QString redactStoreName(const QString& name)
{
    // Any URL, not only ours: "mysql://bot:pw@host/db" is refused by name too.
    return name.contains(QLatin1String("://")) ? withoutPassword(name) : name;
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
    if (passwordNeedsEncoding(name)) {
        *error = QStringLiteral("store URL '%1' is malformed: a password holding / ? # or @ must"
                                " be percent-encoded (%2F %3F %23 %40), or kept in PGPASSFILE")
                     .arg(shown);
        return false;
    }
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
    const QList<std::pair<QString, QString>> items = query.queryItems(QUrl::FullyDecoded);
    for (const auto& item : items)
        if (item.first.contains(QLatin1String("password"), Qt::CaseInsensitive)) {
            *error = QStringLiteral("store URL '%1': a password is not an option: put it in the"
                                    " URL (postgresql://USER:PASSWORD@HOST/DB) or in PGPASSFILE")
                         .arg(shown);
            return false;
        }
    // An option refused is named without the values: an unknown one may hold a secret.
    const QString withoutOptions = shown.section(QLatin1Char('?'), 0, 0);
    for (const auto& [key, value] : items) {
        if (!knownOptions().contains(key)) {
            *error = QStringLiteral("store URL '%1': unknown option '%2' (known: %3)")
                         .arg(withoutOptions, key, knownOptions().join(QStringLiteral(", ")));
            return false;
        }
        if (!isPlainValue(value)) {
            *error = QStringLiteral("store URL '%1': option %2 has no value or an unusable one")
                         .arg(withoutOptions, key);
            return false;
        }
        hasService = hasService || key == QLatin1String("service");
        if (key == QLatin1String("lock_timeout") || key == QLatin1String("statement_timeout")) {
            const std::optional<int> ms = parseTimeoutMs(value);
            if (!ms) {
                *error = QStringLiteral("store URL '%1': option %2 must be a duration from 1ms"
                                        " to 60min, such as 500ms, 5s or 2min")
                             .arg(withoutOptions, key);
                return false;
            }
            (key == QLatin1String("lock_timeout") ? location.lockTimeoutMs
                                                  : location.statementTimeoutMs) = *ms;
            continue; // set on the session (Dialect::sessionSettings), not a libpq option
        }
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
