#include "DrawdownGuard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kelly {

namespace {

constexpr double kTripTolerancePct = 1e-9;

std::string describeTrip(const char* what, double pct, double limitPct, double fromUsd,
                         double equityUsd)
{
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s %.2f%% >= %.2f%% (from %.2f to %.2f USD)", what, pct,
                  limitPct, fromUsd, equityUsd);
    return buf;
}

} // namespace

GuardStatus evaluateDrawdownGuard(std::span<const PortfolioSnapshot> snapshots,
                                  double liveEquityUsd, const GuardLimits& limits, UtcTime now)
{
    GuardStatus status;
    const bool liveValid = std::isfinite(liveEquityUsd);
    double hwm = liveValid ? liveEquityUsd : -INFINITY;
    const PortfolioSnapshot* dayStart = nullptr;
    const UtcTime midnight = newyork::startOfDay(now);
    for (const auto& s : snapshots) {
        if (!std::isfinite(s.portfolioValueUsd))
            continue;
        hwm = std::max(hwm, s.portfolioValueUsd);
        if (s.observedAt < midnight && (!dayStart || s.observedAt >= dayStart->observedAt))
            dayStart = &s;
    }
    if (!liveValid || !std::isfinite(hwm))
        return status;

    if (hwm > 0.0) {
        status.highWaterMarkUsd = hwm;
        status.drawdownPct = std::max((hwm - liveEquityUsd) / hwm * 100.0, 0.0);
    }
    if (dayStart && dayStart->portfolioValueUsd > 0.0) {
        status.dayStartUsd = dayStart->portfolioValueUsd;
        status.dayLossPct =
            std::max((*status.dayStartUsd - liveEquityUsd) / *status.dayStartUsd * 100.0, 0.0);
    }

    if (limits.drawdownPct && status.drawdownPct &&
        *status.drawdownPct + kTripTolerancePct >= *limits.drawdownPct) {
        status.tripped = true;
        status.reason = describeTrip("drawdown", *status.drawdownPct, *limits.drawdownPct,
                                     *status.highWaterMarkUsd, liveEquityUsd);
    } else if (limits.dayLossPct && status.dayLossPct &&
               *status.dayLossPct + kTripTolerancePct >= *limits.dayLossPct) {
        status.tripped = true;
        status.reason = describeTrip("day loss", *status.dayLossPct, *limits.dayLossPct,
                                     *status.dayStartUsd, liveEquityUsd);
    }
    return status;
}

} // namespace kelly
