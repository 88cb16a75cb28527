#pragma once

#include "RiskThreshold.h"

#include <optional>
#include <span>
#include <string>

namespace kelly {

// Issue 6: the settings guard_drawdown_pct and guard_day_loss_pct; empty (nullopt) = off.
struct GuardLimits
{
    std::optional<double> drawdownPct; // from the high-water mark
    std::optional<double> dayLossPct;  // from the day's start
};

struct GuardStatus
{
    std::optional<double> highWaterMarkUsd; // max of every snapshot and the live equity
    std::optional<double> drawdownPct;      // below the high-water mark, >= 0
    std::optional<double> dayStartUsd;      // the last snapshot before New York midnight
    std::optional<double> dayLossPct;       // below the day's start, >= 0
    bool tripped = false;
    std::string reason; // the figures that tripped it, for the audit
};

// Reaching a limit trips the guard (>=, with a 1e-9 tolerance): a guard set at 10% must
// stop a book that is down exactly 10%.
GuardStatus evaluateDrawdownGuard(std::span<const PortfolioSnapshot> snapshots,
                                  double liveEquityUsd, const GuardLimits& limits, UtcTime now);

} // namespace kelly
