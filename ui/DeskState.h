#pragma once

#include "risk/Analytics.h"
#include "sizing/Exposure.h"
#include "store/DrawdownGuardService.h"
#include "store/Settings.h"
#include "store/Store.h"

#include <optional>
#include <vector>

namespace kelly::ui {

// Everything the panels draw, read from the store in one pass. Panels get this (or a piece
// of it) and never touch the store themselves.
struct DeskState
{
    store::AccountRecord account;
    store::EffectiveSettings settings;
    ExposureReport exposure; // SPEC 6 at `now`
    PortfolioRisk risk;      // SPEC 5 against the latest build; empty without one
    std::vector<store::SizingDecision> decisions; // newest first
    std::vector<store::AuditEntry> audit;         // newest first
    std::vector<store::SnapshotRecord> snapshots; // oldest first
    std::optional<store::StoredCorrelationBuild> correlation;
    store::GuardCheck guard;                    // issue 6: the guard's figures at `now`
    std::optional<store::AuditEntry> haltEntry; // who halted, while halted
    UtcTime now;
};

} // namespace kelly::ui
