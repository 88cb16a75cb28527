// One enhanced and one legacy sizing call on a 50-position account (issue 2: < 1 us per call).
#include "sizing/Sizing.h"

#include <benchmark/benchmark.h>
#include <string>

using namespace kelly;

namespace {

Account fiftyPositionAccount()
{
    Account account{1'000'000.0, 4'000'000.0, {}};
    for (int i = 0; i < 50; ++i)
        account.positions.push_back({"SYM" + std::to_string(i), 100.0 + i, 20.0 + i, 19.0 + i});
    return account;
}

void sizeOnce(benchmark::State& state, SizingMode mode)
{
    const Account account = fiftyPositionAccount();
    const CryptoList crypto;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    const SizingRequest request{"SYM25", 47.5, 0.0004, 0.02};
    for (auto _ : state) {
        auto result = sizePosition(mode, request, context);
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_EnhancedSizing50Positions(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Enhanced);
}
void BM_LegacySizing50Positions(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Legacy);
}

} // namespace

BENCHMARK(BM_EnhancedSizing50Positions);
BENCHMARK(BM_LegacySizing50Positions);
BENCHMARK_MAIN();
