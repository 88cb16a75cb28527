#include "DeskSession.h"

#include "Clock.h"
#include "risk/PortfolioRisk.h"

namespace kelly::ui {

namespace {

// The lists the dashboard shows; older rows stay in the store and in `kellyctl`.
constexpr int kDecisionRows = 1000;
constexpr int kAuditRows = 1000;

ExposureReport exposureOf(const DeskState& state)
{
    return computeExposure(state.account.account, state.settings.limits, state.settings.cryptoList,
                           state.settings.leverageCostAnnual, state.now);
}

} // namespace

DeskSession::DeskSession(store::Store& store, const Clock& clock, store::Environment environment,
                         QObject* parent)
    : QObject(parent), m_store(store), m_clock(clock), m_environment(std::move(environment)),
      m_state(std::make_shared<DeskState>())
{
    m_state->now = clock.now();
    connect(&m_pollTimer, &QTimer::timeout, this, &DeskSession::poll);
    connect(&m_tickTimer, &QTimer::timeout, this, &DeskSession::tick);
}

void DeskSession::start(std::chrono::milliseconds pollInterval)
{
    m_pollTimer.start(pollInterval);
    m_tickTimer.start(std::chrono::seconds(1));
}

bool DeskSession::reload(QString* error)
{
    auto next = std::make_shared<DeskState>();
    // The guard first: a trip is a write, and the stamp read below already includes it.
    if (!store::DrawdownGuardService(m_store, m_environment)
             .check(m_clock.now(), &next->guard, error) ||
        !m_store.loadHaltEntry(&next->haltEntry, error))
        return false;
    store::ChangeStamp stamp;
    // The stamp is read first: a write landing during the reload moves it again, so the
    // next poll reloads once more instead of missing that write.
    if (!m_store.changeStamp(&stamp, error) || !m_store.loadAccount(&next->account, error) ||
        !m_store.effectiveSettings(m_environment, &next->settings, error) ||
        !m_store.loadDecisions(&next->decisions, kDecisionRows, error) ||
        !m_store.loadAudit(&next->audit, kAuditRows, error) ||
        !m_store.loadSnapshots(&next->snapshots, 0, error) ||
        !loadCorrelation(&next->correlation, error))
        return false;
    next->now = m_clock.now();
    next->exposure = exposureOf(*next);
    if (next->correlation)
        next->risk = computePortfolioRisk(next->account.account, next->correlation->build);
    m_state = std::move(next);
    m_lastStamp = stamp;
    Q_EMIT stateChanged();
    return true;
}

bool DeskSession::loadCorrelation(std::optional<store::StoredCorrelationBuild>* out,
                                  QString* error) const
{
    // A saved build never changes, and re-reading a 500-symbol one took ~40% of a reload
    // while a bot marks prices (issue 7 soak): read it only when a new one was saved.
    std::optional<qint64> latestId;
    if (!m_store.latestCorrelationBuildId(&latestId, error))
        return false;
    if (latestId && m_state->correlation && m_state->correlation->id == *latestId) {
        *out = m_state->correlation;
        return true;
    }
    return m_store.loadLatestCorrelationBuild(out, error);
}

void DeskSession::poll()
{
    store::ChangeStamp stamp;
    QString error;
    if (!m_store.changeStamp(&stamp, &error)) {
        if (error != m_lastError)
            Q_EMIT storeError(error);
        m_lastError = error;
        return;
    }
    if (m_lastStamp && *m_lastStamp == stamp)
        return;
    if (!reload(&error)) {
        if (error != m_lastError)
            Q_EMIT storeError(error);
        m_lastError = error;
        return;
    }
    m_lastError.clear();
}

void DeskSession::tick()
{
    m_state->now = m_clock.now();
    m_state->exposure = exposureOf(*m_state);
    Q_EMIT ticked();
}

bool DeskSession::setMode(SizingMode mode, QString* error)
{
    return writeSetting(store::SettingKey::Mode, QString::fromLatin1(sizingModeName(mode)), error);
}

bool DeskSession::halt(QString* error)
{
    if (!m_store.writeSetting(store::SettingKey::Mode,
                              QString::fromLatin1(sizingModeName(SizingMode::Halt)),
                              store::SettingOrigin::Dashboard, m_clock.now(), error))
        return false;
    return reload(error);
}

bool DeskSession::resume(QString* error)
{
    bool wasHalted = false;
    SizingMode resumed = SizingMode::Enhanced;
    if (!m_store.resumeFromHalt(store::SettingOrigin::Dashboard, m_clock.now(), &wasHalted,
                                &resumed, error))
        return false;
    return reload(error);
}

bool DeskSession::writeSetting(store::SettingKey key, const QString& value, QString* error)
{
    if (m_state->settings.lockedByEnv(key)) {
        *error = tr("%1 is locked by the environment variable %2")
                     .arg(store::settingSpec(key).name, store::settingSpec(key).envVar);
        return false;
    }
    if (!m_store.writeSetting(key, value, store::SettingOrigin::Dashboard, m_clock.now(), error))
        return false;
    return reload(error);
}

bool DeskSession::saveCorrelationBuild(const CorrelationBuild& build, QString* error)
{
    qint64 id = 0;
    if (!m_store.saveCorrelationBuild(build, m_clock.now(), &id, error))
        return false;
    return reload(error);
}

bool DeskSession::sizeDryRun(const SizingRequest& request, SizingMode mode,
                             store::SizingOutcome* out, QString* error,
                             store::SizingFailure* failure)
{
    store::SizingService service(m_store, m_environment);
    store::SizingCall call;
    call.request = request;
    call.modeOverride = mode;
    call.dryRun = true;
    call.origin = QStringLiteral("dashboard");
    return service.size(call, m_clock.now(), out, error, failure);
}

} // namespace kelly::ui
