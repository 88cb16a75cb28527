#pragma once

#include "DeskMargin.h"
#include "risk/Analytics.h"
#include "sizing/Exposure.h"
#include "store/DrawdownGuardService.h"
#include "store/Settings.h"
#include "store/SizingService.h"
#include "store/Store.h"

#include <memory>
#include <optional>
#include <vector>

namespace kelly::ui {

// Everything the panels draw, read from the store in one pass. Panels get this (or a piece
// of it) and never touch the store themselves.
struct DeskState
{
    store::AccountRecord account;
    // SPEC 1: E as last set and when (account.equityUsd adds the marks' P&L since); absent
    // when E was never set by `account set --equity` or a sync. The header shows it (issue 26).
    std::optional<store::EquityBasis> equityBasis;
    store::EffectiveSettings settings;
    ExposureReport exposure; // SPEC 6 at `now`
    PortfolioRisk risk;      // SPEC 5 against the latest build; empty without one
    std::vector<store::SizingDecision> decisions; // newest first
    std::vector<store::AuditEntry> audit;         // newest first
    std::vector<store::SnapshotRecord> snapshots; // oldest first
    // A saved build never changes: states, the loader and the panels share one copy.
    std::shared_ptr<const store::StoredCorrelationBuild> correlation;
    store::GuardCheck guard;                    // issue 6: the guard's figures at `now`
    std::optional<store::AuditEntry> haltEntry; // who halted, while halted
    // Issue 16: the last broker sync, by the dashboard or `kellyctl sync alpaca`.
    std::optional<store::BrokerSyncRecord> lastBrokerSync;
    // Issue 21: SPEC 15's margin and SPEC 16's default stress of the book, with the rates
    // read in the same transaction as the account.
    DeskMargin margin;
    UtcTime now;
    double readMs = 0.0; // how long reading it from the store took (the soak reports it)
};

// Reads a whole DeskState at `now`: runs the drawdown guard first (issue 6; a trip is a
// write that halts the store), then everything the panels draw. `heldBuild` is the
// correlation build the caller already holds: a saved build never changes, so it is reused
// while it is still the store's latest instead of being read again. `stamp` receives the
// store's change stamp as it stood before the read, so a write landing during the read
// moves it again and the next poll reads once more instead of missing that write. On
// failure `out` is half-read: drop it.
bool readDeskState(store::Store& store, const store::Environment& environment, UtcTime now,
                   const std::shared_ptr<const store::StoredCorrelationBuild>& heldBuild,
                   DeskState* out, store::ChangeStamp* stamp, QString* error);

// One request sized as dry runs in several modes, exactly as the bot's next call would size
// it (the what-if form's two columns).
struct DryRuns
{
    struct Run
    {
        SizingMode mode = SizingMode::Enhanced;
        bool sized = false; // else `error` (and `failure`) say why
        store::SizingOutcome outcome;
        QString error;
        store::SizingFailure failure = store::SizingFailure::None;
    };
    SizingRequest request;
    std::vector<Run> runs;
};

// Sizes `request` in each of `modes` on `store`, all as dry runs of origin `dashboard`.
DryRuns sizeDryRuns(store::Store& store, const store::Environment& environment, UtcTime now,
                    const SizingRequest& request, const std::vector<SizingMode>& modes);

// The time-dependent figures (SPEC 6 at `now`); everything else in `state` stays.
void moveDeskStateTo(DeskState* state, UtcTime now);

} // namespace kelly::ui
