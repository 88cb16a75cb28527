#include "DeskState.h"

#include "risk/PortfolioRisk.h"

#include <QElapsedTimer>

namespace kelly::ui {

namespace {

// The lists the dashboard shows; older rows stay in the store and in `kellyctl`.
constexpr int kDecisionRows = 1000;
constexpr int kAuditRows = 1000;
// The newest snapshots, as many as the history chart draws (HistoryChartPanel::kMaxPoints).
constexpr int kSnapshotRows = 2000;

bool readCorrelation(store::Store& store,
                     const std::shared_ptr<const store::StoredCorrelationBuild>& heldBuild,
                     std::shared_ptr<const store::StoredCorrelationBuild>* out, QString* error)
{
    // Re-reading a 500-symbol build took ~40% of a reload while a bot marks prices (issue 7
    // soak): read it only when a new one was saved.
    std::optional<qint64> latestId;
    if (!store.latestCorrelationBuildId(&latestId, error))
        return false;
    if (latestId && heldBuild && heldBuild->id == *latestId) {
        *out = heldBuild;
        return true;
    }
    std::optional<store::StoredCorrelationBuild> latest;
    if (!store.loadLatestCorrelationBuild(&latest, error))
        return false;
    *out = latest ? std::make_shared<const store::StoredCorrelationBuild>(std::move(*latest))
                  : nullptr;
    return true;
}

} // namespace

bool readDeskState(store::Store& store, const store::Environment& environment, UtcTime now,
                   const std::shared_ptr<const store::StoredCorrelationBuild>& heldBuild,
                   DeskState* out, store::ChangeStamp* stamp, QString* error)
{
    QElapsedTimer timer;
    timer.start();
    // The guard first: a trip is a write, and the stamp read below already includes it.
    if (!store::DrawdownGuardService(store, environment).check(now, &out->guard, error) ||
        !store.loadHaltEntry(&out->haltEntry, error))
        return false;
    // Issue 12: one read transaction, so a state never mixes two commits (item 11), and only
    // the snapshots the history chart can show (item 10: a year of minutes is 525,600 rows).
    if (!store.beginRead(error))
        return false;
    MarginRates marginRates;
    const bool read =
        store.changeStamp(stamp, error) && store.loadAccount(&out->account, error) &&
        store.loadEquityBasis(&out->equityBasis, error) &&
        store.effectiveSettings(environment, &out->settings, error) &&
        store.loadDecisions(&out->decisions, kDecisionRows, error) &&
        store.loadAudit(&out->audit, kAuditRows, error) &&
        store.loadSnapshots(&out->snapshots, kSnapshotRows, error, &out->account.problems) &&
        store.loadLastBrokerSync(&out->lastBrokerSync, error) &&
        store.loadMarginRates(&marginRates, error) &&
        readCorrelation(store, heldBuild, &out->correlation, error);
    store.endRead();
    if (!read)
        return false;
    moveDeskStateTo(out, now);
    if (out->correlation)
        out->risk = computePortfolioRisk(out->account.account, out->correlation->build);
    // As `kellyctl status`: the call probability needs a build's sigma_p.
    out->margin = computeDeskMargin(
        out->account.account, out->settings.cryptoList, out->settings.marginPolicy(&marginRates),
        out->correlation ? out->risk.sigmaDailyUsd : std::nullopt,
        out->lastBrokerSync ? out->lastBrokerSync->maintenanceMarginUsd : std::nullopt);
    out->readMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return true;
}

DryRuns sizeDryRuns(store::Store& store, const store::Environment& environment, UtcTime now,
                    const SizingRequest& request, const std::vector<SizingMode>& modes)
{
    DryRuns dryRuns;
    dryRuns.request = request;
    store::SizingService service(store, environment);
    for (const SizingMode mode : modes) {
        DryRuns::Run run;
        run.mode = mode;
        store::SizingCall call;
        call.request = request;
        call.modeOverride = mode;
        call.dryRun = true;
        call.origin = QStringLiteral("dashboard");
        run.sized = service.size(call, now, &run.outcome, &run.error, &run.failure);
        dryRuns.runs.push_back(std::move(run));
    }
    return dryRuns;
}

void moveDeskStateTo(DeskState* state, UtcTime now)
{
    state->now = now;
    state->exposure =
        computeExposure(state->account.account, state->settings.limits, state->settings.cryptoList,
                        state->settings.leverageCostAnnual, now);
}

} // namespace kelly::ui
