// clusterOrder (Correlation.h): the heatmap's order, average-linkage clustering of 1 - rho.

#include "Correlation.h"

#include <cmath>
#include <limits>
#include <vector>

namespace kelly {

std::vector<int> clusterOrder(const CorrelationBuild& build)
{
    const std::size_t n = build.symbols.size();
    if (n == 0 || build.correlation.size() != n * n)
        return {};
    // Average linkage by Lance-Williams updates on a dense distance matrix. Each row keeps
    // its nearest higher-indexed neighbour, so a merge rescans only the rows that pointed
    // at the merged pair: about O(n^2) in practice instead of O(n^3) for the plain scan.
    std::vector<double> distance(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double rho = build.correlation[i * n + j].value_or(0.0);
            if (i != j)
                distance[i * n + j] = 1.0 - (std::isfinite(rho) ? rho : 0.0);
        }
    std::vector<std::vector<int>> leaves(n);
    std::vector<double> sizes(n, 1.0);
    std::vector<bool> active(n, true);
    for (std::size_t i = 0; i < n; ++i)
        leaves[i] = {static_cast<int>(i)};

    // nearest[a]: the active b > a closest to a, the lowest such b on a tie (n when none).
    std::vector<std::size_t> nearest(n, n);
    std::vector<double> nearestDistance(n, std::numeric_limits<double>::infinity());
    auto rescan = [&](std::size_t a) {
        nearest[a] = n;
        nearestDistance[a] = std::numeric_limits<double>::infinity();
        for (std::size_t b = a + 1; b < n; ++b)
            if (active[b] && distance[a * n + b] < nearestDistance[a]) {
                nearestDistance[a] = distance[a * n + b];
                nearest[a] = b;
            }
    };
    for (std::size_t a = 0; a < n; ++a)
        rescan(a);

    for (std::size_t merges = 1; merges < n; ++merges) {
        // The closest pair, the lowest (a, b) on a tie: deterministic.
        std::size_t bestA = n;
        for (std::size_t a = 0; a < n; ++a)
            if (active[a] && nearest[a] < n &&
                (bestA == n || nearestDistance[a] < nearestDistance[bestA]))
                bestA = a;
        if (bestA == n)
            break;
        const std::size_t bestB = nearest[bestA];

        // Merge b into a (a < b, so the cluster holding the lower index comes first).
        for (std::size_t k = 0; k < n; ++k) {
            if (!active[k] || k == bestA || k == bestB)
                continue;
            const double merged =
                (sizes[bestA] * distance[bestA * n + k] + sizes[bestB] * distance[bestB * n + k]) /
                (sizes[bestA] + sizes[bestB]);
            distance[bestA * n + k] = distance[k * n + bestA] = merged;
        }
        sizes[bestA] += sizes[bestB];
        leaves[bestA].insert(leaves[bestA].end(), leaves[bestB].begin(), leaves[bestB].end());
        leaves[bestB].clear();
        active[bestB] = false;

        for (std::size_t k = 0; k < n; ++k) {
            if (!active[k])
                continue;
            if (k == bestA || nearest[k] == bestA || nearest[k] == bestB)
                rescan(k);
            else if (k < bestA &&
                     (distance[k * n + bestA] < nearestDistance[k] ||
                      (distance[k * n + bestA] == nearestDistance[k] && bestA < nearest[k]))) {
                nearestDistance[k] = distance[k * n + bestA];
                nearest[k] = bestA;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (active[i])
            return leaves[i];
    return {};
}

} // namespace kelly
