// bench_csv: the shared CSV line reader (core/common/CsvLines) through its two users, a
// price file (SPEC 5) and a forecast file (SPEC 12), parsed from memory (issue 25).
#include "lab/Forecast.h"
#include "risk/PriceFile.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <string>

namespace {

std::string isoDate(int day)
{
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", 2000 + day / 336, 1 + day / 28 % 12,
                  1 + day % 28);
    return text;
}

// Yahoo's layout, `days` rows.
std::string priceText(int days)
{
    std::string text = "Date,Open,High,Low,Close,Adj Close,Volume\n";
    for (int d = 0; d < days; ++d) {
        const std::string close = std::to_string(100.0 + (d * 37 % 101) * 0.173);
        text += isoDate(d) + "," + close + "," + close + "," + close + "," + close + "," + close +
                ",123456\n";
    }
    return text;
}

// `date,close` with six decimals, the layout nearly every price file (and the pandas
// benchmark's generator) writes: the rows read in one pass without splitting.
std::string plainPriceText(int days)
{
    std::string text = "date,close\n";
    char close[32];
    for (int d = 0; d < days; ++d) {
        std::snprintf(close, sizeof close, "%.6f", 100.0 + (d * 37 % 101) * 0.1731);
        text += isoDate(d) + "," + close + "\n";
    }
    return text;
}

std::string forecastText(int days, int symbols)
{
    std::string text = "date,symbol,mu,sigma\n";
    for (int d = 0; d < days; ++d)
        for (int s = 0; s < symbols; ++s)
            text += isoDate(d) + ",S" + std::to_string(s) + "," +
                    std::to_string(((d + s) % 17 - 8) * 1e-4) + ",0.02\n";
    return text;
}

void BM_PriceFile1500Rows(benchmark::State& state)
{
    const std::string text = priceText(1500);
    for (auto _ : state) {
        auto series = kelly::parsePriceCsv(text, "bench.csv", "BENCH");
        benchmark::DoNotOptimize(series);
    }
    state.SetItemsProcessed(state.iterations() * 1500);
    state.SetBytesProcessed(state.iterations() * static_cast<long long>(text.size()));
}
BENCHMARK(BM_PriceFile1500Rows)->Unit(benchmark::kMicrosecond);

void BM_PlainPriceFile1500Rows(benchmark::State& state)
{
    const std::string text = plainPriceText(1500);
    for (auto _ : state) {
        auto series = kelly::parsePriceCsv(text, "bench.csv", "BENCH");
        benchmark::DoNotOptimize(series);
    }
    state.SetItemsProcessed(state.iterations() * 1500);
    state.SetBytesProcessed(state.iterations() * static_cast<long long>(text.size()));
}
BENCHMARK(BM_PlainPriceFile1500Rows)->Unit(benchmark::kMicrosecond);

void BM_ForecastFile15000Rows(benchmark::State& state)
{
    const std::string text = forecastText(1500, 10);
    for (auto _ : state) {
        auto table = kelly::lab::parseForecastCsv(text, "forecast.csv");
        benchmark::DoNotOptimize(table);
    }
    state.SetItemsProcessed(state.iterations() * 15000);
    state.SetBytesProcessed(state.iterations() * static_cast<long long>(text.size()));
}
BENCHMARK(BM_ForecastFile15000Rows)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
