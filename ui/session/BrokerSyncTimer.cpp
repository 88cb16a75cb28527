#include "BrokerSyncTimer.h"

#include "Clock.h"

#include <QtConcurrent/QtConcurrentRun>

namespace kelly::ui {

namespace {

broker::SyncOutcome syncOnWorker(const QString& storePath, const QHash<QString, QString>& variables,
                                 const broker::SyncOptions& options, UtcTime now)
{
    broker::SyncOutcome outcome;
    const auto credentials = broker::alpacaCredentials(variables, &outcome.error);
    if (!credentials) {
        outcome.failure = broker::SyncFailure::Rejected;
        return outcome;
    }
    // A connection belongs to the thread that opened it: one for this sync alone.
    store::Store store;
    if (!store.open(storePath, &outcome.error, true)) { // never a new store where it was
        outcome.failure = broker::SyncFailure::Failed;
        return outcome;
    }
    return broker::syncAlpaca(store, *credentials, options, now);
}

} // namespace

BrokerSyncTimer::BrokerSyncTimer(QString storePath, QHash<QString, QString> variables,
                                 const Clock& clock, QObject* parent)
    : QObject(parent), m_storePath(std::move(storePath)), m_variables(std::move(variables)),
      m_clock(clock)
{
    connect(&m_timer, &QTimer::timeout, this, &BrokerSyncTimer::syncNow);
    connect(&m_watcher, &QFutureWatcher<broker::SyncOutcome>::finished, this,
            &BrokerSyncTimer::onFinished);
}

BrokerSyncTimer::~BrokerSyncTimer()
{
    m_timer.stop();
    m_watcher.waitForFinished(); // the worker holds no reference to us, only copies
}

void BrokerSyncTimer::setInterval(std::optional<double> seconds)
{
    if (seconds == m_interval)
        return;
    m_interval = seconds;
    if (!seconds) {
        m_timer.stop();
        return;
    }
    m_timer.start(std::chrono::milliseconds(static_cast<qint64>(*seconds * 1000.0)));
}

void BrokerSyncTimer::syncNow()
{
    if (m_watcher.isRunning())
        return;
    m_watcher.setFuture(
        QtConcurrent::run(syncOnWorker, m_storePath, m_variables, m_options, m_clock.now()));
}

void BrokerSyncTimer::onFinished()
{
    const broker::SyncOutcome outcome = m_watcher.result();
    const bool ok = outcome.failure == broker::SyncFailure::None;
    m_misses = ok ? 0 : m_misses + 1;
    m_lastError = ok ? QString() : store::printable(outcome.error);
    Q_EMIT finished(ok, m_lastError);
}

QHash<QString, QString> alpacaVariablesFromProcess()
{
    QHash<QString, QString> variables;
    for (const char* name : {"APCA_API_KEY_ID", "APCA_API_SECRET_KEY", "APCA_API_BASE_URL"})
        variables.insert(QString::fromLatin1(name), qEnvironmentVariable(name));
    return variables;
}

} // namespace kelly::ui
