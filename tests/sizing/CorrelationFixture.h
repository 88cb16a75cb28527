#pragma once

// A correlation build made to order for SPEC 11 tests: exact correlations and annualized
// volatilities, every other field consistent so the store accepts it.

#include "risk/Analytics.h"
#include "risk/Correlation.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace kelly::testing {

// `correlation` is n x n row-major (symmetric, nullopt = blank); `annualVolatility` per symbol.
inline CorrelationBuild correlationBuild(std::vector<std::string> symbols,
                                         std::vector<std::optional<double>> correlation,
                                         const std::vector<double>& annualVolatility)
{
    CorrelationBuild build;
    const size_t n = symbols.size();
    build.symbols = std::move(symbols);
    build.correlation = std::move(correlation);
    build.observations.assign(n * n, 250);
    for (size_t i = 0; i < n * n; ++i)
        if (!build.correlation[i])
            build.observations[i] = 5;
    for (size_t i = 0; i < n; ++i) {
        build.dailyVolatility.push_back(annualVolatility[i] / std::sqrt(kAnnualizationDays));
        VolatilityMetrics metrics;
        metrics.annualizedVolatility = annualVolatility[i];
        metrics.downsideVolatility = annualVolatility[i] * 0.7;
        metrics.sharpeRatio = 0.5;
        metrics.var95 = -0.02;
        metrics.maxDrawdown = -0.2;
        metrics.returnsUsed = 250;
        build.metrics.push_back(metrics);
        build.quality.push_back({build.symbols[i], 250, 0, "2025-11-25", "2026-11-24"});
    }
    build.covarianceDaily = assembleCovariance(build);
    return build;
}

// SPEC 11's example: rho(NVDA, AAPL) = 0.6, AAPL annualized volatility 0.32 (NVDA 0.5).
inline CorrelationBuild nvdaAaplBuild()
{
    return correlationBuild({"AAPL", "NVDA"}, {1.0, 0.6, 0.6, 1.0}, {0.32, 0.5});
}

// The build with its data ending on `lastDate` (ISO), the data's date of SPEC 5.
inline CorrelationBuild withDataDate(CorrelationBuild build, const std::string& lastDate)
{
    for (SymbolQuality& quality : build.quality)
        quality.lastDate = lastDate;
    return build;
}

} // namespace kelly::testing
