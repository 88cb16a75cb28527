// Issue 24: a halt lands within a second however busy the store is (core/store/README.md).
// The halt marker is written without the lock every settings writer takes, and every
// effectiveSettings reads a raised marker as halt. SQLite keeps it in NAME.halt beside the
// store file (SQLite's write lock is not fair: a greedy writer starves a waiting halt);
// PostgreSQL in the mode's audit row, appended without the settings table lock.

#include "Store.h"
#include "StoreImpl.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace kelly::store {

namespace {

const QString& haltText()
{
    static const QString text = QString::fromLatin1(sizingModeName(SizingMode::Halt));
    return text;
}

QString markerPath(const Store::Impl& impl)
{
    const QFileInfo store(impl.path);
    return store.absoluteDir().filePath(store.completeBaseName() + QStringLiteral(".halt"));
}

// PostgreSQL's marker: the mode's newest audit row (the mode's key bound on its `?`).
const QString kNewestModeRow =
    QStringLiteral("SELECT new_value FROM settings_audit WHERE key = ? ORDER BY id DESC LIMIT 1");

// PostgreSQL: the newest mode audit row says halt (a halt asked for whose stored write may
// still wait for the settings lock; resume appends the row that ends it).
bool newestModeRowIsHalt(Store::Impl& impl, bool* halt, QString* error)
{
    ReadStatement queryRead(impl, kNewestModeRow, error);
    QSqlQuery& query = *queryRead;
    query.bindValue(0, settingSpec(SettingKey::Mode).name);
    if (!run(queryRead, error))
        return false;
    *halt = query.next() && isHaltModeRow(query.value(0).toString());
    return true;
}

} // namespace

std::optional<QString> haltMarkerRowQuery(const Store::Impl& impl)
{
    if (!impl.dialect.isPostgres())
        return std::nullopt; // a file beside the store
    return kNewestModeRow;
}

bool isHaltModeRow(const QString& newValue)
{
    return newValue == haltText();
}

bool haltMarkerRaised(Store::Impl& impl, bool* raised, QString* error)
{
    if (impl.dialect.isPostgres())
        return newestModeRowIsHalt(impl, raised, error);
    *raised = QFileInfo::exists(markerPath(impl));
    return true;
}

bool lowerHaltMarker(Store::Impl& impl, QString* error)
{
    if (impl.dialect.isPostgres())
        return true; // the resume's audit row ends it
    QFile marker(markerPath(impl));
    if (!marker.exists() || marker.remove())
        return true;
    *error = marker.fileName() + QStringLiteral(": cannot remove the halt marker: ") +
             marker.errorString();
    return false;
}

QString Store::haltMarkerPath() const
{
    return m_impl->dialect.isPostgres() ? QString() : markerPath(*m_impl);
}

bool Store::haltMarkerRaised(bool* raised, QString* error) const
{
    return store::haltMarkerRaised(*m_impl, raised, error);
}

bool Store::raiseHaltMarker(SettingOrigin origin, UtcTime now, QString* error)
{
    if (!m_impl->dialect.isPostgres()) {
        // Written whole then renamed into place: a sizer sees all of it or nothing.
        QSaveFile marker(markerPath(*m_impl));
        const QByteArray text = (QStringLiteral("halt ") + isoUtc(now) + QLatin1Char(' ') +
                                 settingOriginName(origin) + QLatin1Char('\n'))
                                    .toUtf8();
        if (marker.open(QIODevice::WriteOnly) && marker.write(text) == text.size() &&
            marker.commit())
            return true;
        *error = marker.fileName() + QStringLiteral(": cannot write the halt marker: ") +
                 marker.errorString();
        return false;
    }
    // The audit row first, in a transaction of its own that takes no settings lock; the
    // stored mode follows (writeSetting) without a second row.
    const QString modeKey = settingSpec(SettingKey::Mode).name;
    return withRetries(*m_impl, error, [&](QString* error) {
        DurableCommits durable(*m_impl);
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        bool alreadyHalt = false;
        if (!newestModeRowIsHalt(*m_impl, &alreadyHalt, error))
            return false;
        QString stored;
        if (!alreadyHalt && !readSetting(SettingKey::Mode, &stored, error))
            return false;
        if (alreadyHalt || stored == haltText())
            return transaction.commit(error);
        QSqlQuery audit = m_impl->prepare(
            QStringLiteral("INSERT INTO settings_audit (changed_at, key, old_value, new_value,"
                           " origin, detail) VALUES (?, ?, ?, ?, ?, NULL)"),
            error);
        audit.addBindValue(isoUtc(now));
        audit.addBindValue(modeKey);
        audit.addBindValue(stored);
        audit.addBindValue(haltText());
        audit.addBindValue(settingOriginName(origin));
        return run(audit, error) && transaction.commit(error);
    });
}

} // namespace kelly::store
