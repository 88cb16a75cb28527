#include "ScaleFixture.h"

#include "Store.h"
#include "risk/Correlation.h"

#include <random>
#include <sys/resource.h>

namespace kelly::soak {

double basePriceUsd(int index)
{
    return 20.0 + index % 311;
}

std::vector<Position> scaleBook(int count)
{
    std::vector<Position> positions;
    positions.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        Position p;
        p.symbol = "S" + std::to_string(i);
        p.qty = 10.0 + i % 97;
        p.lastPriceUsd = basePriceUsd(i);
        p.avgEntryUsd = p.lastPriceUsd * 0.98;
        positions.push_back(p);
    }
    return positions;
}

CorrelationBuild scaleBuild(int symbols)
{
    CorrelationBuild build;
    std::mt19937 random(7);
    std::uniform_real_distribution<double> loading(0.1, 0.9);
    const auto n = static_cast<size_t>(symbols);
    std::vector<double> beta(n);
    for (size_t i = 0; i < n; ++i) {
        build.symbols.push_back("S" + std::to_string(i));
        beta[i] = loading(random);
    }
    build.correlation.resize(n * n);
    build.observations.assign(n * n, 250);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            build.correlation[i * n + j] = i == j ? 1.0 : beta[i] * beta[j];
    build.dailyVolatility.assign(n, 0.02);
    build.covarianceDaily = assembleCovariance(build);
    build.metrics.resize(n);
    build.quality.resize(n);
    for (size_t i = 0; i < n; ++i) {
        build.metrics[i].annualizedVolatility = 0.3;
        build.metrics[i].returnsUsed = 250;
        build.quality[i].symbol = build.symbols[i];
        build.quality[i].returnsUsed = 250;
    }
    return build;
}

bool seedScaleStore(const QString& path, int positions, int symbols, UtcTime now, QString* error)
{
    store::Store store;
    qint64 buildId = 0;
    return store.open(path, error) && store.setAccount(1'000'000.0, 2'000'000.0, now, error) &&
           store.setPositions(scaleBook(positions), true, now, error) &&
           store.saveCorrelationBuild(scaleBuild(symbols), now, &buildId, error);
}

bool isLockError(const QString& error)
{
    return error.contains(QLatin1String("locked"), Qt::CaseInsensitive) ||
           error.contains(QLatin1String("busy"), Qt::CaseInsensitive);
}

double peakRssMib()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

} // namespace kelly::soak
