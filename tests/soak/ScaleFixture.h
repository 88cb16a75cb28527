#pragma once

// The store at issue 7's scale, shared by the memory report, the live soak and its writer:
// a book of positions S0..S{n-1} and a synthetic correlation build over S0..S{m-1}.

#include "common/NewYorkTime.h"
#include "risk/Analytics.h"
#include "sizing/Account.h"

#include <QString>
#include <vector>

namespace kelly::soak {

// Issue 7's scale: 2,000 positions and a 500-symbol correlation build.
constexpr int kScalePositions = 2000;
constexpr int kScaleSymbols = 500;

// The price the writer starts from for position `index`; a whole number, so base + tick x
// kTickStepUsd stays exact in a double and the tick can be read back from a price.
double basePriceUsd(int index);
constexpr double kTickStepUsd = 0.25;

// Positions S0..S{count-1} at their base prices.
std::vector<Position> scaleBook(int count);

// A valid build (one factor plus noise, so the covariance is PSD) over S0..S{symbols-1}.
CorrelationBuild scaleBuild(int symbols);

// Creates the store at `path` with the account, the book and one build.
bool seedScaleStore(const QString& path, int positions, int symbols, UtcTime now, QString* error);

// A "database is locked" or busy failure, as SQLite words them through the Qt driver.
bool isLockError(const QString& error);

// Peak resident set of this process so far (getrusage ru_maxrss), in MiB.
double peakRssMib();

} // namespace kelly::soak
