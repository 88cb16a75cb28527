// The Store's internals shared by its translation units: prepared statements, the
// transaction scopes (issue 12: nesting into Store::beginRead's read snapshot), the retried
// logical change (SPEC 13) and the durable commits of controls.

#include "StoreImpl.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlField>
#include <QThread>
#include <cmath>

namespace kelly::store {

namespace {

// The native code (SQLite result code, PostgreSQL SQLSTATE) of the last failed statement on
// this thread (a connection is used by one thread only): withRetries decides on it.
thread_local QString t_lastFailureCode;
// The driver of the connection whose last statement found it gone: each connection is used
// by one thread, so a thread's note is enough.
thread_local const QSqlDriver* t_lostConnection = nullptr;

// The last statement this thread failed to prepare, and why: QPSQL runs it anyway (an
// EXECUTE without a name, a syntax error), which would hide the reason, e.g. a lock timeout.
thread_local QString t_unpreparedSql;
thread_local QString t_unpreparedError;
thread_local QString t_unpreparedCode;

bool failed(const QSqlQuery& query, const QString& sql, QString* error)
{
    if (!t_unpreparedSql.isEmpty() && sql == t_unpreparedSql) {
        t_lastFailureCode = t_unpreparedCode;
        *error = t_unpreparedError;
        t_unpreparedSql.clear(); // reported once: its next run is a new attempt
        return false;
    }
    t_lastFailureCode = query.lastError().nativeErrorCode();
    if (Dialect(Backend::Postgres).isConnectionLost(t_lastFailureCode))
        t_lostConnection = query.driver();
    *error = query.lastError().text().trimmed() + QStringLiteral(" [") + sql + QLatin1Char(']');
    // PostgreSQL names the CHECK that failed (check_violation); say what the rule asks.
    static const QRegularExpression constraint(QStringLiteral("constraint \"([a-z_0-9]+)\""));
    if (t_lastFailureCode == QLatin1String("23514"))
        if (const auto rule = ruleMessage(constraint.match(*error).captured(1)))
            *error = *rule + QStringLiteral(" (") + *error + QLatin1Char(')');
    return false;
}

// A failed prepare is noted, and reported when the statement runs.
bool prepareNoted(QSqlQuery& query, const QString& sql, QString* error)
{
    t_unpreparedSql.clear();
    if (query.prepare(sql))
        return true;
    failed(query, sql, error);
    t_unpreparedSql = sql;
    t_unpreparedError = *error;
    t_unpreparedCode = t_lastFailureCode;
    return false;
}

constexpr int kMaxTries = 5;

} // namespace

bool lastFailureWasLockTimeout()
{
    return t_lastFailureCode == QLatin1String("55P03"); // lock_not_available
}

void forgetLostConnection()
{
    t_lostConnection = nullptr;
}

bool Store::Impl::connectionLost() const
{
    return dialect.isPostgres() && t_lostConnection != nullptr &&
           t_lostConnection == database().driver();
}

std::optional<double> storedNumber(const QVariant& value)
{
    const int type = value.typeId();
    if (value.isNull() ||
        (type != QMetaType::Double && type != QMetaType::LongLong && type != QMetaType::Int))
        return std::nullopt;
    const double number = value.toDouble();
    return std::isfinite(number) ? std::optional<double>(number) : std::nullopt;
}

QSqlQuery& Store::Impl::cached(const QString& sql)
{
    std::unique_ptr<QSqlQuery>& slot = statements[sql];
    if (slot)
        return *slot;
    slot = std::make_unique<QSqlQuery>(database());
    QString error; // resurfaces, with its text, when `run` executes it
    if (prepareNoted(*slot, sql, &error))
        return *slot;
    unprepared = std::move(slot);
    statements.erase(sql);
    return *unprepared;
}

QSqlQuery Store::Impl::prepare(const QString& sql, QString* error)
{
    if (transactionDepth == 0 && connectionLost())
        reconnectAfterLoss(error); // a failure resurfaces when the statement runs
    QSqlQuery query(database());
    prepareNoted(query, sql, error);
    return query;
}

void Store::Impl::dropStatements()
{
    statements.clear();
    readStatements.clear();
    namedInserts.clear();
    unprepared.reset();
}

ReadStatement::ReadStatement(Store::Impl& impl, const QString& sql, QString* error) : m_impl(impl)
{
    if (impl.transactionDepth == 0 && impl.lentReads == 0 && impl.connectionLost())
        impl.reconnectAfterLoss(error); // a failure resurfaces when the statement runs
    ++impl.lentReads;
    Store::Impl::ReadSlot& slot = impl.readStatements[sql];
    const bool postgres = impl.dialect.isPostgres();
    if (slot.lent || (postgres && !slot.query && !slot.seen)) {
        slot.seen = true;
        m_query = &m_own.emplace(impl.database());
        if (postgres)
            m_unprepared = sql;
        else
            prepareNoted(*m_query, sql, error);
        return;
    }
    if (!slot.query) {
        auto query = std::make_unique<QSqlQuery>(impl.database());
        // Rows read once, in order: on SQLite Qt then keeps one row, not a copy of all of
        // them. (QPSQL would switch to single-row mode: a result per row, left as it was.)
        query->setForwardOnly(!postgres);
        if (!prepareNoted(*query, sql, error)) {
            // Not kept (a lock_timeout in PostgreSQL's parse): prepared again next time.
            impl.readStatements.erase(sql);
            m_query = &m_own.emplace(std::move(*query));
            return;
        }
        slot.query = std::move(query);
    }
    slot.lent = true;
    m_slot = &slot;
    m_query = slot.query.get();
}

ReadStatement::~ReadStatement()
{
    m_query->finish();
    if (m_slot)
        m_slot->lent = false;
    --m_impl.lentReads;
}

bool ReadStatement::run(QString* error)
{
    if (m_unprepared.isNull())
        return store::run(*m_query, error);
    const QVariantList values = m_query->boundValues();
    if (const std::optional<QString> sql = m_impl.withLiterals(m_unprepared, values))
        return m_query->exec(*sql) || failed(*m_query, m_unprepared, error);
    // A `?` inside a quoted text: prepared after all (a prepare forgets the bound values).
    prepareNoted(*m_query, m_unprepared, error);
    for (qsizetype column = 0; column < values.size(); ++column)
        m_query->bindValue(int(column), values[column]);
    m_unprepared = QString();
    return store::run(*m_query, error);
}

bool Store::Impl::execute(const QString& sql, QString* error)
{
    if (!dialect.isPostgres())
        return run(cached(sql), error);
    QSqlQuery query(database());
    return runDirect(query, sql, error);
}

bool Store::Impl::executeEach(const QString& sql, QString* error)
{
    QSqlQuery query(database());
    if (!runDirect(query, sql, error))
        return false;
    // A statement after the first reports its failure (a COMMIT's serialization failure)
    // only in its own result.
    while (query.nextResult()) {
    }
    return !query.lastError().isValid() || failed(query, sql, error);
}

bool Store::Impl::insertAlone(const QString& sql, const QVariantList& values, qint64* id,
                              QString* error, const Store::DecisionHook& inTransaction)
{
    const bool oneQuery = dialect.isPostgres() && !inTransaction && transactionDepth == 0 &&
                          sql.count(QLatin1Char('?')) == values.size();
    if (!oneQuery) {
        // Bound before the write lock is taken (issue 25: Qt spends ~2,000 instructions a
        // value), so other writers wait only for the insert and the commit.
        const auto bound = [&]() -> QSqlQuery& {
            QSqlQuery& insert = cached(sql);
            for (int column = 0; column < values.size(); ++column)
                insert.bindValue(column, values[column]);
            return insert;
        };
        QSqlQuery* insert = &bound();
        const qint64 generation = connectionGeneration;
        Transaction transaction(*this, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        if (connectionGeneration != generation) // BEGIN reconnected: a new statement
            insert = &bound();
        if (!run(*insert, error))
            return false;
        *id = insertedId(*insert); // also ends the RETURNING statement
        return (!inTransaction || inTransaction(*id, error)) && transaction.commit(error);
    }
    if (connectionLost() && !reconnectAfterLoss(error))
        return false;
    // The server's parse and plan of a 40-column INSERT were most of its time in the query
    // (~0.15 of ~0.3 ms): from its second use on the connection the insert is prepared
    // under a name of ours (a one-shot process inserts once: it prepares nothing), and the
    // query EXECUTEs it with the same literals.
    NamedInsert& named = namedInserts[sql];
    QString prepare;
    QString statement;
    if (!named.seen) {
        named.seen = true;
        statement = *withLiterals(sql, values);
    } else {
        if (!named.prepared) { // a new name each try: a failed one's PREPARE may have run
            named.name = QStringLiteral("kelly_insert_%1").arg(++namedInsertCount);
            QStringList pieces = sql.split(QLatin1Char('?'));
            for (qsizetype column = 1; column < pieces.size(); ++column)
                pieces[column].prepend(QLatin1Char('$') + QString::number(column));
            prepare = QStringLiteral("PREPARE ") + named.name + QStringLiteral(" AS ") +
                      pieces.join(QString()) + QStringLiteral("; ");
        }
        QStringList marks;
        marks.fill(QStringLiteral("?"), values.size());
        statement = *withLiterals(
            QStringLiteral("EXECUTE ") + named.name +
                (values.isEmpty()
                     ? QString()
                     : QStringLiteral(" (") + marks.join(QStringLiteral(", ")) + QLatin1Char(')')),
            values);
    }
    const std::optional<QString> notify = dialect.notifyOnCommit();
    const QString query = dialect.beginWrite() + QStringLiteral("; ") + prepare + statement +
                          QStringLiteral("; ") + notify.value_or(QString()) +
                          QStringLiteral("; COMMIT");
    // The results in order: BEGIN, the PREPARE if sent, the insert's row, NOTIFY, COMMIT.
    // After a failure the server skips the rest, leaving its transaction aborted: rolled
    // back here.
    QSqlQuery results(database());
    const bool inserted = runDirect(results, query, error) &&
                          (prepare.isEmpty() || results.nextResult()) && results.nextResult() &&
                          results.next();
    *id = inserted ? results.value(0).toLongLong() : 0;
    while (inserted && results.nextResult()) {
    }
    if (inserted && !results.lastError().isValid()) {
        named.prepared = named.prepared || !prepare.isEmpty();
        ++localCommits;
        return true;
    }
    if (results.lastError().isValid())
        failed(results, sql, error); // named by the statement, as a prepared one is
    else
        *error = QStringLiteral("the insert gave no id [") + sql + QLatin1Char(']');
    const QString code = t_lastFailureCode; // what withRetries decides on
    QString ignored;
    execute(QStringLiteral("ROLLBACK"), &ignored);
    t_lastFailureCode = code;
    return false;
}

std::optional<QString> Store::Impl::withLiterals(const QString& sql,
                                                 const QVariantList& values) const
{
    const QStringList pieces = sql.split(QLatin1Char('?'));
    if (pieces.size() != values.size() + 1)
        return std::nullopt;
    const QSqlDriver* driver = database().driver();
    QString statement = pieces.front();
    for (qsizetype column = 0; column < values.size(); ++column) {
        QSqlField field(QString(), values[column].metaType());
        field.setValue(values[column]);
        statement += driver->formatValue(field) + pieces[column + 1];
    }
    return statement;
}

bool runDirect(QSqlQuery& query, const QString& sql, QString* error)
{
    return query.exec(sql) || failed(query, sql, error);
}

bool run(QSqlQuery& query, QString* error)
{
    return query.exec() || failed(query, query.lastQuery(), error);
}

bool withRetries(Store::Impl& impl, QString* error, const std::function<bool(QString*)>& change)
{
    for (int attempt = 1;; ++attempt) {
        t_lastFailureCode.clear();
        if (change(error))
            return true;
        if (impl.transactionDepth > 0 || !impl.dialect.isRetryable(t_lastFailureCode)) {
            // A write that gave up on PostgreSQL's lock_timeout is busy, as a SQLite BEGIN
            // past busy_timeout is: a waiting dashboard write says so and tries again.
            if (impl.transactionDepth == 0 && lastFailureWasLockTimeout())
                impl.lastBeginBusy = true;
            return false;
        }
        if (attempt == kMaxTries) {
            *error = QStringLiteral("gave up after %1 tries (the store kept serializing other"
                                    " writers first; nothing was written): %2")
                         .arg(kMaxTries)
                         .arg(*error);
            return false;
        }
        // Random pauses growing with each try, so the writers that collided do not collide
        // again in step: up to 2, 4, 8, 16 ms.
        QThread::usleep(QRandomGenerator::global()->bounded(1000u << attempt));
    }
}

bool isFiniteOptional(const std::optional<double>& value)
{
    return !value || std::isfinite(*value);
}

Transaction::Transaction(Store::Impl& impl, Kind kind) : m_impl(impl), m_kind(kind) {}

Transaction::~Transaction()
{
    if (!m_open)
        return;
    --m_impl.transactionDepth;
    if (!m_nested) { // a nested one leaves the outcome to the outer transaction
        QString ignored;
        const QString code = t_lastFailureCode; // the failure that matters came before this
        m_impl.execute(QStringLiteral("ROLLBACK"), &ignored);
        t_lastFailureCode = code;
    }
}

bool Transaction::begin(QString* error)
{
    if (m_impl.connectionName.isEmpty()) {
        *error = QStringLiteral("the store is not open");
        return false;
    }
    if (m_impl.transactionDepth > 0) {
        // Inside Store::beginRead: reads join its snapshot; a write there is a bug.
        if (m_kind == Kind::Write && m_impl.readScope) {
            *error = QStringLiteral("store: a write inside a read snapshot");
            return false;
        }
        m_nested = true;
        m_open = true;
        ++m_impl.transactionDepth;
        return true;
    }
    const QString begin =
        m_kind == Kind::Write ? m_impl.dialect.beginWrite() : m_impl.dialect.beginRead();
    m_open = m_impl.execute(begin, error) ||
             (m_impl.reconnectAfterLoss(error) && m_impl.execute(begin, error));
    m_impl.lastBeginBusy = !m_open && !m_impl.dialect.isPostgres() &&
                           t_lastFailureCode == QLatin1String("5"); // SQLITE_BUSY
    if (m_open)
        ++m_impl.transactionDepth;
    return m_open;
}

bool Transaction::commit(QString* error)
{
    if (m_nested) {
        m_open = false;
        --m_impl.transactionDepth;
        return true;
    }
    // PostgreSQL: the NOTIFY and the COMMIT go as one query, one round trip (issue 25).
    const std::optional<QString> notify =
        m_kind == Kind::Write ? m_impl.dialect.notifyOnCommit() : std::nullopt;
    if (!(notify ? m_impl.executeEach(*notify + QStringLiteral("; COMMIT"), error)
                 : m_impl.execute(QStringLiteral("COMMIT"), error)))
        return false;
    m_open = false;
    --m_impl.transactionDepth;
    if (m_kind == Kind::Write)
        ++m_impl.localCommits;
    return true;
}

DurableCommits::DurableCommits(Store::Impl& impl) : m_impl(impl)
{
    QString ignored; // a failure leaves the everyday level: the write still commits
    m_impl.execute(m_impl.dialect.durableCommits(true), &ignored);
}

DurableCommits::~DurableCommits()
{
    QString ignored;
    m_impl.execute(m_impl.dialect.durableCommits(false), &ignored);
}

} // namespace kelly::store
