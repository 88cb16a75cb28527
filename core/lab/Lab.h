#pragma once

// The sizing lab (SPEC 12): an honest daily backtest of the sizing methods on real prices.
// No Qt, no store: the CLI and the dashboard are two thin faces of runLab. Every target is
// sized by the same functions the bot calls (sizing/Sizing.h); the lab only walks the
// calendar, forecasts from the past, applies the overnight rule, trades and keeps books.

#include "Forecast.h"
#include "common/Result.h"
#include "common/Symbols.h"
#include "risk/Analytics.h"
#include "sizing/Account.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kelly::lab {

// SPEC 12 step 4. EnhancedCorr is SPEC 2 plus SPEC 11 (sizing/CorrelationAware.h) on the
// lab's own rolling correlation (ReturnPanel.h).
enum class Method
{
    Enhanced,
    EnhancedCorr,
    Legacy,
    EqualWeight
};

const char* methodName(Method method); // "enhanced", "enhanced-corr", "legacy", "equal-weight"
std::optional<Method> parseMethod(std::string_view name);
// Every method SPEC 12 names, in its order (the default when none is chosen).
const std::vector<Method>& allMethods();
// "enhanced,legacy": names separated by commas, no repeats; errors name field "methods".
Result<std::vector<Method>> parseMethodList(std::string_view text);
// SPEC 18's sweep: "0.125,0.25,1", each in (0, 1], no two printing the same name; errors
// name the field "kelly-fractions".
Result<std::vector<double>> parseKellyFractionList(std::string_view text);

// What the lab reads from the store's settings (SPEC 12 inputs).
struct LabSettings
{
    RiskLimits limits;
    double financingRateAnnual = 0.065; // SPEC 6 leverage_cost_annual
    CryptoList cryptoList;
    // SPEC 12.4: every sizing method takes SPEC 15's margin room at the default rates with
    // these settings; plain enhanced uses the store's Kelly fraction (SPEC 18).
    double maintenanceFloor = 0.25; // maintenance_floor
    double marginCallFallPct = 5.0; // margin_call_fall_pct
    double kellyFraction = 0.5;     // kelly_fraction
};

struct LabOptions
{
    std::vector<std::string> symbols;    // normalised; empty = every series given
    std::optional<std::string> fromDate; // ISO, inclusive
    std::optional<std::string> toDate;   // ISO, inclusive
    double startingEquityUsd = 100000.0; // E0
    std::vector<Method> methods;         // empty = allMethods(), or none with a sweep
    // SPEC 18: one `enhanced` run per fraction (enhanced@c), after the methods' runs.
    std::vector<double> kellyFractions;
    double costBps = 5.0;                  // of traded value
    int lookback = 60;                     // N, trailing returns for the forecast
    std::optional<ForecastTable> forecast; // --forecast FILE, replaces the trailing mu
};

inline constexpr int kMinLookback = 20; // SPEC 12 step 2: fewer returns give no signal

// One calendar date of one method's run. Financing and costs are what was paid that date.
struct CurvePoint
{
    std::string date;
    double equityUsd = 0.0; // after the day's costs (on the ruin date: at the mark)
    double grossUsd = 0.0;  // after the trades, at the closes used for the mark
    double cashUsd = 0.0;
    double financingUsd = 0.0;
    double costsUsd = 0.0;
};

// SPEC 12 metrics. Absent (nullopt) where a figure cannot be computed: never NaN or inf.
struct LabMetrics
{
    std::optional<double> totalReturn;
    std::optional<double> cagr;
    std::optional<double> sharpe;
    std::optional<double> sortino;
    std::optional<double> maxDrawdown;
    std::optional<double> calmar;
    std::optional<double> worstDay;
    double financingUsd = 0.0;
    double costsUsd = 0.0;
    std::optional<double> turnover;
    std::optional<double> avgGrossLeverage;
    std::optional<double> maxGrossLeverage;
    int longestDrawdownDays = 0;
    std::optional<std::string> ruinedOn; // ISO date of the first E_t <= 0
    double finalEquityUsd = 0.0;
};

struct MethodRun
{
    Method method = Method::Enhanced;
    std::optional<double> kellyFraction; // set on the sweep's runs (SPEC 18: enhanced@c)
    std::vector<CurvePoint> curve;
    LabMetrics metrics;
    double tradedValueUsd = 0.0;
};

// "enhanced@0.25" for a sweep run (the fraction as %g prints it), else the method's name.
std::string runName(const MethodRun& run);
// The inverse, for runs read back from a store: false when `name` is neither form.
bool parseRunName(std::string_view name, MethodRun& run);

struct LabResult
{
    std::vector<std::string> symbols; // the run's symbols, sorted
    std::vector<std::string> calendar;
    int annualizationDays = 252; // A: 365 when any crypto symbol is in the run
    std::vector<MethodRun> runs; // in the order the methods were asked for
    bool cancelled = false;      // runs are then incomplete and must not be shown as results
};

// The books of one method at one close, after the trades (for invariant checks and tools).
struct CloseView
{
    Method method;
    const std::string& date;
    double equityBeforeCostsUsd; // E_t at the mark, which the overnight rule limits
    double equityUsd;            // after costs, as the curve records it
    double cashUsd;
    const std::vector<double>& qty;                // signed, aligned with LabResult::symbols
    const std::vector<double>& lastCloses;         // the closes used for the mark
    const std::vector<unsigned char>& pricedToday; // 1 where the symbol has a row today
};

// Cancellation and progress, for a worker thread. `progress` gets (dates done, dates total)
// on the calling thread; `cancel` is read once per date. `observeClose`, when set, sees every
// close of every method.
struct LabControl
{
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(int, int)> progress;
    std::function<void(const CloseView&)> observeClose;
};

// Validates the options (errors name the field: equity, lookback, cost_bps, from, to,
// symbols, methods, kelly-fractions) and runs every method over the calendar. Deterministic.
Result<LabResult> runLab(const std::vector<PriceSeries>& prices, const LabSettings& settings,
                         const LabOptions& options, const LabControl& control = {});

// SPEC 12 metrics of one curve (exposed for tests and for runs read back from a store).
LabMetrics computeMetrics(const std::vector<CurvePoint>& curve, double startingEquityUsd,
                          int annualizationDays, double tradedValueUsd);

// `--check-lookahead`: reruns on the files cut after the middle date of `full`'s calendar
// and compares every E_t up to that date, exactly.
struct LookaheadReport
{
    std::string cutDate;
    int datesCompared = 0;
    std::optional<std::string> firstDifferenceDate;
    std::optional<std::string> firstDifferenceRun; // runName of the run that changed
    bool passed() const { return !firstDifferenceDate.has_value(); }
};
Result<LookaheadReport> checkLookahead(const std::vector<PriceSeries>& prices,
                                       const LabSettings& settings, const LabOptions& options,
                                       const LabResult& full);

// Every series cut to its rows dated on or before `lastDate` (ISO).
std::vector<PriceSeries> cutAfter(const std::vector<PriceSeries>& prices,
                                  const std::string& lastDate);

} // namespace kelly::lab
