#include "DeskStateLoader.h"

#include <QFile>
#include <utility>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace kelly::ui {

namespace {

std::optional<std::pair<quint64, quint64>> fileIdentity(const QString& path)
{
#ifdef Q_OS_UNIX
    struct stat info
    {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return std::nullopt;
    return std::pair<quint64, quint64>(info.st_dev, info.st_ino);
#else
    Q_UNUSED(path);
    return std::nullopt;
#endif
}

} // namespace

DeskStateLoader::DeskStateLoader(QString storePath, store::Environment environment)
    : m_storePath(std::move(storePath)), m_environment(std::move(environment))
{}

DeskStateLoader::~DeskStateLoader() = default;

bool DeskStateLoader::openStore(QString* error)
{
    if (m_store)
        return true;
    auto store = std::make_unique<store::Store>();
    // The store the window opened: never create a new one where it was (a moved file).
    if (!store->open(m_storePath, error, true))
        return false;
    if (!store->isPostgres())
        m_fileIdentity = fileIdentity(store->path());
    // SPEC 13: a PostgreSQL store pushes its changes; the store LISTENs again by itself after
    // it reconnects. Notifications arrive on this thread's event loop.
    if (store->isPostgres() && !store->listenForChanges([this] { Q_EMIT changeNotified(); }, error))
        return false;
    m_store = std::move(store);
    return true;
}

bool DeskStateLoader::sameFileAsOpened(QString* error) const
{
    if (!m_fileIdentity)
        return true;
    const auto now = fileIdentity(m_store->path());
    if (now == m_fileIdentity)
        return true;
    *error = now ? QStringLiteral("%1: the store file was replaced by another file since this "
                                  "window opened it; open the store again")
                       .arg(m_store->path())
                 : QStringLiteral("%1: the store file was moved or deleted since this window "
                                  "opened it")
                       .arg(m_store->path());
    return false;
}

bool DeskStateLoader::mayTryAgain(QString* error) const
{
    if (m_failuresInARow == 0 || std::chrono::steady_clock::now() >= m_nextTry)
        return true;
    *error = m_lastFailure;
    return false;
}

void DeskStateLoader::noteReadResult(bool ok, const QString& error)
{
    if (ok) {
        m_failuresInARow = 0;
        return;
    }
    m_lastFailure = error;
    const int shift = std::min(m_failuresInARow++, 2);
    m_nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(1 << shift);
}

void DeskStateLoader::load(quint64 id, UtcTime now, bool force)
{
    QString error;
    if (!mayTryAgain(&error)) {
        Q_EMIT failed(id, error);
        return;
    }
    const bool opened = openStore(&error) && sameFileAsOpened(&error);
    noteReadResult(opened, error);
    if (!opened) {
        Q_EMIT failed(id, error);
        return;
    }
    if (!force && m_lastStamp) {
        store::ChangeStamp stamp;
        const bool read = m_store->changeStamp(&stamp, &error);
        noteReadResult(read, error);
        if (!read) {
            Q_EMIT failed(id, error);
            return;
        }
        if (stamp == *m_lastStamp) {
            Q_EMIT unchanged(id);
            return;
        }
    }
    auto state = std::make_shared<DeskState>();
    store::ChangeStamp stamp;
    const bool read =
        readDeskState(*m_store, m_environment, now, m_build, state.get(), &stamp, &error);
    noteReadResult(read, error);
    if (!read) {
        Q_EMIT failed(id, error);
        return;
    }
    m_lastStamp = stamp;
    m_build = state->correlation;
    Q_EMIT loaded(id, std::move(state));
}

void DeskStateLoader::sizeDryRuns(const SizingRequest& request,
                                  const std::vector<SizingMode>& modes, UtcTime now)
{
    QString error;
    if (!openStore(&error)) {
        auto failed = std::make_shared<DryRuns>();
        failed->request = request;
        for (const SizingMode mode : modes)
            failed->runs.push_back({mode, false, {}, error, store::SizingFailure::Store});
        Q_EMIT sized(std::move(failed));
        return;
    }
    Q_EMIT sized(std::make_shared<const DryRuns>(
        ui::sizeDryRuns(*m_store, m_environment, now, request, modes)));
}

void DeskStateLoader::writeHalt(UtcTime now)
{
    QString error;
    if (!openStore(&error)) {
        Q_EMIT haltWritten(error);
        return;
    }
    // Issue 24: the marker halts every sizer at once; the stored mode waits for the lock.
    // Without it the halt still lands, only as late as the lock allows.
    QString markerError;
    if (!m_store->raiseHaltMarker(store::SettingOrigin::Dashboard, now, &markerError))
        qWarning("kellydesk: %s", qPrintable(markerError));
    bool saidWaiting = false;
    while (!m_store->writeSetting(store::SettingKey::Mode,
                                  QString::fromLatin1(sizingModeName(SizingMode::Halt)),
                                  store::SettingOrigin::Dashboard, now, &error)) {
        if (!m_store->lastWriteWasBusy()) {
            Q_EMIT haltWritten(error);
            return;
        }
        if (!std::exchange(saidWaiting, true))
            Q_EMIT haltWaiting();
    }
    Q_EMIT haltWritten(QString());
}

} // namespace kelly::ui
