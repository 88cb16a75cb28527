#pragma once

// SPEC 16: the book under scenarios. Each scenario moves every held price by its own
// fraction; the outcome is the book after, against the broker's maintenance margin.

#include "Margin.h"
#include "risk/Analytics.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kelly {

// One scenario: a move (fraction: -0.10 is a 10% fall) per position, aligned with
// Account::positions.
struct StressScenario
{
    std::string name;
    std::vector<double> moves;
};

struct StressOutcome
{
    std::string name;
    double pnlUsd = 0.0;
    double equityAfterUsd = 0.0;
    double grossAfterUsd = 0.0;
    std::optional<double> leverageAfter; // null when E' <= 0
    double maintenanceAfterUsd = 0.0;
    double excessAfterUsd = 0.0;
    bool marginCall = false; // E' < MR'
    // The value a proportional sale must remove to end the deficit:
    // max(0, 1 - E'/MR') x gross', the whole gross when E' <= 0.
    double cureUsd = 0.0;
};

StressOutcome runStressScenario(const Account& account, const MarginBook& book,
                                const StressScenario& scenario);

// "move -10%": every price x (1 + pct / 100).
StressScenario uniformMoveScenario(const Account& account, double movePct);

// "shock NVDA -20%": s moves pct, every other held j beta_j x pct (betas aligned with the
// positions; 0 for a symbol outside the build, or for all when there is no build).
StressScenario shockScenario(const std::string& symbol, double shockPct,
                             std::span<const double> betas);

// beta_j = S_js / S_ss from the build's shrunk daily covariance, aligned with the positions;
// null when s is not in the build or has no variance.
std::optional<std::vector<double>> shockBetas(const Account& account, const CorrelationBuild& build,
                                              const std::string& symbol);

// The `worst` dates of the files' history by P&L on today's book: each date applies every
// held symbol's actual return that date (none: 0), named by the ISO date. Sorted worst
// first (ties: the earlier date).
std::vector<StressScenario> worstHistoryScenarios(const Account& account,
                                                  std::span<const PriceSeries> prices, int worst);

// "%g" of a percentage, as scenario names print it: -10, 2.5.
std::string formatMovePct(double pct);

} // namespace kelly
