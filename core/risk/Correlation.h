#pragma once

// SPEC 5: the correlation matrix, the per-symbol volatility metrics and the shrunk daily
// covariance of a set of price series, plus the heatmap's cluster order.

#include "Analytics.h"

#include <optional>
#include <vector>

namespace kelly {

inline constexpr int kDefaultLookback = 250;
inline constexpr int kMinCorrelationObservations = 20; // SPEC 5: fewer -> blank
inline constexpr double kAnnualizationDays = 252.0;    // SPEC 5: sqrt(252) annualises

// `correlation build --lookback N` accepts N >= 1; anything else is bad input (exit 2).
std::optional<InputError> checkLookback(int lookback);

// Builds everything a `correlation build` stores, equal to pandas'
// `pd.concat(returns, axis=1).tail(lookback).corr(min_periods=20)` where `returns` are the
// simple returns of each series on its own calendar and the joined index is every date of
// every series (a series' first date is in the index with no return).
//
// Series are as readPriceFile returns them (ascending unique ISO dates, finite positive
// closes); a return that is still not finite counts as missing. A lookback below 1 is
// treated as 1 (validate user input with checkLookback).
//
// Columns that are constant over the window (variance within 1e-12 of their mean square)
// have no correlation: blank, as pandas' zero divisor gives NaN.
//
// Covariance (always positive semi-definite): S = D R* D, where D holds each symbol's
// sample standard deviation over its own returns in the window and
// R* = (1 - delta) R + delta I shrinks the pairwise correlation R (blanks read as 0) toward
// the identity, i.e. the covariance toward its diagonal. `shrinkage` is delta, the
// Ledoit-Wolf-type analytic intensity for that target (Schaefer & Strimmer 2005, target "D"):
//   delta = sum_{i!=j} Var^(r_ij) / sum_{i!=j} r_ij^2, clamped to [0, 1] (1 when no pair
//   has a correlation), with Var^(r_ij) = n/(n-1)^3 sum_k (w_kij - mean w_ij)^2,
//   w_kij = z_ki z_kj over the pair's common observations (z standardised by each symbol's
//   window mean and sd).
// Gaps: R is pairwise-complete, so with gaps (or more symbols than dates) R* can have
// negative eigenvalues. Those are clipped to 0 and R* rescaled to a unit diagonal (one
// Higham step): the variances stay, the offending directions go, and the other
// correlations keep their size rather than all being shrunk toward 0.
CorrelationBuild buildCorrelation(const std::vector<PriceSeries>& series,
                                  int lookback = kDefaultLookback);

// buildCorrelation in its two steps, for a caller that overlaps other work with the second:
// buildPairwiseCorrelation fills everything but covarianceLift and covarianceDaily;
// repairCorrelation fills those two (the repair of R* and the covariance S) and reads only
// symbols, correlation, shrinkage and dailyVolatility, so another thread may read the rest
// of the build meanwhile.
CorrelationBuild buildPairwiseCorrelation(const std::vector<PriceSeries>& series,
                                          int lookback = kDefaultLookback);
void repairCorrelation(CorrelationBuild& build);

// The covariance of a build from its parts, as buildCorrelation defines it: R0 is
// `correlation` with blanks as 0 and a unit diagonal, R* = (1 - shrinkage) R0 + shrinkage I,
// R+ = R* + L L' rescaled to a unit diagonal (L = covarianceLift, n x k; R+ = R* when
// empty), and S_ij = dailyVolatility_i dailyVolatility_j R+_ij. buildCorrelation fills
// covarianceDaily with exactly this, so a store that keeps the parts reads back the same
// bits. Empty when the parts do not fit the symbols.
std::vector<double> assembleCovariance(const CorrelationBuild& build);

// The BLAS kernel set OpenBLAS picked for this CPU at load time ("Zen", "Haswell",
// "SkylakeX"; "Prescott" is its generic fallback): the benchmark prints it beside a figure.
std::string blasKernelName();

// SPEC 5 metrics of one series on its own last `lookback` returns. Degenerate windows give
// finite values, never NaN: fewer than 2 returns -> volatility 0 and no Sharpe; fewer than
// 2 negative returns -> downside 0; no return -> var_95 0. max_drawdown runs over the
// closes that span those returns (the last lookback + 1 closes), so the first return's
// fall counts.
VolatilityMetrics computeVolatilityMetrics(const std::vector<double>& closes,
                                           int lookback = kDefaultLookback);

// Whether stored metrics are fit to drive the sizer's forecast (SPEC 2.4): at least two
// returns. A build keeps unfit metrics for display; callers skip them for sizing.
bool metricsUsableForSizing(const VolatilityMetrics& metrics);

// Leaf order of an average-linkage clustering on d = 1 - rho, for the heatmap. A blank
// correlation counts as rho = 0 (d = 1, unrelated). Ties merge the lowest indices first,
// so the order is deterministic; when two clusters merge the one holding the lower index
// comes first.
std::vector<int> clusterOrder(const CorrelationBuild& build);

} // namespace kelly
