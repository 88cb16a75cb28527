#include "DeskSession.h"

#include "Clock.h"
#include "DeskStateLoader.h"

namespace kelly::ui {

DeskSession::DeskSession(store::Store& store, const Clock& clock, store::Environment environment,
                         QObject* parent)
    : QObject(parent), m_store(store), m_clock(clock), m_environment(std::move(environment)),
      m_state(std::make_shared<DeskState>())
{
    m_state->now = clock.now();
    m_dataAsOf = m_state->now;
    connect(&m_pollTimer, &QTimer::timeout, this, &DeskSession::poll);
    connect(&m_tickTimer, &QTimer::timeout, this, &DeskSession::tick);
}

DeskSession::~DeskSession()
{
    // The loader, the writer and their connections go with the thread (deleteLater on
    // finished); a write still waiting for a bot's lock gives up.
    if (m_writer)
        m_writer->abandon();
    m_loaderThread.quit();
    m_loaderThread.wait();
}

void DeskSession::start(std::chrono::milliseconds pollInterval)
{
    if (!m_loader) {
        m_loader = new DeskStateLoader(m_store.path(), m_environment);
        m_loader->moveToThread(&m_loaderThread);
        connect(&m_loaderThread, &QThread::finished, m_loader, &QObject::deleteLater);
        connect(m_loader, &DeskStateLoader::loaded, this, &DeskSession::onLoaded);
        connect(m_loader, &DeskStateLoader::unchanged, this, [this] {
            --m_requestsInFlight;
            readSucceeded();
            loadIfNotified();
        });
        connect(m_loader, &DeskStateLoader::failed, this, [this](quint64, const QString& error) {
            --m_requestsInFlight;
            reportError(error);
            loadIfNotified();
        });
        connect(m_loader, &DeskStateLoader::changeNotified, this, [this] {
            m_changeNotified = true;
            loadIfNotified();
        });
        connect(m_loader, &DeskStateLoader::sized, this, &DeskSession::dryRunsSized);
        connect(m_loader, &DeskStateLoader::haltWaiting, this, &DeskSession::haltWaiting);
        connect(m_loader, &DeskStateLoader::haltWritten, this, [this](const QString& error) {
            QString ignored;
            if (!error.isEmpty())
                Q_EMIT haltFailed(error);
            else
                showWrite(&ignored); // a forced load on the worker: cannot fail here
        });
        m_loaderThread.setObjectName(QStringLiteral("DeskStateLoader"));
        m_loaderThread.start();
    }
    // SPEC 13: a PostgreSQL store notifies each change, so the poll is only the listener's
    // heartbeat and the fallback while it is down: once a second.
    // The worker opens its connection (and LISTENs) now, not at the first poll.
    if (m_requestsInFlight == 0)
        requestLoad(false);
    m_pollTimer.start(m_store.isPostgres() ? std::max(pollInterval, kPostgresPollInterval)
                                           : pollInterval);
    m_tickTimer.start(std::chrono::seconds(1));
}

bool DeskSession::reload(QString* error)
{
    auto next = std::make_shared<DeskState>();
    store::ChangeStamp stamp;
    if (!readDeskState(m_store, m_environment, m_clock.now(), m_state->correlation, next.get(),
                       &stamp, error))
        return false;
    m_oldestCurrentRequest = m_nextRequest;
    adopt(std::move(next));
    return true;
}

void DeskSession::poll()
{
    // One load at a time: a slow read (a busy store) delays the next poll, never queues many.
    if (m_requestsInFlight == 0)
        requestLoad(false);
}

void DeskSession::loadIfNotified()
{
    if (m_changeNotified && m_requestsInFlight == 0) {
        m_changeNotified = false;
        requestLoad(false);
    }
}

void DeskSession::requestLoad(bool force)
{
    const quint64 id = m_nextRequest++;
    const bool forced = force || std::exchange(m_forceNextLoad, false);
    ++m_requestsInFlight;
    QMetaObject::invokeMethod(
        m_loader,
        [loader = m_loader, id, now = m_clock.now(), forced] { loader->load(id, now, forced); },
        Qt::QueuedConnection);
}

void DeskSession::onLoaded(quint64 id, std::shared_ptr<DeskState> state)
{
    --m_requestsInFlight;
    loadIfNotified();
    if (id < m_oldestCurrentRequest) {
        // Older than what is shown; the loader counts that store version as seen, so the
        // next load must not skip on an unchanged stamp.
        m_forceNextLoad = true;
        return;
    }
    adopt(std::move(state));
}

void DeskSession::adopt(std::shared_ptr<DeskState> state)
{
    m_state = std::move(state);
    readSucceeded();
    Q_EMIT stateChanged();
}

void DeskSession::readSucceeded()
{
    m_dataAsOf = m_clock.now();
    if (!m_lastError.isEmpty()) {
        m_lastError.clear();
        Q_EMIT storeRecovered();
    }
}

void DeskSession::reportError(const QString& error)
{
    if (error != m_lastError)
        Q_EMIT storeError(error);
    m_lastError = error;
}

void DeskSession::tick()
{
    moveDeskStateTo(m_state.get(), m_clock.now());
    Q_EMIT ticked();
}

bool DeskSession::showWrite(QString* error)
{
    if (!m_loader)
        return reload(error);
    m_oldestCurrentRequest = m_nextRequest;
    requestLoad(true);
    return true;
}

bool DeskSession::halt(QString* error)
{
    if (m_loader) {
        QMetaObject::invokeMethod(
            m_loader, [loader = m_loader, now = m_clock.now()] { loader->writeHalt(now); },
            Qt::QueuedConnection);
        return true;
    }
    if (!m_store.writeSetting(store::SettingKey::Mode,
                              QString::fromLatin1(sizingModeName(SizingMode::Halt)),
                              store::SettingOrigin::Dashboard, m_clock.now(), error))
        return false;
    return showWrite(error);
}

void DeskSession::sizeDryRunsLater(const SizingRequest& request,
                                   const std::vector<SizingMode>& modes)
{
    if (!m_loader) {
        Q_EMIT dryRunsSized(std::make_shared<const DryRuns>(
            sizeDryRuns(m_store, m_environment, m_clock.now(), request, modes)));
        return;
    }
    QMetaObject::invokeMethod(
        m_loader,
        [loader = m_loader, request, modes, now = m_clock.now()] {
            loader->sizeDryRuns(request, modes, now);
        },
        Qt::QueuedConnection);
}

bool DeskSession::sizeDryRun(const SizingRequest& request, SizingMode mode,
                             store::SizingOutcome* out, QString* error,
                             store::SizingFailure* failure)
{
    DryRuns::Run run =
        std::move(sizeDryRuns(m_store, m_environment, m_clock.now(), request, {mode}).runs.front());
    *out = std::move(run.outcome);
    *error = run.error;
    if (failure)
        *failure = run.failure;
    return run.sized;
}

void DeskSession::setMode(SizingMode mode, const std::optional<QString>& detail)
{
    runWrite(DeskWrite::Mode, [mode, detail, now = m_clock.now()](WriteAttempts& attempts) {
        return writeMode(attempts, mode, now, detail);
    });
}

void DeskSession::resume()
{
    runWrite(DeskWrite::Resume,
             [now = m_clock.now()](WriteAttempts& attempts) { return writeResume(attempts, now); });
}

void DeskSession::writeSettings(SettingChanges changes)
{
    for (const auto& change : changes) {
        if (!m_state->settings.lockedByEnv(change.first))
            continue;
        DeskWriteOutcome refused;
        refused.kind = DeskWrite::Settings;
        refused.refusedSetting = change.first;
        refused.error = tr("%1 is locked by the environment variable %2")
                            .arg(store::settingSpec(change.first).name,
                                 store::settingSpec(change.first).envVar);
        Q_EMIT writeFinished(refused);
        return;
    }
    runWrite(DeskWrite::Settings,
             [changes = std::move(changes), now = m_clock.now()](WriteAttempts& attempts) {
                 return ui::writeSettings(attempts, changes, now);
             });
}

void DeskSession::saveCorrelationBuild(const CorrelationBuild& build)
{
    runWrite(DeskWrite::CorrelationBuild, [build, now = m_clock.now()](WriteAttempts& attempts) {
        return writeCorrelationBuild(attempts, build, now);
    });
}

void DeskSession::runWrite(DeskWrite kind, DeskWriter::Write write)
{
    if (!m_loader) {
        WriteAttempts once(m_store, false);
        finishWrite(write(once));
        return;
    }
    if (!m_writer) {
        // On the loader's thread, behind any halt already asked for: writes land in order.
        m_writer = new DeskWriter(m_store.path());
        m_writer->moveToThread(&m_loaderThread);
        connect(&m_loaderThread, &QThread::finished, m_writer, &QObject::deleteLater);
        connect(m_writer, &DeskWriter::waiting, this, &DeskSession::writeWaiting);
        connect(m_writer, &DeskWriter::finished, this, &DeskSession::finishWrite);
    }
    QMetaObject::invokeMethod(
        m_writer,
        [writer = m_writer, kind, write = std::move(write)] { writer->write(kind, write); },
        Qt::QueuedConnection);
}

void DeskSession::finishWrite(const DeskWriteOutcome& outcome)
{
    // A settings save may have landed some values before one was refused: show those too.
    if (outcome.written || !outcome.savedSettings.empty()) {
        QString error;
        if (!showWrite(&error))
            reportError(error);
    }
    Q_EMIT writeFinished(outcome);
}

} // namespace kelly::ui
