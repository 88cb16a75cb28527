#include "PortfolioRisk.h"

#include "common/Symbols.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace kelly {

PortfolioRisk computePortfolioRisk(const Account& account, const CorrelationBuild& build)
{
    PortfolioRisk risk;
    const std::size_t n = build.symbols.size();
    const bool covarianceComplete = build.covarianceDaily.size() == n * n;
    std::unordered_map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < n; ++i)
        column.emplace(build.symbols[i], i);

    std::vector<double> values(n, 0.0);
    std::vector<bool> isHeld(n, false);
    std::vector<std::size_t> held;
    double grossUsd = 0.0;
    double sumSquaresUsd = 0.0;
    bool anyPosition = false;
    for (const Position& position : account.positions) {
        const double marketValue = position.marketValueUsd();
        if (marketValue == 0.0)
            continue;
        anyPosition = true;
        if (!std::isfinite(marketValue)) {
            risk.uncovered.push_back(position.symbol);
            continue;
        }
        grossUsd += std::abs(marketValue);
        sumSquaresUsd += marketValue * marketValue;
        const auto found = column.find(position.symbol);
        if (found == column.end() || !covarianceComplete) {
            risk.uncovered.push_back(position.symbol);
            continue;
        }
        if (!isHeld[found->second])
            held.push_back(found->second);
        isHeld[found->second] = true;
        values[found->second] += marketValue;
    }

    if (grossUsd > 0.0)
        risk.effectiveBets = grossUsd * grossUsd / sumSquaresUsd; // 1 / sum (current/gross)^2
    if (!anyPosition) {
        risk.sigmaDailyUsd = 0.0;
        risk.var95Usd = 0.0;
        return risk;
    }
    if (held.empty())
        return risk;

    // v' S v over the held columns only: the book is small, the build may be 500 wide.
    double variance = 0.0;
    for (std::size_t a : held)
        for (std::size_t b : held)
            variance += values[a] * build.covarianceDaily[a * n + b] * values[b];
    const double sigma = std::sqrt(std::max(0.0, variance)); // PSD: only rounding is negative
    if (!std::isfinite(sigma))
        return risk;
    risk.sigmaDailyUsd = sigma;
    risk.var95Usd = kVar95ZScore * sigma;
    return risk;
}

PortfolioRisk computeWhatIfRisk(const Account& account, const CorrelationBuild& build,
                                const std::string& symbol, double addedQty, double priceUsd)
{
    Account after = account;
    const std::string normalized = normalizeSymbol(symbol);
    auto existing = std::find_if(after.positions.begin(), after.positions.end(),
                                 [&](const Position& p) { return p.symbol == normalized; });
    if (existing != after.positions.end()) {
        // Issue 26: the held quantity stays at its mark; only the order is valued at the
        // order's price (a what-if's typed price is not a new mark of the book).
        const double value = existing->qty * existing->lastPriceUsd + addedQty * priceUsd;
        existing->qty += addedQty;
        existing->lastPriceUsd = existing->qty != 0.0 ? value / existing->qty : priceUsd;
    } else {
        after.positions.push_back(Position{normalized, addedQty, priceUsd, priceUsd});
    }
    return computePortfolioRisk(after, build);
}

} // namespace kelly
