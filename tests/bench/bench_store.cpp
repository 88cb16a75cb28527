// Issue 3 targets: >= 5,000 single-update transactions per second through the store API,
// and `kellyctl size` under 20 ms per whole process.

#include "Store.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>

namespace {

const kelly::UtcTime kNow{std::chrono::seconds(1795000000)};

QString freshStore(const QTemporaryDir& dir, const char* name)
{
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile::remove(path);
    return path;
}

// One transaction per update, as a bot marking one position at a time.
void BM_PositionUpdateSingleTransaction(benchmark::State& state)
{
    QTemporaryDir dir;
    kelly::store::Store store;
    QString error;
    if (!store.open(freshStore(dir, "single.sqlite"), &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    double qty = 1.0;
    for (auto _ : state) {
        if (!store.setPosition(kelly::Position{"NVDA", qty, 150.0, 0.0}, kNow, &error)) {
            state.SkipWithError(qPrintable(error));
            break;
        }
        qty += 1.0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PositionUpdateSingleTransaction)->Unit(benchmark::kMicrosecond)->UseRealTime();

// `range(0)` updates in one transaction, as an import or a bulk re-mark.
void BM_PositionUpdateBatched(benchmark::State& state)
{
    QTemporaryDir dir;
    kelly::store::Store store;
    QString error;
    if (!store.open(freshStore(dir, "batched.sqlite"), &error)) {
        state.SkipWithError(qPrintable(error));
        return;
    }
    std::vector<kelly::Position> book;
    for (int i = 0; i < state.range(0); ++i)
        book.push_back(kelly::Position{"S" + std::to_string(i), 1.0, 100.0, 0.0});
    for (auto _ : state) {
        for (auto& p : book)
            p.qty += 1.0;
        if (!store.setPositions(book, false, kNow, &error)) {
            state.SkipWithError(qPrintable(error));
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PositionUpdateBatched)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The bot's whole call: start kellyctl, open the store, size, record, log, exit.
void BM_KellyctlSizeProcess(benchmark::State& state)
{
    QTemporaryDir dir;
    const QString path = freshStore(dir, "size.sqlite");
    QString error;
    {
        kelly::store::Store store;
        if (!store.open(path, &error) || !store.setAccount(100000, 400000, kNow, &error)) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        std::vector<kelly::Position> book;
        for (int i = 0; i < 50; ++i)
            book.push_back(kelly::Position{"S" + std::to_string(i), 10.0, 100.0, 0.0});
        store.setPositions(book, true, kNow, &error);
    }
    const QStringList arguments{QStringLiteral("--db"), path,
                                QStringLiteral("size"), QStringLiteral("NVDA"),
                                QStringLiteral("150"),  QStringLiteral("--json")};
    for (auto _ : state) {
        QProcess process;
        process.start(QStringLiteral(KELLYCTL_PATH), arguments);
        if (!process.waitForFinished(10000) || process.exitCode() != 0) {
            state.SkipWithError("kellyctl size failed");
            break;
        }
    }
}
BENCHMARK(BM_KellyctlSizeProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv); // QProcess and QSqlDatabase want an application
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
