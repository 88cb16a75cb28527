#pragma once

#include "common/NewYorkTime.h"

#include <span>

namespace kelly {

struct PortfolioSnapshot
{
    UtcTime observedAt;
    double portfolioValueUsd = 0.0;
};

// SPEC 4, the global risk threshold legacy sizing multiplies by: max_gross when the latest
// snapshot is at or above the latest one from before today's New York midnight, else 2.0.
// `maxGrossSetting` is the `max_gross_leverage` setting; values below 2.0 count as 2.0.
double riskThreshold(std::span<const PortfolioSnapshot> snapshots, double maxGrossSetting,
                     UtcTime now);

} // namespace kelly
