#pragma once

#include "Account.h"
#include "common/NewYorkTime.h"
#include "common/Symbols.h"

#include <optional>
#include <string>
#include <vector>

namespace kelly {

// How close a figure is to its limit: the dashboard's calm / amber / red.
enum class LimitState
{
    Ok,
    Near,
    Over
};
const char* limitStateName(LimitState state);

struct PositionExposure
{
    std::string symbol;
    AssetClass assetClass = AssetClass::Stock;
    double qty = 0.0;
    double priceUsd = 0.0;
    double avgEntryUsd = 0.0;
    double marketValueUsd = 0.0;
    double unrealizedPnlUsd = 0.0;     // (price - avg entry) x qty; 0 without an entry
    std::optional<double> exposurePct; // current / E
    std::optional<double> capUsedPct;  // current / (cap x E), SPEC 2.3 / 9
};

// SPEC 6: the book against the intraday and overnight limits, the cut needed before the
// close and the overnight financing. All USD figures are finite.
struct ExposureReport
{
    double equityUsd = 0.0;
    double buyingPowerUsd = 0.0;
    double grossUsd = 0.0;
    std::optional<double> leverage; // gross / E; absent when E <= 0
    double intradayLimit = 4.0;
    double overnightLimit = 2.0;
    LimitState intradayState = LimitState::Ok;
    LimitState overnightState = LimitState::Ok;
    double reduceByUsd = 0.0;          // max(gross - L_on x E, 0)
    double borrowedUsd = 0.0;          // max(gross - E, 0)
    double financingPerNightUsd = 0.0; // one calendar day: borrowed x rate / 360
    int financedDaysTonight = 1;       // 3 on a Friday
    double financingTonightUsd = 0.0;  // per night x financed days
    UtcTime nextClose;
    std::chrono::seconds timeToClose{0};
    bool closeWarning = false; // within 30 minutes of the close with reduce_by > 0
    std::vector<PositionExposure> positions;
};

// A limit counts as near from this share of it (the amber band).
inline constexpr double kNearLimitShare = 0.9;

ExposureReport computeExposure(const Account& account, const RiskLimits& limits,
                               const CryptoList& cryptoList, double financingAnnualRate,
                               UtcTime now);

} // namespace kelly
