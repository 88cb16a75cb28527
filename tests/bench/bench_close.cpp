// SPEC 17's min-risk close plan in-process (issue 22: 500 positions under 50 ms, 50 under
// 2 ms), on a real build: buildCorrelation over a year of synthetic closes from a
// three-factor market, so the covariance is shrunk and conditioned as a desk's is.
#include "close/ClosePlan.h"
#include "risk/Correlation.h"

#include <array>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

using namespace kelly;

namespace {

struct Book
{
    ClosePlanInput input;
    CorrelationBuild build;
};

Book makeBook(int positions)
{
    std::mt19937_64 rng(22);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<PriceSeries> series(static_cast<size_t>(positions));
    std::vector<std::array<double, 3>> loadings(series.size());
    for (auto& l : loadings)
        l = {0.6 + 0.6 * unit(rng), normal(rng) * 0.5, normal(rng) * 0.5};
    std::vector<double> closes(series.size(), 100.0);
    for (int day = 0; day < 261; ++day) {
        const double f[3] = {0.01 * normal(rng), 0.006 * normal(rng), 0.004 * normal(rng)};
        char date[16];
        std::snprintf(date, sizeof date, "2025-%02d-%02d", 1 + day / 28, 1 + day % 28);
        for (size_t i = 0; i < series.size(); ++i) {
            const double r = loadings[i][0] * f[0] + loadings[i][1] * f[1] + loadings[i][2] * f[2] +
                             0.015 * normal(rng);
            if (day > 0)
                closes[i] *= 1.0 + r;
            series[i].symbol = "S" + std::to_string(i);
            series[i].dates.push_back(date);
            series[i].closes.push_back(closes[i]);
        }
    }
    Book book;
    book.build = buildCorrelation(series);
    book.input.account.equityUsd = 1'000'000.0;
    for (size_t i = 0; i < series.size(); ++i) {
        const double price = 10.0 + 490.0 * unit(rng);
        const double valueUsd = 3'500'000.0 / positions * (0.2 + 1.6 * unit(rng));
        double qty = std::floor(valueUsd / price) + 1.0;
        if (unit(rng) < 0.2)
            qty = -qty;
        book.input.account.positions.push_back({series[i].symbol, qty, price, price});
    }
    book.input.now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1};
    return book;
}

void BM_MinRiskClosePlan(benchmark::State& state)
{
    Book book = makeBook(static_cast<int>(state.range(0)));
    book.input.build = &book.build;
    int iterations = 0;
    for (auto _ : state) {
        auto plan = planClose(book.input, CloseMethod::MinRisk);
        if (!plan.ok() || !plan->needed)
            state.SkipWithError("no plan");
        iterations = plan->solverIterations;
        benchmark::DoNotOptimize(plan);
    }
    state.counters["solver_iterations"] = iterations;
}

void BM_ProportionalClosePlan(benchmark::State& state)
{
    Book book = makeBook(static_cast<int>(state.range(0)));
    book.input.build = &book.build;
    for (auto _ : state) {
        auto plan = planClose(book.input, CloseMethod::Proportional);
        benchmark::DoNotOptimize(plan);
    }
}

} // namespace

BENCHMARK(BM_MinRiskClosePlan)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProportionalClosePlan)->Arg(50)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
