// SPEC 12 metrics and the method names. Every ratio is guarded: a figure that cannot be
// computed is absent, never NaN or inf.

#include "Lab.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kelly::lab {

namespace {

std::optional<double> finiteOrNone(double value)
{
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

} // namespace

const char* methodName(Method method)
{
    switch (method) {
    case Method::Enhanced:
        return "enhanced";
    case Method::EnhancedCorr:
        return "enhanced-corr";
    case Method::Legacy:
        return "legacy";
    case Method::EqualWeight:
        return "equal-weight";
    }
    return "enhanced";
}

std::optional<Method> parseMethod(std::string_view name)
{
    for (Method method : allMethods())
        if (name == methodName(method))
            return method;
    return std::nullopt;
}

const std::vector<Method>& allMethods()
{
    static const std::vector<Method> methods{Method::Enhanced, Method::EnhancedCorr, Method::Legacy,
                                             Method::EqualWeight};
    return methods;
}

Result<std::vector<Method>> parseMethodList(std::string_view text)
{
    std::vector<Method> methods;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string_view name = text.substr(start, comma - start);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        const std::optional<Method> method = parseMethod(name);
        if (!method)
            return InputError{"methods", "unknown method '" + std::string(name) +
                                             "' (expected enhanced, enhanced-corr, legacy, "
                                             "equal-weight)"};
        if (std::find(methods.begin(), methods.end(), *method) != methods.end())
            return InputError{"methods", std::string(name) + " is listed twice"};
        methods.push_back(*method);
        start = comma + 1;
    }
    return methods;
}

Result<std::vector<double>> parseKellyFractionList(std::string_view text)
{
    std::vector<double> fractions;
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string word(text.substr(start, comma - start));
        char* end = nullptr;
        const double fraction = std::strtod(word.c_str(), &end);
        const bool number = !word.empty() && end != word.c_str() &&
                            std::all_of(static_cast<const char*>(end), word.c_str() + word.size(),
                                        [](char c) { return c == ' '; });
        if (!number || !std::isfinite(fraction) || fraction <= 0.0 || fraction > 1.0)
            return InputError{"kelly-fractions",
                              "'" + word +
                                  "' is not a Kelly fraction in (0, 1] (0.5 is half-Kelly)"};
        MethodRun run;
        run.kellyFraction = fraction;
        const std::string name = runName(run);
        if (std::find(names.begin(), names.end(), name) != names.end())
            return InputError{"kelly-fractions", name + " is listed twice"};
        names.push_back(name);
        fractions.push_back(fraction);
        start = comma + 1;
    }
    return fractions;
}

std::string runName(const MethodRun& run)
{
    if (!run.kellyFraction)
        return methodName(run.method);
    char text[40];
    std::snprintf(text, sizeof text, "%s@%g", methodName(run.method), *run.kellyFraction);
    return text;
}

bool parseRunName(std::string_view name, MethodRun& run)
{
    const std::size_t at = name.find('@');
    const std::optional<Method> method = parseMethod(name.substr(0, at));
    if (!method)
        return false;
    run.method = *method;
    run.kellyFraction.reset();
    if (at == std::string_view::npos)
        return true;
    const std::string digits(name.substr(at + 1));
    char* end = nullptr;
    const double fraction = std::strtod(digits.c_str(), &end);
    if (digits.empty() || *end != '\0' || !std::isfinite(fraction))
        return false;
    run.kellyFraction = fraction;
    return true;
}

LabMetrics computeMetrics(const std::vector<CurvePoint>& curve, double startingEquityUsd,
                          int annualizationDays, double tradedValueUsd)
{
    LabMetrics m;
    if (curve.empty())
        return m;
    const CurvePoint& last = curve.back();
    m.finalEquityUsd = last.equityUsd;
    m.totalReturn = finiteOrNone(last.equityUsd / startingEquityUsd - 1.0);
    if (last.equityUsd <= 0.0)
        m.ruinedOn = last.date;

    std::vector<double> returns;
    returns.reserve(curve.size());
    double previous = startingEquityUsd;
    bool returnsDefined = true;
    double peak = startingEquityUsd;
    long long peakDay = daysFromIsoDate(curve.front().date); // E0 stands on the first date
    double maxDrawdown = 0.0;
    double equitySum = 0.0;
    double leverageSum = 0.0;
    int leverageCount = 0;
    for (const CurvePoint& point : curve) {
        m.financingUsd += point.financingUsd;
        m.costsUsd += point.costsUsd;
        equitySum += point.equityUsd;
        if (previous > 0.0)
            returns.push_back(point.equityUsd / previous - 1.0);
        else
            returnsDefined = false;
        previous = point.equityUsd;
        const long long today = daysFromIsoDate(point.date);
        if (point.equityUsd >= peak) {
            peak = point.equityUsd;
            peakDay = today;
        } else {
            m.longestDrawdownDays =
                std::max(m.longestDrawdownDays, static_cast<int>(today - peakDay));
        }
        maxDrawdown = std::min(maxDrawdown, point.equityUsd / peak - 1.0);
        // Leverage at the close, after the trades: the ruin date's point has no close.
        const bool ruinPoint = m.ruinedOn && &point == &curve.back();
        if (!ruinPoint && point.equityUsd > 0.0) {
            const double leverage = point.grossUsd / point.equityUsd;
            leverageSum += leverage;
            ++leverageCount;
            m.maxGrossLeverage = std::max(m.maxGrossLeverage.value_or(leverage), leverage);
        }
    }
    m.maxDrawdown = finiteOrNone(maxDrawdown);
    if (leverageCount > 0)
        m.avgGrossLeverage = finiteOrNone(leverageSum / leverageCount);
    const double meanEquity = equitySum / static_cast<double>(curve.size());
    if (meanEquity > 0.0)
        m.turnover = finiteOrNone(tradedValueUsd / meanEquity);

    if (returnsDefined && !returns.empty())
        m.worstDay = *std::min_element(returns.begin(), returns.end());
    if (m.ruinedOn || !returnsDefined)
        return m; // SPEC 12: CAGR, Sharpe and the like are null after ruin

    const long long calendarDays = daysFromIsoDate(last.date) - daysFromIsoDate(curve.front().date);
    if (calendarDays > 0)
        m.cagr = finiteOrNone(std::pow(last.equityUsd / startingEquityUsd,
                                       365.25 / static_cast<double>(calendarDays)) -
                              1.0);
    const double n = static_cast<double>(returns.size());
    double sum = 0.0;
    double downsideSquares = 0.0;
    for (double r : returns) {
        sum += r;
        downsideSquares += std::min(r, 0.0) * std::min(r, 0.0);
    }
    const double mean = sum / n;
    const double annualizer = std::sqrt(static_cast<double>(annualizationDays));
    if (returns.size() >= 2) {
        double squares = 0.0;
        for (double r : returns)
            squares += (r - mean) * (r - mean);
        const double sd = std::sqrt(squares / (n - 1.0));
        if (sd > 0.0)
            m.sharpe = finiteOrNone(mean / sd * annualizer);
    }
    const double downside = std::sqrt(downsideSquares / n);
    if (downside > 0.0)
        m.sortino = finiteOrNone(mean / downside * annualizer);
    if (m.cagr && maxDrawdown < 0.0)
        m.calmar = finiteOrNone(*m.cagr / std::abs(maxDrawdown));
    return m;
}

} // namespace kelly::lab
