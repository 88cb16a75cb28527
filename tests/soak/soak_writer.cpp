// The bot side of the live soak (issue 7): marks every position of the scale book
// `ticksPerSecond` times a second for `seconds`, each tick one transaction over the whole
// book, on a fixed schedule. Tick t prices position i at basePriceUsd(i) + t x kTickStepUsd,
// so a reader can tell from any price which tick it sees. A failed commit is counted and
// the schedule goes on. At the end it prints one line of key=value figures for the soak.

#include "ScaleFixture.h"
#include "Store.h"

#include <QCoreApplication>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace {

using SteadyClock = std::chrono::steady_clock;

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 5) {
        std::fprintf(stderr, "usage: soak_writer PATH POSITIONS TICKS_PER_SECOND SECONDS\n");
        return 2;
    }
    const int positions = std::atoi(argv[2]);
    const int ticksPerSecond = std::atoi(argv[3]);
    const int seconds = std::atoi(argv[4]);
    if (positions <= 0 || ticksPerSecond <= 0 || seconds <= 0) {
        std::fprintf(stderr, "soak_writer: POSITIONS, TICKS_PER_SECOND and SECONDS must be > 0\n");
        return 2;
    }
    kelly::store::Store store;
    QString error;
    if (!store.open(QString::fromLocal8Bit(argv[1]), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }

    std::vector<kelly::Position> book = kelly::soak::scaleBook(positions);
    const auto period = std::chrono::nanoseconds(std::chrono::seconds(1)) / ticksPerSecond;
    const int ticks = ticksPerSecond * seconds;
    int committedTicks = 0;
    int lastCommittedTick = 0;
    int lockErrors = 0;
    int otherErrors = 0;
    double maxCommitMs = 0.0;
    double totalCommitMs = 0.0;
    SteadyClock::time_point lastCommitAt;
    const SteadyClock::time_point start = SteadyClock::now();
    for (int tick = 1; tick <= ticks; ++tick) {
        std::this_thread::sleep_until(start + period * (tick - 1));
        for (size_t i = 0; i < book.size(); ++i)
            book[i].lastPriceUsd =
                kelly::soak::basePriceUsd(static_cast<int>(i)) + tick * kelly::soak::kTickStepUsd;
        const auto now =
            std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
        const SteadyClock::time_point before = SteadyClock::now();
        const bool committed = store.setPositions(book, false, now, &error);
        const SteadyClock::time_point after = SteadyClock::now();
        const double commitMs = std::chrono::duration<double, std::milli>(after - before).count();
        maxCommitMs = std::max(maxCommitMs, commitMs);
        totalCommitMs += commitMs;
        if (committed) {
            ++committedTicks;
            lastCommittedTick = tick;
            lastCommitAt = after;
        } else if (kelly::soak::isLockError(error)) {
            ++lockErrors;
        } else {
            ++otherErrors;
            std::fprintf(stderr, "tick %d: %s\n", tick, qPrintable(error));
        }
    }
    // The last tick owns its period too: the rate is marks over the scheduled span (or more,
    // when the writer fell behind).
    std::this_thread::sleep_until(start + period * ticks);
    const double elapsedS = std::chrono::duration<double>(SteadyClock::now() - start).count();
    // steady_clock is CLOCK_MONOTONIC, shared by every process on the machine: the soak
    // compares last_commit_ns with the moment the dashboard showed that tick.
    std::printf("ticks=%d committed=%d marks=%lld seconds=%.3f lock_errors=%d other_errors=%d "
                "max_commit_ms=%.3f mean_commit_ms=%.3f last_tick=%d last_commit_ns=%lld\n",
                ticks, committedTicks, static_cast<long long>(committedTicks) * positions, elapsedS,
                lockErrors, otherErrors, maxCommitMs, totalCommitMs / ticks, lastCommittedTick,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           lastCommitAt.time_since_epoch())
                                           .count()));
    return lockErrors == 0 && otherErrors == 0 ? 0 : 1;
}
