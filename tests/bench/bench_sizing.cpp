// One enhanced and one legacy sizing call on a 50-position account (issue 2: < 1 us per call),
// and the correlation-aware enhanced call of SPEC 11 on the same book (issue 14: < 2 us).
// Issue 25: <= 100 ns a call, margin room included, against a PreparedBook (the book's totals
// computed once); the same call without it and the preparation itself, in the same run.
#include "SyncedRates.h"
#include "risk/Correlation.h"
#include "risk/OrderCorrelation.h"
#include "sizing/Sizing.h"

#include <benchmark/benchmark.h>
#include <string>

using namespace kelly;
using kelly::bench::syncedRates;

namespace {

Account fiftyPositionAccount()
{
    Account account{1'000'000.0, 4'000'000.0, {}};
    for (int i = 0; i < 50; ++i)
        account.positions.push_back({"SYM" + std::to_string(i), 100.0 + i, 20.0 + i, 19.0 + i});
    return account;
}

enum class Rates
{
    Default,
    Synced
};

// One call per iteration; `prepared`: against the book's totals computed before the loop.
void sizeOnce(benchmark::State& state, SizingMode mode, Rates ratesKind, bool prepared)
{
    const Account account = fiftyPositionAccount();
    const CryptoList crypto;
    const MarginRates rates = syncedRates(account);
    SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    if (ratesKind == Rates::Synced)
        context.margin.rates = &rates;
    const PreparedBook book(account, crypto, context.margin);
    if (prepared)
        context.prepared = &book;
    const SizingRequest request{"SYM25", 47.5, 0.0004, 0.02};
    const double expectedQty = sizePosition(mode, request,
                                            {account, RiskLimits{}, crypto, 2.0, nullptr, nullptr,
                                             nullptr, context.margin})
                                   ->qty;
    for (auto _ : state) {
        auto result = sizePosition(mode, request, context);
        benchmark::DoNotOptimize(result);
    }
    if (sizePosition(mode, request, context)->qty != expectedQty)
        state.SkipWithError("the prepared book sized differently");
    state.SetItemsProcessed(state.iterations());
}

void BM_EnhancedSizing50Positions(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Enhanced, Rates::Default, false);
}
void BM_LegacySizing50Positions(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Legacy, Rates::Default, false);
}
void BM_EnhancedSizing50PositionsPrepared(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Enhanced, Rates::Default, true);
}
void BM_LegacySizing50PositionsPrepared(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Legacy, Rates::Default, true);
}
void BM_EnhancedSizingSyncedRates50Positions(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Enhanced, Rates::Synced, false);
}
void BM_EnhancedSizingSyncedRates50PositionsPrepared(benchmark::State& state)
{
    sizeOnce(state, SizingMode::Enhanced, Rates::Synced, true);
}

// The one-time cost a PreparedBook adds per loaded book, synced rates.
void BM_PrepareBook50PositionsSyncedRates(benchmark::State& state)
{
    const Account account = fiftyPositionAccount();
    const CryptoList crypto;
    const MarginRates rates = syncedRates(account);
    const MarginPolicy policy{0.25, 0.05, &rates};
    for (auto _ : state) {
        PreparedBook book(account, crypto, policy);
        benchmark::DoNotOptimize(book);
    }
}

// SPEC 11 data for every held symbol: rho in [-0.9, 0.9], daily sigma 1-3%.
BookCorrelation fiftyPositionCorrelation(const Account& account)
{
    BookCorrelation correlation;
    for (size_t i = 0; i < account.positions.size(); ++i) {
        correlation.rhoWithOrder.push_back(-0.9 + 1.8 * double(i % 19) / 18.0);
        correlation.sigmaDaily.push_back(0.01 + 0.02 * double(i % 7) / 6.0);
    }
    return correlation;
}

// The sizer alone, as the lab calls it with its own BookCorrelation; `prepared`: against the
// book's totals computed once, as the lab's day loop does.
void correlationAwareOnce(benchmark::State& state, bool prepared)
{
    const Account account = fiftyPositionAccount();
    const CryptoList crypto;
    const BookCorrelation correlation = fiftyPositionCorrelation(account);
    SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, &correlation};
    const PreparedBook book(account, crypto, context.margin);
    if (prepared)
        context.prepared = &book;
    const SizingRequest request{"SYM25", 47.5, 0.0004, 0.02};
    for (auto _ : state) {
        auto result = sizePosition(SizingMode::Enhanced, request, context);
        if (!result.ok() || !result->correlationAware)
            state.SkipWithError("the correlation term did not apply");
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_CorrelationAwareSizing50Positions(benchmark::State& state)
{
    correlationAwareOnce(state, false);
}
void BM_CorrelationAwareSizing50PositionsPrepared(benchmark::State& state)
{
    correlationAwareOnce(state, true);
}

// As the store sizes: the BookCorrelation read from a build of the 50 held symbols plus
// `range(0)` others, then the sizer.
void BM_CorrelationAwareSizingFromBuild(benchmark::State& state)
{
    const Account account = fiftyPositionAccount();
    const CryptoList crypto;
    CorrelationBuild build;
    for (const Position& p : account.positions)
        build.symbols.push_back(p.symbol);
    for (int64_t i = 0; i < state.range(0); ++i)
        build.symbols.push_back("OTHER" + std::to_string(i));
    const size_t n = build.symbols.size();
    for (size_t i = 0; i < n * n; ++i)
        build.correlation.emplace_back(i % (n + 1) == 0 ? 1.0 : 0.3);
    build.metrics.assign(n, VolatilityMetrics{0.3, 0.2, 0.5, -0.02, -0.2, 250});
    const SizingRequest request{"SYM25", 47.5, 0.0004, 0.02};
    for (auto _ : state) {
        const BookCorrelation correlation = bookCorrelationFromBuild(build, "SYM25", account);
        const SizingContext context{account, RiskLimits{}, crypto,      2.0,
                                    nullptr, nullptr,      &correlation};
        auto result = sizePosition(SizingMode::Enhanced, request, context);
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

} // namespace

BENCHMARK(BM_EnhancedSizing50Positions);
BENCHMARK(BM_LegacySizing50Positions);
BENCHMARK(BM_EnhancedSizing50PositionsPrepared);
BENCHMARK(BM_LegacySizing50PositionsPrepared);
BENCHMARK(BM_EnhancedSizingSyncedRates50Positions);
BENCHMARK(BM_EnhancedSizingSyncedRates50PositionsPrepared);
BENCHMARK(BM_PrepareBook50PositionsSyncedRates);
BENCHMARK(BM_CorrelationAwareSizing50Positions);
BENCHMARK(BM_CorrelationAwareSizing50PositionsPrepared);
BENCHMARK(BM_CorrelationAwareSizingFromBuild)->Arg(0)->Arg(450);
BENCHMARK_MAIN();
