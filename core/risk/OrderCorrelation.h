#pragma once

// SPEC 11's data for one order, read from a correlation build (SPEC 5): what the store's
// sizing service hands the sizer. Other sources (the sizing lab's rolling window) fill a
// BookCorrelation themselves (sizing/CorrelationAware.h).

#include "Analytics.h"
#include "sizing/CorrelationAware.h"

#include <string_view>

namespace kelly {

// rho(s, j) is the build's correlation cell, sigma_j its annualized_volatility / sqrt(252).
// A blank cell or a held symbol the build lacks gives no rho (uncovered). `unavailable` is
// SymbolNotInBuild when the build does not know `orderSymbol` (normalised). The caller
// decides `setting off`, `no build` and `stale build` before it gets here.
BookCorrelation bookCorrelationFromBuild(const CorrelationBuild& build,
                                         std::string_view orderSymbol, const Account& account);

} // namespace kelly
