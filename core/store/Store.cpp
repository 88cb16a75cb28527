#include "Store.h"

#include "StoreImpl.h"
#include "common/Text.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QStandardPaths>
#include <QThread>
#ifdef KELLY_STORE_HAS_SQLITE3
#include <sqlite3.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

namespace kelly::store {

namespace {

constexpr int kBusyTimeoutMs = 5000;
const QByteArray kSqliteMagic("SQLite format 3\0", 16);

QString newConnectionName()
{
    static std::atomic<qint64> counter{0};
    return QStringLiteral("kellystore-%1").arg(counter.fetch_add(1));
}

// A file that exists must start with SQLite's magic: opening anything else through the
// driver could write a journal beside it or a header into it (issue 3: refuse, untouched).
bool checkIsSqliteOrAbsent(const QString& path, QString* error)
{
    QFileInfo info(path);
    if (!info.exists())
        return true;
    if (!info.isFile()) {
        *error = path + QStringLiteral(": not a regular file");
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": cannot read: ") + file.errorString();
        return false;
    }
    const QByteArray head = file.read(kSqliteMagic.size());
    if (!head.isEmpty() && head != kSqliteMagic) {
        *error = path + QStringLiteral(": not a SQLite database; refusing to open it");
        return false;
    }
    return true;
}

bool runSql(Store::Impl& impl, const QString& sql, QString* error)
{
    QSqlQuery query = impl.prepare(sql, error);
    return run(query, error);
}

constexpr qint64 kWalTruncateBytes = 4 * 1024 * 1024;

#ifdef KELLY_STORE_HAS_SQLITE3
// Issue 25: SQLite's own busy handler sleeps 1, 2, 5, 10, 15... ms between tries, so behind
// a commit that holds the write lock for a fraction of a millisecond another writer (four
// serve processes) waited whole milliseconds. This one tries again after 25 us, 50 us, ...
// up to 1 ms apart, and still gives up after kBusyTimeoutMs (then SQLITE_BUSY, as before).
thread_local std::chrono::steady_clock::time_point t_busySince;

int retrySoon(void*, int tries)
{
    const auto now = std::chrono::steady_clock::now();
    if (tries == 0)
        t_busySince = now;
    if (now - t_busySince >= std::chrono::milliseconds(kBusyTimeoutMs))
        return 0;
    QThread::usleep(std::min(1000, 25 * (tries + 1)));
    return 1;
}
#endif

// Each kellyctl process is usually the store's only connection, and SQLite checkpoints the
// WAL when the last connection closes: four fsyncs per call. Off, the WAL is checkpointed
// by the autocheckpoint of later commits instead (same durability, amortised cost), and
// Store::close truncates it once it is past the autocheckpoint size.
void configureSqliteConnection([[maybe_unused]] const QSqlDatabase& db)
{
#ifdef KELLY_STORE_HAS_SQLITE3
    if (sqlite3* connection = sqliteConnection(db)) {
        sqlite3_db_config(connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        sqlite3_busy_handler(connection, retrySoon, nullptr); // replaces busy_timeout's
    }
#endif
}

// WAL lets the dashboard read while the bot writes. synchronous=NORMAL in WAL keeps every
// committed transaction across a process crash (SIGKILL); only a power loss can drop the
// last commits, the price of >= 5,000 single-update transactions per second.
bool configureSqlite(Store::Impl& impl, QString* error)
{
    QSqlQuery journal = impl.prepare(QStringLiteral("PRAGMA journal_mode = WAL"), error);
    const bool wal =
        run(journal, error) && journal.next() &&
        journal.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) == 0;
    journal.finish();
    if (!wal) {
        if (error->isEmpty())
            *error = QStringLiteral("cannot switch to WAL journal mode");
        return false;
    }
    // Debian builds SQLite with secure_delete on, which zeroes every freed page: pruning a
    // 2 MB correlation build would write 2 MB more. FAST zeroes only what costs no extra
    // I/O; nothing in the store is secret from whoever can read the file.
    return runSql(impl, impl.dialect.durableCommits(false), error) &&
           runSql(impl, QStringLiteral("PRAGMA secure_delete = FAST"), error) &&
           runSql(impl, QStringLiteral("PRAGMA foreign_keys = ON"), error);
}

// The URL's options, plus the defaults a desk needs: a bounded wait for an unreachable
// server (libpq waits for ever), TCP keepalives and a send timeout so a server that died or
// a cable pulled is an error within about 10 s instead of a hang (issue 24 item 5; a Unix
// socket ignores them), and the program's name in pg_stat_activity.
QStringList postgresOptions(const StoreLocation& location)
{
    QStringList options = location.connectOptions;
    const auto has = [&](const QString& key) {
        return std::any_of(options.cbegin(), options.cend(), [&](const QString& option) {
            return option.startsWith(key + QLatin1Char('='));
        });
    };
    for (const char* option :
         {"connect_timeout=10", "keepalives=1", "keepalives_idle=5", "keepalives_interval=2",
          "keepalives_count=3", "tcp_user_timeout=10000"})
        if (!has(QString::fromLatin1(option).section(QLatin1Char('='), 0, 0)))
            options << QString::fromLatin1(option);
    if (!has(QStringLiteral("application_name")) && !QCoreApplication::applicationName().isEmpty())
        options << QStringLiteral("application_name=") +
                       QCoreApplication::applicationName().remove(
                           QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")));
    return options;
}

// libpq's messages do not quote the password; this makes sure of it.
QString withoutSecret(QString text, const QString& secret)
{
    if (!secret.isEmpty())
        text.replace(secret, QStringLiteral("***"));
    return text;
}

} // namespace

QString resolveStorePath(const QString& dbOption, const QString& environmentDb)
{
    if (!dbOption.isEmpty())
        return dbOption;
    if (!environmentDb.isEmpty())
        return environmentDb;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/KellyDesk/kellydesk.sqlite");
}

// --- time -------------------------------------------------------------------------------

QString printable(const QString& text)
{
    return QString::fromStdString(kelly::printable(text.toStdString()));
}

// Issue 25: a recorded serve request stamps 7 times (the decision, its log line, the
// retention cutoffs, the guard's and the threshold's windows); QDateTime's formatting was
// ~12,000 instructions a stamp, 6% of the request. Years 1-9999 are formatted here, the
// same text as Qt::ISODate; any other year goes through Qt as before.
QString isoUtc(UtcTime time)
{
    using namespace std::chrono;
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const int year = static_cast<int>(date.year());
    if (year < 1 || year > 9999)
        return toQDateTime(time).toString(Qt::ISODate);
    const hh_mm_ss clock{time - day};
    char text[] = "0000-00-00T00:00:00Z";
    const auto put = [&text](int at, unsigned value, int digits) {
        for (int i = at + digits - 1; i >= at; --i, value /= 10)
            text[i] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(year), 4);
    put(5, static_cast<unsigned>(date.month()), 2);
    put(8, static_cast<unsigned>(date.day()), 2);
    put(11, static_cast<unsigned>(clock.hours().count()), 2);
    put(14, static_cast<unsigned>(clock.minutes().count()), 2);
    put(17, static_cast<unsigned>(clock.seconds().count()), 2);
    return QString::fromLatin1(text, sizeof text - 1);
}

std::optional<UtcTime> parseIsoUtc(const QString& text)
{
    QDateTime parsed = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        return std::nullopt;
    if (parsed.timeSpec() == Qt::LocalTime) // no offset given: the store speaks UTC
        parsed.setTimeSpec(Qt::UTC);
    return fromQDateTime(parsed);
}

QDateTime toQDateTime(UtcTime time)
{
    return QDateTime::fromSecsSinceEpoch(time.time_since_epoch().count(), Qt::UTC);
}

UtcTime fromQDateTime(const QDateTime& time)
{
    return UtcTime(std::chrono::seconds(time.toSecsSinceEpoch()));
}

QString StoreProblem::describe() const
{
    return QStringLiteral("%1 row '%2': %3").arg(table, printable(key), why);
}

// --- open / close -----------------------------------------------------------------------

Store::Store() : m_impl(new Impl) {}

Store::~Store()
{
    close();
    delete m_impl;
}

bool Store::open(const QString& name, QString* error, bool mustExist)
{
    close();
    if (name.isEmpty()) {
        *error = QStringLiteral("db: no store path given");
        return false;
    }
    m_impl->openFailure = OpenFailure::BadName;
    StoreLocation location;
    if (!parseStoreName(name, &location, error))
        return false;
    m_impl->openFailure = OpenFailure::Other;
    const QString notThere = QStringLiteral("%1: no store here; run 'kellyctl --db %1 init' first")
                                 .arg(redactStoreName(name));
    if (location.backend == Backend::Sqlite) {
        if (mustExist && !QFileInfo::exists(name)) {
            *error = notThere;
            return false;
        }
        if (!checkIsSqliteOrAbsent(name, error))
            return false;
        const QFileInfo info(name);
        if (!QDir().mkpath(info.absolutePath())) {
            *error = info.absolutePath() + QStringLiteral(": cannot create the folder");
            return false;
        }
        location.sqlitePath = info.absoluteFilePath();
    }
    m_impl->location = location;
    m_impl->dialect = Dialect(location.backend);
    m_impl->path = location.backend == Backend::Sqlite ? location.sqlitePath : name;
    m_impl->connectionName = newConnectionName();
    if (!m_impl->connect(error)) {
        close();
        return false;
    }
    const QString shown = location.displayName();
    // Check the store before anything writes: switching to WAL rewrites the header.
    int version = 0;
    if (!checkSchemaOpenable(*m_impl, &version, error)) {
        *error = shown + QStringLiteral(": ") + *error;
        close();
        return false;
    }
    if (mustExist && version == 0 && location.backend == Backend::Postgres) {
        *error = notThere;
        close();
        return false;
    }
    if ((location.backend == Backend::Sqlite && !configureSqlite(*m_impl, error)) ||
        !migrateSchema(*m_impl, version, error)) {
        *error = shown + QStringLiteral(": ") + *error;
        close();
        return false;
    }
    return true;
}

bool Store::Impl::connect(QString* error)
{
    const QString shown = location.displayName();
    QSqlDatabase db = QSqlDatabase::contains(connectionName)
                          ? QSqlDatabase::database(connectionName, false)
                          : QSqlDatabase::addDatabase(dialect.driverName(), connectionName);
    if (!db.isValid()) {
        *error = dialect.isPostgres()
                     ? QStringLiteral("the Qt PostgreSQL driver (QPSQL) is not available:"
                                      " install libqt6sql6-psql")
                     : QStringLiteral("the Qt SQLite driver (QSQLITE) is not available");
        return false;
    }
    if (dialect.isPostgres()) {
        db.setHostName(location.host);
        db.setPort(location.port);
        db.setDatabaseName(location.database);
        db.setUserName(location.user);
        db.setPassword(location.password);
        db.setConnectOptions(postgresOptions(location).join(QLatin1Char(';')));
    } else {
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    }
    if (!db.open()) {
        // libpq reports a refused login without a SQLSTATE; the server's words are these.
        const QString text = db.lastError().databaseText();
        if (text.contains(QLatin1String("authentication failed")) ||
            text.contains(QLatin1String("no password supplied")))
            openFailure = OpenFailure::Credentials;
        *error = shown + QStringLiteral(": cannot open: ") +
                 withoutSecret(db.lastError().databaseText().trimmed().replace(QLatin1Char('\n'),
                                                                               QLatin1Char(' ')),
                               location.password);
        return false;
    }
    if (!dialect.isPostgres()) {
        configureSqliteConnection(db);
        return true;
    }
    const std::optional<QString> session =
        dialect.sessionSettings(location.lockTimeoutMs, location.statementTimeoutMs);
    return (!session || execute(*session, error)) && (!onChange || subscribe(error));
}

bool Store::Impl::reconnectAfterLoss(QString* error)
{
    if (transactionDepth > 0 || lentReads > 0 || !connectionLost())
        return false;
    dropStatements();
    database().close();
    if (!connect(error))
        return false;
    ++connectionGeneration;
    forgetLostConnection();
    return true;
}

void Store::close()
{
    if (m_impl->connectionName.isEmpty())
        return;
    endRead();
#ifdef KELLY_STORE_HAS_SQLITE3
    m_impl->checkpointer.reset(); // before the connection it hooks into goes
#endif
    // A WAL left behind by the last connection is recovered by the next one as if none of
    // it were checkpointed, so it never restarts: each one-write kellyctl process would
    // append to it for ever and every later commit would copy all of it back. Truncating it
    // once it passes the autocheckpoint size (~1,000 pages) keeps it bounded; the commit's
    // autocheckpoint has already copied its pages, so this costs little. Busy (a reader on
    // an older snapshot) is fine: that reader keeps the WAL's index alive.
    if (!m_impl->dialect.isPostgres() &&
        QFileInfo(m_impl->path + QStringLiteral("-wal")).size() > kWalTruncateBytes) {
        QString ignored;
        QSqlQuery truncate =
            m_impl->prepare(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), &ignored);
        run(truncate, &ignored);
        truncate.finish();
    }
    {
        QSqlDatabase db = m_impl->database();
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_impl->connectionName);
    // Dropped once their driver is gone: closing the session frees PostgreSQL's prepared
    // statements, where dropping them first would DEALLOCATE each (a round trip apiece).
    m_impl->dropStatements();
    m_impl->connectionName.clear();
    m_impl->version = 0;
    m_impl->onChange = nullptr;
}

Store::OpenFailure Store::lastOpenFailure() const
{
    return isOpen() ? OpenFailure::None : m_impl->openFailure;
}

bool Store::isOpen() const
{
    return !m_impl->connectionName.isEmpty();
}

QString Store::path() const
{
    return m_impl->path;
}

int Store::schemaVersion() const
{
    return m_impl->version;
}

QString Store::displayName() const
{
    return m_impl->location.displayName();
}

bool Store::isPostgres() const
{
    return m_impl->dialect.isPostgres();
}

QString Store::sizingLogPath() const
{
    if (m_impl->dialect.isPostgres()) {
        // No file beside a server's store: each machine keeps its log in its own app-data
        // folder, named after the database and server.
        const StoreLocation& at = m_impl->location;
        QString name = (at.database.isEmpty() ? QStringLiteral("service") : at.database) +
                       QLatin1Char('@') + (at.host.isEmpty() ? QStringLiteral("local") : at.host);
        name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.@-]")), QStringLiteral("_"));
        return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
               QStringLiteral("/KellyDesk/") + name + QStringLiteral(".sizing.log");
    }
    const QFileInfo store(m_impl->path);
    return store.absoluteDir().filePath(store.completeBaseName() + QStringLiteral(".sizing.log"));
}

bool Store::checkpointInBackground(QString* error)
{
#ifdef KELLY_STORE_HAS_SQLITE3
    if (m_impl->checkpointer)
        return true;
    if (sqlite3* writer = isOpen() ? sqliteConnection(m_impl->database()) : nullptr) {
        m_impl->checkpointer = WalCheckpointer::start(writer, m_impl->path, error);
        return m_impl->checkpointer != nullptr;
    }
#endif
    *error = QStringLiteral("checkpoints in the background: only for an open SQLite store"
                            " (built with sqlite3.h)");
    return false;
}

bool Store::listenForChanges(std::function<void()> onChange, QString* error)
{
    if (!m_impl->dialect.isPostgres()) {
        *error = QStringLiteral("a SQLite store does not push changes: poll its change stamp");
        return false;
    }
    m_impl->onChange = std::move(onChange);
    return m_impl->subscribe(error);
}

bool Store::Impl::subscribe(QString* error)
{
    QSqlDriver* driver = database().driver();
    if (!notificationsConnected) {
        // The driver lives as long as the connection name, across a reconnect.
        QObject::connect(driver, &QSqlDriver::notification, driver,
                         [this](const QString&, QSqlDriver::NotificationSource, const QVariant&) {
                             if (onChange)
                                 onChange();
                         });
        notificationsConnected = true;
    }
    if (!driver->subscribeToNotification(QLatin1String(Dialect::kChangeChannel))) {
        *error = location.displayName() + QStringLiteral(": cannot LISTEN: ") +
                 driver->lastError().text().trimmed();
        return false;
    }
    return true;
}

bool Store::lastWriteWasBusy() const
{
    return m_impl->lastBeginBusy;
}

bool Store::beginRead(QString* error)
{
    endRead();
    auto scope = std::make_unique<Transaction>(*m_impl, Transaction::Kind::Read);
    if (!scope->begin(error))
        return false;
    m_impl->readScope = std::move(scope);
    return true;
}

void Store::endRead()
{
    if (!m_impl->readScope)
        return;
    QString ignored; // a read-only transaction has nothing to lose: a failed commit rolls back
    m_impl->readScope->commit(&ignored);
    m_impl->readScope.reset();
}

#ifdef KELLY_STORE_HAS_SQLITE3
sqlite3* sqliteConnection(const QSqlDatabase& db)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

RawSqliteInsert::RawSqliteInsert(sqlite3* connection, const char* sql)
    : m_connection(connection),
      m_code(sqlite3_prepare_v2(connection, sql, -1, &m_statement, nullptr))
{}

RawSqliteInsert::~RawSqliteInsert()
{
    sqlite3_finalize(m_statement);
}

void RawSqliteInsert::insertRow()
{
    if (!ok())
        return;
    m_code = sqlite3_step(m_statement);
    if (m_code == SQLITE_DONE)
        m_code = sqlite3_reset(m_statement);
}

bool RawSqliteInsert::finish(const QString& what, QString* error) const
{
    if (ok())
        return true;
    *error =
        QStringLiteral("%1 failed: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(m_connection)));
    return false;
}
#endif

} // namespace kelly::store
