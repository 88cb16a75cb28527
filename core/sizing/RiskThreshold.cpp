#include "RiskThreshold.h"

#include <algorithm>

namespace kelly {

double riskThreshold(std::span<const PortfolioSnapshot> snapshots, double maxGrossSetting,
                     UtcTime now)
{
    constexpr double kFloor = 2.0;
    if (snapshots.empty())
        return kFloor;
    const double maxGross = std::max(kFloor, maxGrossSetting);
    const UtcTime midnight = newyork::startOfDay(now);

    const PortfolioSnapshot* latest = nullptr;
    const PortfolioSnapshot* reference = nullptr;
    for (const auto& s : snapshots) {
        if (!latest || s.observedAt >= latest->observedAt)
            latest = &s;
        if (s.observedAt < midnight && (!reference || s.observedAt >= reference->observedAt))
            reference = &s;
    }
    if (!reference)
        reference = latest;
    return latest->portfolioValueUsd >= reference->portfolioValueUsd ? maxGross : kFloor;
}

} // namespace kelly
