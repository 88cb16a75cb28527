#pragma once

#include "margin/Margin.h"

namespace kelly::bench {

// Every held symbol with a synced broker rate and one override (issue 21's worst case: a
// rate lookup per position).
inline MarginRates syncedRates(const Account& account)
{
    MarginRates rates;
    for (const Position& p : account.positions)
        rates.broker.emplace(p.symbol, BrokerMarginRate{true, 0.30, 0.35});
    rates.overrides.emplace("SYM7", 0.5);
    return rates;
}

} // namespace kelly::bench
