#include "Exposure.h"

#include <algorithm>

namespace kelly {

namespace {

constexpr double kBrokerDayCount = 360.0;
constexpr std::chrono::minutes kCloseWarningWindow{30};

LimitState stateOf(double leverage, double limit)
{
    if (leverage > limit)
        return LimitState::Over;
    if (leverage >= kNearLimitShare * limit)
        return LimitState::Near;
    return LimitState::Ok;
}

} // namespace

const char* limitStateName(LimitState state)
{
    switch (state) {
    case LimitState::Ok:
        return "ok";
    case LimitState::Near:
        return "near";
    case LimitState::Over:
        return "over";
    }
    return "ok";
}

ExposureReport computeExposure(const Account& account, const RiskLimits& limits,
                               const CryptoList& cryptoList, double financingAnnualRate,
                               UtcTime now)
{
    ExposureReport report;
    const double E = account.equityUsd;
    report.equityUsd = E;
    report.buyingPowerUsd = account.buyingPowerUsd;
    report.grossUsd = account.grossUsd();
    report.intradayLimit = limits.intradayLeverage;
    report.overnightLimit = limits.overnightLeverage;

    if (E > 0.0) {
        const double leverage = report.grossUsd / E;
        report.leverage = leverage;
        report.intradayState = stateOf(leverage, limits.intradayLeverage);
        report.overnightState = stateOf(leverage, limits.overnightLeverage);
        report.reduceByUsd = std::max(report.grossUsd - limits.overnightLeverage * E, 0.0);
        report.borrowedUsd = std::max(report.grossUsd - E, 0.0);
    } else if (report.grossUsd > 0.0) {
        // No equity behind open positions: every position is over every limit.
        report.intradayState = LimitState::Over;
        report.overnightState = LimitState::Over;
        report.reduceByUsd = report.grossUsd;
        report.borrowedUsd = report.grossUsd;
    }
    report.financingPerNightUsd = report.borrowedUsd * financingAnnualRate / kBrokerDayCount;

    report.nextClose = newyork::nextClose(now);
    report.timeToClose = report.nextClose - now;
    // SPEC 6: the night in progress or the next. After Friday's close (nextClose is then
    // Monday's) three days accrue, not one (issue 12 item 7): count from today's day, which
    // is the next close's day whenever the close is still ahead today.
    report.financedDaysTonight = newyork::financedDaysAfterClose(now);
    report.financingTonightUsd = report.financingPerNightUsd * report.financedDaysTonight;
    report.closeWarning = report.reduceByUsd > 0.0 && report.timeToClose <= kCloseWarningWindow;

    report.positions.reserve(account.positions.size());
    for (const Position& p : account.positions) {
        PositionExposure row;
        row.symbol = p.symbol;
        row.assetClass = cryptoList.classify(p.symbol);
        row.qty = p.qty;
        row.priceUsd = p.lastPriceUsd;
        row.avgEntryUsd = p.avgEntryUsd;
        row.marketValueUsd = p.marketValueUsd();
        if (p.avgEntryUsd > 0.0)
            row.unrealizedPnlUsd = (p.lastPriceUsd - p.avgEntryUsd) * p.qty;
        if (E > 0.0) {
            // SPEC 9: the cap is a share of equity before leverage; at 100 no add is sized.
            const double capValue = limits.symbolCapPct / 100.0 * E;
            row.exposurePct = p.currentUsd() / E * 100.0;
            if (capValue > 0.0)
                row.capUsedPct = p.currentUsd() / capValue * 100.0;
        }
        report.positions.push_back(std::move(row));
    }
    return report;
}

} // namespace kelly
