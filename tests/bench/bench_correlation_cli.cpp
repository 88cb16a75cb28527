// corrbuild: the whole `correlation build` path as one process, for the pandas comparison
// (tests/bench/bench_correlation_vs_pandas.sh): read a price folder, build, print a summary.
//
// usage: corrbuild --prices DIR [--lookback N]
// Exit codes as kellyctl's: 0 done, 2 bad input.
#include "risk/Correlation.h"
#include "risk/CrossProducts.h"
#include "risk/PriceFile.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace kelly;

namespace {

int usage()
{
    std::fprintf(stderr, "usage: corrbuild --prices DIR [--lookback N]\n");
    return 2;
}

double millisecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

int main(int argc, char** argv)
{
    std::string folder;
    int lookback = kDefaultLookback;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--prices" && i + 1 < argc) {
            folder = argv[++i];
        } else if (arg == "--lookback" && i + 1 < argc) {
            char* end = nullptr;
            const long value = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || value > 1'000'000 || checkLookback(static_cast<int>(value))) {
                std::fprintf(stderr, "lookback: must be a whole number of days >= 1\n");
                return 2;
            }
            lookback = static_cast<int>(value);
        } else {
            return usage();
        }
    }
    if (folder.empty())
        return usage();

    const auto start = std::chrono::steady_clock::now();
    const auto prices = loadPriceFolder(folder);
    if (!prices) {
        std::fprintf(stderr, "%s\n", prices.error().describe().c_str());
        return 2;
    }
    const double loadMs = millisecondsSince(start);
    const auto buildStart = std::chrono::steady_clock::now();
    const CorrelationBuild build = buildCorrelation(prices.value(), lookback);
    const double buildMs = millisecondsSince(buildStart);

    // The sum of every non-blank rho: the benchmark checks it against pandas' sum.
    double rhoSum = 0.0;
    std::size_t blanks = 0;
    for (const auto& cell : build.correlation) {
        if (cell)
            rhoSum += *cell;
        else
            ++blanks;
    }
    std::printf("symbols %zu, lookback %d, blank cells %zu, shrinkage %.4f\n", build.symbols.size(),
                build.lookback, blanks, build.shrinkage);
    std::printf("rho_sum %.9f\n", rhoSum);
    std::printf("load %.1f ms, build %.1f ms, kernels: products %s, OpenBLAS %s\n", loadMs, buildMs,
                crossProductsKernel().c_str(), blasKernelName().c_str());
    return 0;
}
