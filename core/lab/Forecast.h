#pragma once

// The lab's forecasts (SPEC 12 step 2): trailing mean and sample sd of a symbol's returns
// strictly before the trade date, or rows of a forecast file made before the close.

#include "common/Result.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kelly::lab {

struct ForecastRow
{
    double muDaily = 0.0;
    std::optional<double> sigmaDaily; // missing: the trailing sigma is used
};

// (ISO date, normalised symbol) -> row.
using ForecastTable = std::map<std::pair<std::string, std::string>, ForecastRow>;

// CSV with a header naming `date`, `symbol`, `mu` and optionally `sigma` (any order, any
// case). Errors name the file and the 1-based line: "f.csv:7: mu: ...". A duplicate
// (date, symbol), a bad date, a non-finite mu or a negative sigma is an error.
Result<ForecastTable> parseForecastCsv(std::string_view text, const std::string& fileLabel);
Result<ForecastTable> readForecastFile(const std::string& path);

struct Signal
{
    double muDaily = 0.0;
    double sigmaDaily = 0.0;
};

// r[k] = closes[k] / closes[k - 1] - 1 for k >= 1 (r[0] = 0, never read): computed once per
// series, so the daily forecasts only add.
std::vector<double> dailyReturns(const std::vector<double>& closes);

// Mean and sample sd (n - 1) of the last `lookback` returns ending at row index - 1 (the
// previous close), i.e. nothing from row `index` on. Fewer than `minReturns`: none.
// `returns` comes from dailyReturns.
std::optional<Signal> trailingSignal(const std::vector<double>& returns, std::size_t index,
                                     int lookback, int minReturns);

// trailingSignal of four windows at once (returns[l], index[l]), each exactly, bit for bit,
// what trailingSignal gives: four chains of adds run side by side where one call waits on
// each add in turn (issue 25).
std::array<std::optional<Signal>, 4>
trailingSignals4(const std::array<const std::vector<double>*, 4>& returns,
                 const std::array<std::size_t, 4>& index, int lookback, int minReturns);

// Days since 1970-01-01 of an ISO date already checked by isIsoDate.
long long daysFromIsoDate(std::string_view isoDate);

} // namespace kelly::lab
