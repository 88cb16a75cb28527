// Issue 13's figures (SPEC 13), each against the SQLite store measured in the same run:
//  - notify latency: a writer commits a price, a started dashboard session applies it;
//    p50 / p99 over N changes (PostgreSQL: LISTEN/NOTIFY; SQLite: the 250 ms poll);
//  - `kellyctl size` as the bot runs it, a whole process, median of 30;
//  - single-update transactions per second with 4 concurrent writers, each its own
//    connection (thread) updating its own position.
// Usage: bench_postgres POSTGRES_URL SQLITE_PATH [changes]; run it through
// bench_postgres.sh, which starts a throwaway cluster.

#include "Clock.h"
#include "DeskSession.h"
#include "Store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace kelly;
using namespace kelly::store;

namespace {

const UtcTime kNow = std::chrono::sys_seconds(std::chrono::seconds(1795000000));

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[index];
}

bool seed(const QString& name)
{
    Store store;
    QString error;
    if (!store.open(name, &error) || !store.setAccount(100000, 400000, kNow, &error) ||
        !store.setPositions({Position{"AAPL", 10, 100, 100}, Position{"W0", 1, 100, 100},
                             Position{"W1", 1, 100, 100}, Position{"W2", 1, 100, 100},
                             Position{"W3", 1, 100, 100}},
                            true, kNow, &error)) {
        std::fprintf(stderr, "seed %s: %s\n", qPrintable(store.displayName()), qPrintable(error));
        return false;
    }
    return true;
}

double appliedPrice(const ui::DeskSession& session)
{
    for (const Position& p : session.state().account.account.positions)
        if (p.symbol == "AAPL")
            return p.lastPriceUsd;
    return 0;
}

// Milliseconds from each commit returning to the dashboard having the new price.
std::vector<double> notifyLatencies(const QString& name, int changes)
{
    Store dashboardStore;
    Store writer;
    QString error;
    dashboardStore.open(name, &error);
    writer.open(name, &error);
    ui::SystemClock clock;
    ui::DeskSession session(dashboardStore, clock, Environment());
    session.reload(&error);
    session.start();
    QEventLoop settle;
    QTimer::singleShot(1500, &settle, &QEventLoop::quit); // the worker opens and LISTENs
    settle.exec();
    std::vector<double> latencies;
    for (int i = 1; i <= changes; ++i) {
        const double price = 100.0 + i * 0.01;
        bool found = false;
        if (!writer.markPrice(QStringLiteral("AAPL"), price, kNow, &found, &error)) {
            std::fprintf(stderr, "write: %s\n", qPrintable(error));
            break;
        }
        QElapsedTimer timer;
        timer.start();
        while (appliedPrice(session) != price && timer.elapsed() < 5000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    return latencies;
}

double kellyctlSizeMedianMs(const QString& name)
{
    std::vector<double> runs;
    for (int i = 0; i < 31; ++i) {
        QElapsedTimer timer;
        timer.start();
        QProcess process;
        process.start(QStringLiteral(KELLYCTL_PATH),
                      {QStringLiteral("--db"), name, QStringLiteral("size"), QStringLiteral("NVDA"),
                       QStringLiteral("150"), QStringLiteral("--mu"), QStringLiteral("0.001"),
                       QStringLiteral("--sigma"), QStringLiteral("0.02")});
        if (!process.waitForFinished(30000) || process.exitCode() != 0) {
            std::fprintf(stderr, "kellyctl size: %s\n", process.readAllStandardError().constData());
            return -1;
        }
        if (i > 0) // the first warms the page cache and the server's plan caches
            runs.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    return percentile(runs, 0.5);
}

double transactionsPerSecond(const QString& name, double seconds)
{
    std::atomic<long> commits{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> writers;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (int k = 0; k < 4; ++k)
        writers.emplace_back([&, k] {
            Store store;
            QString error;
            if (!store.open(name, &error)) {
                failed = true;
                return;
            }
            const QString symbol = QStringLiteral("W%1").arg(k);
            bool found = false;
            for (long i = 1; std::chrono::steady_clock::now() < until; ++i) {
                if (!store.markPrice(symbol, 100.0 + double(i % 1000) * 0.01, kNow, &found,
                                     &error)) {
                    std::fprintf(stderr, "writer %d: %s\n", k, qPrintable(error));
                    failed = true;
                    return;
                }
                ++commits;
            }
        });
    for (std::thread& writer : writers)
        writer.join();
    return failed ? -1 : double(commits) / seconds;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_postgres POSTGRES_URL SQLITE_PATH [changes]\n");
        return 2;
    }
    const QString postgres = QString::fromLocal8Bit(argv[1]);
    const QString sqlite = QString::fromLocal8Bit(argv[2]);
    const int changes = argc > 3 ? std::atoi(argv[3]) : 1000;
    if (!seed(postgres) || !seed(sqlite))
        return 1;

    std::printf("store        notify p50   notify p99   size (process)   tx/s, 4 writers\n");
    for (const auto& [label, name] :
         {std::pair{"postgresql", postgres}, std::pair{"sqlite", sqlite}}) {
        const std::vector<double> latency = notifyLatencies(name, changes);
        const double size = kellyctlSizeMedianMs(name);
        const double tps = transactionsPerSecond(name, 5.0);
        std::printf("%-12s %8.1f ms  %8.1f ms  %11.1f ms  %14.0f\n", label,
                    percentile(latency, 0.5), percentile(latency, 0.99), size, tps);
        std::fflush(stdout);
    }
    std::printf("(%d changes; SQLite's dashboard polls every 250 ms, PostgreSQL's is notified)\n",
                changes);
    return 0;
}
