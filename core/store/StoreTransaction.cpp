// The Store's internals shared by its translation units: prepared statements, the
// transaction scopes (issue 12: nesting into Store::beginRead's read snapshot) and the
// durable commits of controls.

#include "StoreImpl.h"

#include <cmath>

namespace kelly::store {

namespace {

bool runCached(Store::Impl& impl, const QString& sql, QString* error)
{
    return run(impl.cached(sql), error);
}

} // namespace

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
    if (!slot) {
        slot = std::make_unique<QSqlQuery>(database());
        slot->prepare(sql); // a failure resurfaces, with its text, when `run` executes it
    }
    return *slot;
}

QSqlQuery Store::Impl::prepare(const QString& sql, QString* error) const
{
    QSqlQuery query(database());
    if (!query.prepare(sql))
        *error = query.lastError().text() + QStringLiteral(" [") + sql + QLatin1Char(']');
    return query;
}

bool run(QSqlQuery& query, QString* error)
{
    if (query.exec())
        return true;
    *error = query.lastError().text() + QStringLiteral(" [") + query.lastQuery() + QLatin1Char(']');
    return false;
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
        runCached(m_impl, QStringLiteral("ROLLBACK"), &ignored);
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
    QSqlQuery& begin = m_impl.cached(m_kind == Kind::Write ? QStringLiteral("BEGIN IMMEDIATE")
                                                           : QStringLiteral("BEGIN DEFERRED"));
    m_open = run(begin, error);
    m_impl.lastBeginBusy =
        !m_open && begin.lastError().nativeErrorCode() == QLatin1String("5"); // SQLITE_BUSY
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
    if (!runCached(m_impl, QStringLiteral("COMMIT"), error))
        return false;
    m_open = false;
    --m_impl.transactionDepth;
    if (m_kind == Kind::Write)
        ++m_impl.localCommits;
    return true;
}

DurableCommits::DurableCommits(Store::Impl& impl) : m_impl(impl)
{
    QString ignored; // a failure leaves NORMAL: the write still commits, as before
    runCached(m_impl, QStringLiteral("PRAGMA synchronous = FULL"), &ignored);
}

DurableCommits::~DurableCommits()
{
    QString ignored;
    runCached(m_impl, QStringLiteral("PRAGMA synchronous = NORMAL"), &ignored);
}

} // namespace kelly::store
