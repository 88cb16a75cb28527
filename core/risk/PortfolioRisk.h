#pragma once

// SPEC 5 portfolio risk: the daily sigma and 1-day parametric VaR 95% of a book in USD
// against a build's shrunk covariance, and its effective number of bets.

#include "Analytics.h"

#include <string>

namespace kelly {

inline constexpr double kVar95ZScore = 1.645; // SPEC 5: one-sided 95% normal quantile

// v holds the signed market values of the held symbols the build covers; sigma =
// sqrt(v' S v), VaR = 1.645 sigma. Held symbols the build lacks (or whose market value is
// not finite) are listed in `uncovered`, never silently dropped. An empty book has sigma
// and VaR 0; a book with positions but none covered has neither. Effective bets weigh
// every position, covered or not: w_i = current(i) / gross, absent when gross is 0.
PortfolioRisk computePortfolioRisk(const Account& account, const CorrelationBuild& build);

// The what-if: the book after adding `addedQty` (signed) of `symbol` at `priceUsd`; a held
// position in that symbol keeps its mark (issue 26). The symbol is normalised.
PortfolioRisk computeWhatIfRisk(const Account& account, const CorrelationBuild& build,
                                const std::string& symbol, double addedQty, double priceUsd);

} // namespace kelly
