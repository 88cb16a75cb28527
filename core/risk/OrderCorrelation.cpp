#include "OrderCorrelation.h"

#include "Correlation.h"

#include <cmath>
#include <string>
#include <unordered_map>

namespace kelly {

BookCorrelation bookCorrelationFromBuild(const CorrelationBuild& build,
                                         std::string_view orderSymbol, const Account& account)
{
    BookCorrelation out;
    const size_t n = build.symbols.size();
    std::unordered_map<std::string_view, size_t> index;
    index.reserve(n);
    for (size_t i = 0; i < n; ++i)
        index.emplace(build.symbols[i], i);
    const auto order = index.find(orderSymbol);
    if (order == index.end() || build.correlation.size() != n * n || build.metrics.size() != n) {
        out.unavailable = CorrelationReason::SymbolNotInBuild;
        return out;
    }
    const size_t row = order->second * n;
    out.rhoWithOrder.reserve(account.positions.size());
    out.sigmaDaily.reserve(account.positions.size());
    for (const Position& held : account.positions) {
        const auto found = index.find(held.symbol);
        if (found == index.end()) {
            out.rhoWithOrder.emplace_back();
            out.sigmaDaily.push_back(0.0);
            continue;
        }
        out.rhoWithOrder.push_back(build.correlation[row + found->second]);
        out.sigmaDaily.push_back(build.metrics[found->second].annualizedVolatility /
                                 std::sqrt(kAnnualizationDays));
    }
    return out;
}

} // namespace kelly
