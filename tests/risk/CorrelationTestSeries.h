#pragma once

// Hand-built price series and the textbook correlation that tst_correlation and
// tst_correlation_gaps check a build against.
#include "risk/Correlation.h"

#include <QTest>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kelly::test {

using ReturnOf = std::function<double(int day)>;

inline std::string isoDay(int dayNumber)
{
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{dayNumber}}};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

inline constexpr int kDay0 = 19723; // 2024-01-01, a Monday

// Closes on `days` (ascending offsets from kDay0), each the previous close x (1 + r(day)).
inline PriceSeries makeSeries(const std::string& symbol, const std::vector<int>& days, ReturnOf r)
{
    PriceSeries series{symbol, {}, {}};
    double close = 100.0;
    for (std::size_t k = 0; k < days.size(); ++k) {
        if (k > 0)
            close *= 1.0 + r(days[k]);
        series.dates.push_back(isoDay(kDay0 + days[k]));
        series.closes.push_back(close);
    }
    return series;
}

inline std::vector<int> dayRange(int first, int last)
{
    std::vector<int> days;
    for (int d = first; d <= last; ++d)
        days.push_back(d);
    return days;
}

inline double wiggle(int day) // a deterministic, non-periodic-looking daily return
{
    return 0.01 * std::sin(1.3 * day) + 0.004 * std::cos(0.7 * ((day * day) % 17));
}

inline double otherWiggle(int day)
{
    return 0.012 * std::cos(2.1 * day + 0.5) - 0.003 * std::sin(0.37 * day);
}

// Returns by date within the last `lookback` dates of the union of all series' dates.
inline std::map<std::string, double> windowReturns(const PriceSeries& series,
                                                   const std::vector<std::string>& window)
{
    std::map<std::string, double> out;
    for (std::size_t k = 1; k < series.dates.size(); ++k)
        if (std::binary_search(window.begin(), window.end(), series.dates[k]))
            out[series.dates[k]] = series.closes[k] / series.closes[k - 1] - 1.0;
    return out;
}

inline std::vector<std::string> joinedWindow(const std::vector<PriceSeries>& all, int lookback)
{
    std::vector<std::string> dates;
    for (const auto& s : all)
        dates.insert(dates.end(), s.dates.begin(), s.dates.end());
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    if (static_cast<int>(dates.size()) > lookback)
        dates.erase(dates.begin(), dates.end() - lookback);
    return dates;
}

// Textbook Pearson over the common dates, and their count.
inline std::pair<std::optional<double>, int> naivePearson(const std::map<std::string, double>& a,
                                                          const std::map<std::string, double>& b)
{
    std::vector<double> x, y;
    for (const auto& [date, value] : a)
        if (auto other = b.find(date); other != b.end()) {
            x.push_back(value);
            y.push_back(other->second);
        }
    const int n = static_cast<int>(x.size());
    if (n < kMinCorrelationObservations)
        return {std::nullopt, n};
    double mx = 0, my = 0;
    for (int i = 0; i < n; ++i) {
        mx += x[static_cast<std::size_t>(i)] / n;
        my += y[static_cast<std::size_t>(i)] / n;
    }
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; ++i) {
        const double dx = x[static_cast<std::size_t>(i)] - mx;
        const double dy = y[static_cast<std::size_t>(i)] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0.0 && syy > 0.0)) // constant on the common dates: no correlation
        return {std::nullopt, n};
    return {sxy / std::sqrt(sxx * syy), n};
}

// Checks every pair of a build against the textbook formula.
inline void compareWithNaive(const std::vector<PriceSeries>& all, const CorrelationBuild& build)
{
    const auto window = joinedWindow(all, build.lookback);
    const std::size_t n = all.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto ri = windowReturns(all[i], window);
        QCOMPARE(build.quality[i].returnsUsed, static_cast<int>(ri.size()));
        QCOMPARE(build.quality[i].missing, static_cast<int>(window.size() - ri.size()));
        for (std::size_t j = 0; j < n; ++j) {
            const auto [expected, count] = naivePearson(ri, windowReturns(all[j], window));
            const auto actual = build.correlation[i * n + j];
            QCOMPARE(build.observations[i * n + j], count);
            QCOMPARE(actual.has_value(), expected.has_value());
            if (expected)
                QVERIFY2(std::abs(*actual - *expected) < 1e-12,
                         qPrintable(QStringLiteral("%1 vs %2").arg(*actual).arg(*expected)));
        }
    }
}

} // namespace kelly::test
