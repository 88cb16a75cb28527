// Issue 12 benchmarks, printed as plain figures:
// 1. `size` against a store holding a year of minute snapshots (525,600) and 100,000
//    recorded decisions: in-process (SizingService) and a whole shipped `kellyctl size`
//    process. Target: under 20 ms.
// 2. Read commands and an emergency halt (whole shipped kellyctl processes) while a writer
//    commits 4,000 transactions a second: every call must succeed; the worst latency is
//    printed.
// Usage: bench_store_load [SECONDS_OF_WRITER_LOAD] (default 10)

#include "SizingService.h"
#include "Store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

namespace {

using namespace kelly;
const UtcTime kNow{std::chrono::seconds(1795000000)}; // 2026-11-18T09:46:40Z

bool fill(const QString& path, QString* error)
{
    // Raw SQL in one transaction: the rows a year of a bot's life leaves behind.
    const QString connection = QStringLiteral("bench-fill");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        db.open();
        QSqlQuery query(db);
        const qint64 start = kNow.time_since_epoch().count() - 525600LL * 60;
        for (const QString& sql :
             {QStringLiteral("BEGIN"),
              QStringLiteral(
                  "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                  " WHERE i < 525599) INSERT INTO snapshots (observed_at, portfolio_value_usd,"
                  " equity_usd, gross_usd) SELECT strftime('%Y-%m-%dT%H:%M:%SZ', %1 + i * 60,"
                  " 'unixepoch'), 100000 + (i % 997), 100000 + (i % 997), 150000 FROM n")
                  .arg(start),
              QStringLiteral(
                  "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                  " WHERE i < 99999) INSERT INTO sizing_decisions (decided_at, origin, symbol,"
                  " asset_class, price_usd, requested_mode, method, qty, qty_raw,"
                  " risk_multiplier, binding, equity_usd, buying_power_usd, risk_threshold,"
                  " intraday_limit, overnight_limit, symbol_cap_pct) SELECT"
                  " strftime('%Y-%m-%dT%H:%M:%SZ', %1 + i * 300, 'unixepoch'), 'cli', 'NVDA',"
                  " 'stock', 150, 'enhanced', 'enhanced', 100, 100, 1, 'kelly', 100000, 400000,"
                  " 2, 4, 2, 60 FROM n")
                  .arg(start),
              QStringLiteral("COMMIT")}) {
            if (!query.exec(sql)) {
                *error = query.lastError().text();
                ok = false;
                break;
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

struct Timing
{
    double medianMs = 0;
    double worstMs = 0;
    int failures = 0;
};

Timing summarize(std::vector<double> ms, int failures)
{
    std::sort(ms.begin(), ms.end());
    return Timing{ms.empty() ? 0 : ms[ms.size() / 2], ms.empty() ? 0 : ms.back(), failures};
}

Timing timeProcess(const QStringList& arguments, int runs)
{
    std::vector<double> ms;
    int failures = 0;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        QProcess process;
        process.start(QStringLiteral(KELLYCTL_PATH), arguments);
        const bool done = process.waitForFinished(60000);
        ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        if (!done || process.exitCode() != 0) {
            ++failures;
            std::fprintf(stderr, "  failed: %s\n", process.readAllStandardError().constData());
        }
    }
    return summarize(std::move(ms), failures);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int loadSeconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("load.sqlite"));
    QString error;
    {
        store::Store store;
        if (!store.open(path, &error) || !store.setAccount(100000, 400000, kNow, &error) ||
            !fill(path, &error)) {
            std::fprintf(stderr, "setup: %s\n", qPrintable(error));
            return 1;
        }
    }

    // 1. size with a year of snapshots and 100,000 decisions.
    {
        store::Store store;
        if (!store.open(path, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        store::SizingService service(store, {});
        std::vector<double> ms;
        for (int i = 0; i < 50; ++i) {
            store::SizingCall call;
            call.request.symbol = "NVDA";
            call.request.priceUsd = 150;
            store::SizingOutcome outcome;
            QElapsedTimer timer;
            timer.start();
            if (!service.size(call, kNow, &outcome, &error)) {
                std::fprintf(stderr, "size: %s\n", qPrintable(error));
                return 1;
            }
            ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }
        const Timing inProcess = summarize(ms, 0);
        std::printf("size in-process, 525,600 snapshots + 100,000 decisions: median %.2f ms,"
                    " worst %.2f ms (50 calls)\n",
                    inProcess.medianMs, inProcess.worstMs);
    }
    const Timing process =
        timeProcess({QStringLiteral("--db"), path, QStringLiteral("size"), QStringLiteral("NVDA"),
                     QStringLiteral("150"), QStringLiteral("--json")},
                    20);
    std::printf("kellyctl size process, same store: median %.2f ms, worst %.2f ms (20 runs,"
                " %d failed)\n",
                process.medianMs, process.worstMs, process.failures);

    // 2. Reads and a halt under a writer committing 4,000 transactions a second.
    std::atomic<bool> stop{false};
    std::atomic<long> commits{0};
    std::thread writer([&] {
        store::Store store;
        QString writerError;
        if (!store.open(path, &writerError))
            return;
        const auto period = std::chrono::microseconds(250); // 4,000 a second
        auto next = std::chrono::steady_clock::now();
        double qty = 1;
        while (!stop) {
            if (store.setPosition(Position{"W1", qty++, 100.0, 0.0}, kNow, &writerError))
                ++commits;
            next += period;
            std::this_thread::sleep_until(next);
        }
    });
    QElapsedTimer loadTimer;
    loadTimer.start();
    std::vector<std::pair<const char*, QStringList>> commands{
        {"status", {QStringLiteral("status")}},
        {"positions", {QStringLiteral("positions")}},
        {"mode", {QStringLiteral("mode")}},
        {"mode halt", {QStringLiteral("mode"), QStringLiteral("halt")}},
    };
    int rounds = 0;
    std::vector<std::vector<double>> ms(commands.size());
    std::vector<int> failures(commands.size(), 0);
    while (loadTimer.elapsed() < loadSeconds * 1000) {
        for (size_t c = 0; c < commands.size(); ++c) {
            const Timing one =
                timeProcess(QStringList{QStringLiteral("--db"), path} + commands[c].second, 1);
            ms[c].push_back(one.worstMs);
            failures[c] += one.failures;
        }
        ++rounds;
    }
    stop = true;
    writer.join();
    const double rate = static_cast<double>(commits) / (loadTimer.elapsed() / 1000.0);
    std::printf("writer: %.0f commits/s over %.1f s\n", rate, loadTimer.elapsed() / 1000.0);
    for (size_t c = 0; c < commands.size(); ++c) {
        const Timing t = summarize(ms[c], failures[c]);
        std::printf("  %-10s under load: %d runs, %d failed, median %.1f ms, worst %.1f ms\n",
                    commands[c].first, rounds, t.failures, t.medianMs, t.worstMs);
    }
    return 0;
}
