#pragma once

// The contract between the analytics (SPEC 5), the store that persists a build, and the
// dashboard that draws it. Plain data: no Qt, no storage. The functions that fill it are in
// PriceFile.h, Correlation.h and PortfolioRisk.h (choices explained in README.md here).

#include "common/Result.h"
#include "sizing/Account.h"
#include "sizing/Sizing.h"

#include <optional>
#include <string>
#include <vector>

namespace kelly {

// One symbol's daily closes, ascending by date. Dates are ISO "YYYY-MM-DD".
struct PriceSeries
{
    std::string symbol; // normalised (SPEC 1)
    std::vector<std::string> dates;
    std::vector<double> closes;
};

// Per-symbol data quality of a build (SPEC 5: returns used, missing).
struct SymbolQuality
{
    std::string symbol;
    int returnsUsed = 0;   // returns inside the lookback window of the joined index
    int missing = 0;       // joined dates in the window with no return for this symbol
    std::string firstDate; // first and last close in the file
    std::string lastDate;
};

// The result of `correlation build`: everything the store keeps and the dashboard shows.
// Matrices are row-major n x n in `symbols` order.
struct CorrelationBuild
{
    std::vector<std::string> symbols;
    int lookback = 250;
    std::vector<std::optional<double>> correlation; // nullopt: < 20 common observations
    std::vector<int> observations;                  // pairwise-complete counts
    std::vector<double> covarianceDaily;            // shrunk, positive semi-definite
    // What covarianceDaily is assembled from (assembleCovariance, Correlation.h), and all a
    // store needs to keep of it: each symbol's daily sample sd over the window, and the
    // lift that repaired the shrunk correlation to PSD, n x k column-major (empty: none).
    std::vector<double> dailyVolatility;
    std::vector<double> covarianceLift;
    double shrinkage = 0.0;                         // Ledoit-Wolf intensity in [0, 1]
    std::vector<VolatilityMetrics> metrics;         // aligned with symbols
    std::vector<SymbolQuality> quality;             // aligned with symbols
};

// SPEC 5 portfolio risk of a book against a build.
struct PortfolioRisk
{
    std::optional<double> sigmaDailyUsd; // sqrt(v' S v); absent when nothing is covered
    std::optional<double> var95Usd;      // 1.645 x sigma
    std::optional<double> effectiveBets; // 1 / sum w_i^2; absent when gross == 0
    std::vector<std::string> uncovered;  // held symbols the build does not know
};

} // namespace kelly
