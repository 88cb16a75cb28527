#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace kelly {

// One open position as the store holds it. `symbol` is normalised (SPEC 1); `qty` is signed
// (short < 0) and may be fractional.
struct Position
{
    std::string symbol;
    double qty = 0.0;
    double lastPriceUsd = 0.0;
    double avgEntryUsd = 0.0;

    double marketValueUsd() const { return qty * lastPriceUsd; }
    double currentUsd() const { return std::abs(marketValueUsd()); } // SPEC 1: current(s)
};

struct Account
{
    double equityUsd = 0.0;
    double buyingPowerUsd = 0.0;
    std::vector<Position> positions;

    double grossUsd() const
    {
        double gross = 0.0;
        for (const auto& p : positions)
            gross += p.currentUsd();
        return gross;
    }

    const Position* find(std::string_view normalizedSymbol) const
    {
        for (const auto& p : positions)
            if (p.symbol == normalizedSymbol)
                return &p;
        return nullptr;
    }
};

// SPEC 1 and 6. Defaults follow the US pattern-day-trader margin pattern; a cash account
// sets both leverage limits to 1.0.
struct RiskLimits
{
    double intradayLeverage = 4.0;  // L
    double overnightLeverage = 2.0; // L_on
    double symbolCapPct = 60.0;     // cap
};

} // namespace kelly
