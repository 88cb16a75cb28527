// The dashboard at scale (issue 7): a store with 2,000 positions and a 500-symbol
// correlation build. Targets on the 2-core machine: one changed store applied to the
// models < 16 ms, a full reload < 100 ms, painting the 500 x 500 heatmap < 16 ms.

#include "Clock.h"
#include "DeskSession.h"
#include "ExposureChartPanel.h"
#include "HeatmapWidget.h"
#include "MainWindow.h"
#include "PositionsModel.h"
#include "ScaleFixture.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>
#include <cmath>
#include <numeric>

using namespace kelly;
using namespace kelly::ui;

namespace {

constexpr int kPositions = 2000;
constexpr int kSymbols = 500;
const UtcTime kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(15);

std::vector<Position> book()
{
    std::vector<Position> positions;
    for (int i = 0; i < kPositions; ++i) {
        Position p;
        p.symbol = "S" + std::to_string(i);
        p.qty = 10.0 + i % 97;
        p.lastPriceUsd = 20.0 + i % 311;
        p.avgEntryUsd = p.lastPriceUsd * 0.98;
        positions.push_back(p);
    }
    return positions;
}

// The soak's synthetic 500-symbol build (one factor plus noise).
CorrelationBuild build()
{
    return soak::scaleBuild(kSymbols);
}

std::vector<PositionExposure> exposures(const std::vector<Position>& positions)
{
    Account account{1'000'000.0, 2'000'000.0, positions};
    return computeExposure(account, RiskLimits{}, CryptoList{}, 0.065, kNow).positions;
}

void BM_ApplyOneChangeToModel(benchmark::State& state)
{
    std::vector<Position> positions = book();
    PositionsModel model;
    model.setPositions(exposures(positions));
    int tick = 0;
    for (auto _ : state) {
        positions[static_cast<size_t>(tick % kPositions)].lastPriceUsd += 0.01;
        ++tick;
        // What a refresh does: recompute SPEC 6 and sync the model (one dataChanged).
        model.setPositions(exposures(positions));
    }
}
BENCHMARK(BM_ApplyOneChangeToModel)->Unit(benchmark::kMillisecond);

void BM_FullReloadFromStore(benchmark::State& state)
{
    QTemporaryDir folder;
    store::Store store;
    QString error;
    if (!store.open(folder.filePath(QStringLiteral("bench.sqlite")), &error) ||
        !store.setAccount(1'000'000.0, 2'000'000.0, kNow, &error) ||
        !store.setPositions(book(), true, kNow, &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    qint64 id = 0;
    if (!store.saveCorrelationBuild(build(), kNow, &id, &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    ManualClock clock(kNow);
    DeskSession session(store, clock, {});
    for (auto _ : state) {
        if (!session.reload(&error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
    }
}
BENCHMARK(BM_FullReloadFromStore)->Unit(benchmark::kMillisecond);

// Where the live soak's GUI stalls come from (tests/soak): every poll while a bot marks
// prices brings a book whose every price moved. First the exposure chart alone...
void BM_ExposureChartChangedBook(benchmark::State& state)
{
    std::vector<Position> positions = book();
    ExposureChartPanel chart;
    for (auto _ : state) {
        state.PauseTiming();
        for (Position& p : positions)
            p.lastPriceUsd += 0.25;
        const std::vector<PositionExposure> moved = exposures(positions);
        state.ResumeTiming();
        chart.setPositions(moved, RiskLimits{}.symbolCapPct);
    }
}
BENCHMARK(BM_ExposureChartChangedBook)->Unit(benchmark::kMillisecond);

// ...then the whole poll: reload from the store and apply to the shown window (book tab),
// with the repaint it schedules. The write that moved the prices is not timed.
void BM_ReloadChangedBookIntoWindow(benchmark::State& state)
{
    QTemporaryDir folder;
    store::Store store;
    QString error;
    qint64 id = 0;
    std::vector<Position> positions = book();
    if (!store.open(folder.filePath(QStringLiteral("bench.sqlite")), &error) ||
        !store.setAccount(1'000'000.0, 2'000'000.0, kNow, &error) ||
        !store.setPositions(positions, true, kNow, &error) ||
        !store.saveCorrelationBuild(build(), kNow, &id, &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    ManualClock clock(kNow);
    DeskSession session(store, clock, {});
    if (!session.reload(&error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    MainWindow window(session);
    window.selectTab(QStringLiteral("book"));
    window.show();
    QCoreApplication::processEvents();
    for (auto _ : state) {
        state.PauseTiming();
        for (Position& p : positions)
            p.lastPriceUsd += 0.25;
        const bool written = store.setPositions(positions, false, kNow, &error);
        state.ResumeTiming();
        if (!written || !session.reload(&error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        QCoreApplication::processEvents();
    }
}
BENCHMARK(BM_ReloadChangedBookIntoWindow)->Unit(benchmark::kMillisecond);

void BM_PaintHeatmap500(benchmark::State& state)
{
    HeatmapWidget heatmap;
    heatmap.resize(1200, 900);
    std::vector<int> order(kSymbols);
    std::iota(order.begin(), order.end(), 0);
    const CorrelationBuild b = build();
    QImage target(heatmap.size(), QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        // A new build: the cell image is rendered once, then painted.
        heatmap.setBuild(b, order);
        heatmap.render(&target);
    }
}
BENCHMARK(BM_PaintHeatmap500)->Unit(benchmark::kMillisecond);

void BM_RepaintHeatmap500(benchmark::State& state)
{
    HeatmapWidget heatmap;
    heatmap.resize(1200, 900);
    std::vector<int> order(kSymbols);
    std::iota(order.begin(), order.end(), 0);
    heatmap.setBuild(build(), order);
    QImage target(heatmap.size(), QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state)
        heatmap.render(&target); // a hover or resize: the cached image is only drawn
}
BENCHMARK(BM_RepaintHeatmap500)->Unit(benchmark::kMillisecond);

// Store open to a painted main window over the 2,000-position, 500-symbol store
// (target < 1 s).
void BM_StartupToFirstPaint(benchmark::State& state)
{
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("bench.sqlite"));
    QString error;
    {
        store::Store seed;
        qint64 id = 0;
        if (!seed.open(path, &error) || !seed.setAccount(1'000'000.0, 2'000'000.0, kNow, &error) ||
            !seed.setPositions(book(), true, kNow, &error) ||
            !seed.saveCorrelationBuild(build(), kNow, &id, &error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
    }
    ManualClock clock(kNow);
    for (auto _ : state) {
        store::Store store;
        if (!store.open(path, &error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        DeskSession session(store, clock, {});
        if (!session.reload(&error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        MainWindow window(session);
        window.selectTab(QStringLiteral("correlation"));
        const QPixmap painted = window.grab();
        benchmark::DoNotOptimize(painted.cacheKey());
    }
}
BENCHMARK(BM_StartupToFirstPaint)->Unit(benchmark::kMillisecond)->Iterations(3);

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
