// Issue 21's margin figures: a sizing call with the margin room on a 50-position book whose
// every symbol has a synced broker rate (< 400 ns), SPEC 16's stress on 2,000 positions x 100
// scenarios (< 20 ms) and the dashboard's margin report of 2,000 positions (< 1 ms added to a
// reload), each beside the reference it extends, measured in the same run.
#include "SyncedRates.h"
#include "margin/Stress.h"
#include "sizing/Exposure.h"
#include "sizing/Sizing.h"

#include <benchmark/benchmark.h>
#include <string>

using namespace kelly;
using kelly::bench::syncedRates;

namespace {

Account book(int positions)
{
    Account account{1'000'000.0 * positions / 50.0, 4'000'000.0 * positions / 50.0, {}};
    for (int i = 0; i < positions; ++i) // every fifth a short, some under the 2.50/5.00 lines
        account.positions.push_back({"SYM" + std::to_string(i), (i % 5 ? 100.0 : -100.0) + i,
                                     (i % 11 ? 20.0 : 3.0) + i % 97, 19.0});
    return account;
}

void BM_SizingWithMarginRoom50Positions(benchmark::State& state)
{
    const Account account = book(50);
    const MarginRates rates = syncedRates(account);
    const CryptoList crypto;
    SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    context.margin.rates = &rates;
    const SizingRequest request{"SYM25", 47.5, 0.0004, 0.02};
    for (auto _ : state) {
        auto result = sizePosition(SizingMode::Enhanced, request, context);
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

// The requirement alone, the part of the call the margin room adds.
void BM_MaintenanceRequirement50Positions(benchmark::State& state)
{
    const Account account = book(50);
    const MarginRates rates = syncedRates(account);
    const CryptoList crypto;
    const MarginPolicy policy{0.25, 0.05, &rates};
    for (auto _ : state)
        benchmark::DoNotOptimize(maintenanceRequirementUsd(account, crypto, policy));
}

void BM_Stress2000PositionsX100Scenarios(benchmark::State& state)
{
    const Account account = book(2000);
    const CryptoList crypto;
    const MarginBook margin = describeMargin(account, crypto, MarginPolicy{});
    std::vector<StressScenario> scenarios;
    for (int s = 0; s < 100; ++s)
        scenarios.push_back(uniformMoveScenario(account, -50.0 + s));
    for (auto _ : state)
        for (const StressScenario& scenario : scenarios)
            benchmark::DoNotOptimize(runStressScenario(account, margin, scenario));
    state.SetItemsProcessed(state.iterations() * 100);
}

// The dashboard's margin figures of a reload: MR, the fall and rise to a call, every
// position's single-name move.
void BM_MarginReport2000Positions(benchmark::State& state)
{
    const Account account = book(2000);
    const MarginRates rates = syncedRates(account);
    const CryptoList crypto;
    const MarginPolicy policy{0.25, 0.05, &rates};
    for (auto _ : state)
        benchmark::DoNotOptimize(computeMarginReport(account, crypto, policy, 50'000.0));
}

// The reference: what a reload already computes per position (SPEC 6's exposure report).
void BM_ExposureReport2000Positions(benchmark::State& state)
{
    const Account account = book(2000);
    const CryptoList crypto;
    const UtcTime now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7};
    for (auto _ : state)
        benchmark::DoNotOptimize(computeExposure(account, RiskLimits{}, crypto, 0.065, now));
}

} // namespace

BENCHMARK(BM_SizingWithMarginRoom50Positions);
BENCHMARK(BM_MaintenanceRequirement50Positions);
BENCHMARK(BM_Stress2000PositionsX100Scenarios)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MarginReport2000Positions)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExposureReport2000Positions)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
