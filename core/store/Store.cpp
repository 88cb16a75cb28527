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
#ifdef KELLY_STORE_HAS_SQLITE3
#include <sqlite3.h>
#endif

#include <algorithm>
#include <atomic>
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

// Each kellyctl process is usually the store's only connection, and SQLite checkpoints the
// WAL when the last connection closes: four fsyncs per call. Off, the WAL is checkpointed
// by the autocheckpoint of later commits instead (same durability, amortised cost), and
// Store::close truncates it once it is past the autocheckpoint size.
void skipCheckpointOnClose([[maybe_unused]] const QSqlDatabase& db)
{
#ifdef KELLY_STORE_HAS_SQLITE3
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        if (sqlite3* connection = *static_cast<sqlite3* const*>(handle.constData()))
            sqlite3_db_config(connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
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

bool validatePosition(const Position& p, QString* error)
{
    if (!isValidSymbol(p.symbol)) {
        *error =
            QStringLiteral("symbol: '%1' is not a symbol").arg(QString::fromStdString(p.symbol));
        return false;
    }
    if (!std::isfinite(p.qty)) {
        *error = QStringLiteral("qty: must be a finite number");
        return false;
    }
    if (!std::isfinite(p.lastPriceUsd) || p.lastPriceUsd <= 0.0) {
        *error = QStringLiteral("price: must be a finite number > 0");
        return false;
    }
    if (!std::isfinite(p.avgEntryUsd) || p.avgEntryUsd < 0.0 || p.avgEntryUsd > kMaxStoredUsd) {
        *error = QStringLiteral("avg_entry: must be a finite number >= 0 and <= 1e15");
        return false;
    }
    // Issue 12 item 7: qty 1e200 at 1e200 is finite each but not as a market value; the
    // gross and leverage of every later call would be inf.
    if (!(std::abs(p.qty * p.lastPriceUsd) <= kMaxStoredUsd)) {
        *error = QStringLiteral("qty x price: the market value must be at most 1e15 USD");
        return false;
    }
    return true;
}

// The stored row as the store validates it: a symbol stored in normalised form, numbers
// that SQLite holds as numbers (text that did not convert is never read as 0, item 2).
std::optional<Position> readPositionRow(const QSqlQuery& query, StoreProblem* problem)
{
    const QString stored = query.value(0).toString();
    *problem = StoreProblem{QStringLiteral("positions"), stored, QString()};
    const std::string symbol = stored.toStdString();
    if (!isValidSymbol(symbol)) {
        const std::string normalized = normalizeSymbol(symbol);
        problem->why = isValidSymbol(normalized)
                           ? QStringLiteral("symbol: not normalised (%1); remove it with"
                                            " 'kellyctl position rm' and set it again")
                                 .arg(QString::fromStdString(normalized))
                           : QStringLiteral("symbol: not a symbol");
        return std::nullopt;
    }
    const std::optional<double> qty = storedNumber(query.value(1));
    const std::optional<double> price = storedNumber(query.value(2));
    const std::optional<double> entry = storedNumber(query.value(3));
    if (!qty || !price || !entry) {
        problem->why = QStringLiteral("%1: '%2' is not a number")
                           .arg(!qty     ? QStringLiteral("qty")
                                : !price ? QStringLiteral("last_price_usd")
                                         : QStringLiteral("avg_entry_usd"),
                                printable(query.value(!qty     ? 1
                                                      : !price ? 2
                                                               : 3)
                                              .toString()));
        return std::nullopt;
    }
    Position position{symbol, *qty, *price, *entry};
    if (!validatePosition(position, &problem->why))
        return std::nullopt;
    if (position.qty == 0.0) {
        problem->why = QStringLiteral("qty: 0");
        return std::nullopt;
    }
    return position;
}

bool upsertPosition(Store::Impl& impl, const Position& p, bool keepStoredEntry, UtcTime now,
                    QString* error)
{
    if (p.qty == 0.0) {
        QSqlQuery& remove = impl.cached(QStringLiteral("DELETE FROM positions WHERE symbol = ?"));
        remove.bindValue(0, QString::fromStdString(p.symbol));
        return run(remove, error);
    }
    QSqlQuery& upsert = impl.cached(
        QStringLiteral("INSERT INTO positions (symbol, qty, avg_entry_usd, last_price_usd,"
                       " updated_at) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty,"
                       " avg_entry_usd = CASE WHEN ? THEN positions.avg_entry_usd"
                       "  ELSE excluded.avg_entry_usd END,"
                       " last_price_usd = excluded.last_price_usd,"
                       " updated_at = excluded.updated_at"));
    upsert.bindValue(0, QString::fromStdString(p.symbol));
    upsert.bindValue(1, p.qty);
    upsert.bindValue(2, p.avgEntryUsd);
    upsert.bindValue(3, p.lastPriceUsd);
    upsert.bindValue(4, isoUtc(now));
    upsert.bindValue(5, keepStoredEntry);
    return run(upsert, error);
}

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

QString isoUtc(UtcTime time)
{
    return toQDateTime(time).toString(Qt::ISODate);
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
        skipCheckpointOnClose(db);
        return true;
    }
    for (const QString& timeout :
         dialect.sessionTimeouts(location.lockTimeoutMs, location.statementTimeoutMs))
        if (!execute(timeout, error))
            return false;
    return execute(dialect.durableCommits(false), error) && (!onChange || subscribe(error));
}

bool Store::Impl::reconnectAfterLoss(QString* error)
{
    if (transactionDepth > 0 || !connectionLost())
        return false;
    statements.clear();
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
    m_impl->statements.clear();
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

// --- account and positions --------------------------------------------------------------

bool Store::loadAccount(AccountRecord* out, QString* error) const
{
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    AccountRecord record;
    QSqlQuery account = m_impl->prepare(
        QStringLiteral("SELECT equity_usd, buying_power_usd, updated_at FROM account"
                       " WHERE id = 1"),
        error);
    if (!run(account, error))
        return false;
    if (account.next()) {
        // Bots may write the schema directly: text that did not convert, or an infinity
        // (SQLite stores one), must never reach the sizer as 0 or inf (issue 12 item 2).
        const std::optional<double> equity = storedNumber(account.value(0));
        const std::optional<double> buyingPower = storedNumber(account.value(1));
        if (!equity || !buyingPower) {
            *error = QStringLiteral("store: account.%1 holds '%2', not a finite number")
                         .arg(!equity ? QStringLiteral("equity_usd")
                                      : QStringLiteral("buying_power_usd"),
                              printable(account.value(!equity ? 0 : 1).toString()));
            return false;
        }
        record.account.equityUsd = *equity;
        record.account.buyingPowerUsd = *buyingPower;
        record.updatedAt = parseIsoUtc(account.value(2).toString());
    }
    account.finish();
    QSqlQuery positions = m_impl->prepare(
        QStringLiteral("SELECT symbol, qty, last_price_usd, avg_entry_usd FROM positions"
                       " ORDER BY symbol"),
        error);
    if (!run(positions, error))
        return false;
    while (positions.next()) {
        StoreProblem problem;
        if (std::optional<Position> position = readPositionRow(positions, &problem))
            record.account.positions.push_back(std::move(*position));
        else
            record.problems.push_back(std::move(problem));
    }
    positions.finish();
    if (!transaction.commit(error))
        return false;
    *out = std::move(record);
    return true;
}

bool Store::setAccount(double equityUsd, double buyingPowerUsd, UtcTime now, QString* error)
{
    return updateAccount(equityUsd, buyingPowerUsd, now, error);
}

bool Store::updateAccount(std::optional<double> equityUsd, std::optional<double> buyingPowerUsd,
                          UtcTime now, QString* error, std::optional<SettingOrigin> auditAs)
{
    // SPEC 2.2: a negative equity is a state sizing knows ("no equity"), not bad input.
    if (equityUsd && !(std::abs(*equityUsd) <= kMaxStoredUsd)) {
        *error = QStringLiteral("equity: must be a finite number within +-1e15");
        return false;
    }
    if (buyingPowerUsd && !(*buyingPowerUsd >= 0.0 && *buyingPowerUsd <= kMaxStoredUsd)) {
        *error = QStringLiteral("buying_power: must be a finite number >= 0 and <= 1e15");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery upsert = m_impl->prepare(
            QStringLiteral("INSERT INTO account (id, equity_usd, buying_power_usd, updated_at)"
                           " VALUES (1, coalesce(?, 0.0), coalesce(?, 0.0), ?)"
                           " ON CONFLICT (id) DO UPDATE SET"
                           " equity_usd = coalesce(?, account.equity_usd),"
                           " buying_power_usd = coalesce(?, account.buying_power_usd),"
                           " updated_at = excluded.updated_at"),
            error);
        upsert.addBindValue(optionalValue(equityUsd));
        upsert.addBindValue(optionalValue(buyingPowerUsd));
        upsert.addBindValue(isoUtc(now));
        upsert.addBindValue(optionalValue(equityUsd));
        upsert.addBindValue(optionalValue(buyingPowerUsd));
        return run(upsert, error) &&
               (!equityUsd || !auditAs ||
                auditEquitySet(*m_impl, *equityUsd, now, *auditAs, error)) &&
               transaction.commit(error);
    });
}

bool Store::setPosition(const Position& position, UtcTime now, QString* error)
{
    return setPositions({position}, false, now, error);
}

bool Store::setPosition(const Position& position, bool keepStoredEntry, UtcTime now, QString* error)
{
    Position normalized = position;
    normalized.symbol = normalizeSymbol(position.symbol);
    if (!validatePosition(normalized, error))
        return false;
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        return transaction.begin(error) &&
               upsertPosition(*m_impl, normalized, keepStoredEntry, now, error) &&
               transaction.commit(error);
    });
}

bool Store::setPositions(const std::vector<Position>& positions, bool replaceAll, UtcTime now,
                         QString* error)
{
    std::vector<Position> normalized = positions;
    for (Position& p : normalized) {
        p.symbol = normalizeSymbol(p.symbol);
        if (!validatePosition(p, error))
            return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        if (replaceAll && !runSql(*m_impl, QStringLiteral("DELETE FROM positions"), error))
            return false;
        for (const Position& p : normalized)
            if (!upsertPosition(*m_impl, p, false, now, error))
                return false;
        return transaction.commit(error);
    });
}

bool Store::removePosition(const QString& symbol, bool* found, QString* error)
{
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery remove =
            m_impl->prepare(QStringLiteral("DELETE FROM positions WHERE symbol IN (?, ?)"), error);
        remove.addBindValue(QString::fromStdString(normalizeSymbol(symbol.toStdString())));
        remove.addBindValue(symbol);
        if (!run(remove, error))
            return false;
        *found = remove.numRowsAffected() > 0;
        return transaction.commit(error);
    });
}

bool Store::markPrice(const QString& symbol, double priceUsd, UtcTime now, bool* found,
                      QString* error)
{
    if (!std::isfinite(priceUsd) || priceUsd <= 0.0) {
        *error = QStringLiteral("price: must be a finite number > 0");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        const QString normalized = QString::fromStdString(normalizeSymbol(symbol.toStdString()));
        if (!addMarkToEquity(*m_impl, normalized, priceUsd, error))
            return false;
        QSqlQuery update =
            m_impl->prepare(QStringLiteral("UPDATE positions SET last_price_usd = ?, updated_at = ?"
                                           " WHERE symbol = ?"),
                            error);
        update.addBindValue(priceUsd);
        update.addBindValue(isoUtc(now));
        update.addBindValue(normalized);
        if (!run(update, error))
            return false;
        *found = update.numRowsAffected() > 0;
        return transaction.commit(error);
    });
}

} // namespace kelly::store
