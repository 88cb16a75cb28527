#include "Stress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

namespace kelly {

StressOutcome runStressScenario(const Account& account, const MarginBook& book,
                                const StressScenario& scenario)
{
    StressOutcome out;
    out.name = scenario.name;
    for (size_t i = 0; i < account.positions.size(); ++i) {
        const Position& p = account.positions[i];
        const double move = i < scenario.moves.size() ? scenario.moves[i] : 0.0;
        const double price = p.lastPriceUsd * (1.0 + move);
        out.pnlUsd += p.qty * (price - p.lastPriceUsd);
        out.grossAfterUsd += std::abs(p.qty * price);
        out.maintenanceAfterUsd += book.rules[i].requirementAt(price);
    }
    out.equityAfterUsd = book.equityUsd + out.pnlUsd;
    out.excessAfterUsd = out.equityAfterUsd - out.maintenanceAfterUsd;
    out.marginCall = out.equityAfterUsd < out.maintenanceAfterUsd;
    if (out.equityAfterUsd > 0.0)
        out.leverageAfter = out.grossAfterUsd / out.equityAfterUsd;
    if (out.equityAfterUsd <= 0.0)
        out.cureUsd = out.grossAfterUsd;
    else if (out.marginCall)
        out.cureUsd =
            std::max(0.0, 1.0 - out.equityAfterUsd / out.maintenanceAfterUsd) * out.grossAfterUsd;
    return out;
}

std::string formatMovePct(double pct)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", pct == 0.0 ? 0.0 : pct);
    return text;
}

StressScenario uniformMoveScenario(const Account& account, double movePct)
{
    return {"move " + formatMovePct(movePct) + "%",
            std::vector<double>(account.positions.size(), movePct / 100.0)};
}

StressScenario shockScenario(const std::string& symbol, double shockPct,
                             std::span<const double> betas)
{
    StressScenario scenario{"shock " + symbol + " " + formatMovePct(shockPct) + "%", {}};
    scenario.moves.reserve(betas.size());
    for (double beta : betas)
        scenario.moves.push_back(beta * shockPct / 100.0);
    return scenario;
}

std::optional<std::vector<double>> shockBetas(const Account& account, const CorrelationBuild& build,
                                              const std::string& symbol)
{
    const size_t n = build.symbols.size();
    if (build.covarianceDaily.size() != n * n)
        return std::nullopt;
    std::unordered_map<std::string, size_t> column;
    for (size_t i = 0; i < n; ++i)
        column.emplace(build.symbols[i], i);
    const auto shocked = column.find(symbol);
    if (shocked == column.end())
        return std::nullopt;
    const size_t s = shocked->second;
    const double varianceS = build.covarianceDaily[s * n + s];
    if (!(varianceS > 0.0))
        return std::nullopt;
    std::vector<double> betas;
    betas.reserve(account.positions.size());
    for (const Position& p : account.positions) {
        if (p.symbol == symbol) {
            betas.push_back(1.0);
            continue;
        }
        const auto j = column.find(p.symbol);
        betas.push_back(j == column.end() ? 0.0
                                          : build.covarianceDaily[j->second * n + s] / varianceS);
    }
    return betas;
}

std::vector<StressScenario> worstHistoryScenarios(const Account& account,
                                                  std::span<const PriceSeries> prices, int worst)
{
    // Each held symbol's returns by date, on its own calendar (SPEC 5).
    std::map<std::string, std::vector<double>> movesByDate;
    for (size_t i = 0; i < account.positions.size(); ++i) {
        const auto series = std::find_if(prices.begin(), prices.end(), [&](const PriceSeries& s) {
            return s.symbol == account.positions[i].symbol;
        });
        if (series == prices.end())
            continue;
        for (size_t t = 1; t < series->closes.size(); ++t) {
            auto& moves = movesByDate[series->dates[t]];
            moves.resize(account.positions.size(), 0.0);
            moves[i] = series->closes[t] / series->closes[t - 1] - 1.0;
        }
    }
    struct Day
    {
        double pnlUsd;
        std::map<std::string, std::vector<double>>::iterator entry;
    };
    std::vector<Day> days;
    days.reserve(movesByDate.size());
    for (auto it = movesByDate.begin(); it != movesByDate.end(); ++it) {
        double pnl = 0.0;
        for (size_t i = 0; i < account.positions.size(); ++i)
            pnl += account.positions[i].marketValueUsd() * it->second[i];
        days.push_back({pnl, it});
    }
    const size_t keep = std::min(days.size(), static_cast<size_t>(std::max(worst, 0)));
    std::stable_sort(days.begin(), days.end(),
                     [](const Day& a, const Day& b) { return a.pnlUsd < b.pnlUsd; });
    std::vector<StressScenario> scenarios;
    scenarios.reserve(keep);
    for (size_t d = 0; d < keep; ++d)
        scenarios.push_back({days[d].entry->first, days[d].entry->second});
    return scenarios;
}

} // namespace kelly
