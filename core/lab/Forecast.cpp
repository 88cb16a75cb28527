#include "Forecast.h"

#include "common/CsvLines.h"
#include "common/Symbols.h"
#include "risk/PriceFile.h"

#include <charconv>
#include <cmath>
#include <fstream>

namespace kelly::lab {

namespace {

std::optional<double> parseNumber(std::string_view text)
{
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

InputError rowError(const std::string& fileLabel, int line, const std::string& message)
{
    return InputError{fileLabel + ":" + std::to_string(line), message};
}

} // namespace

Result<ForecastTable> parseForecastCsv(std::string_view text, const std::string& fileLabel)
{
    CsvLines lines(text);
    ForecastTable table;
    int dateColumn = -1, symbolColumn = -1, muColumn = -1, sigmaColumn = -1;
    while (lines.next()) {
        const std::vector<std::string_view>& fields = lines.fields();
        const int lineNumber = lines.lineNumber();
        if (dateColumn < 0 && symbolColumn < 0 && muColumn < 0) { // the header
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const std::string name = lowerAscii(fields[i]);
                int* column = name == "date"     ? &dateColumn
                              : name == "symbol" ? &symbolColumn
                              : name == "mu"     ? &muColumn
                              : name == "sigma"  ? &sigmaColumn
                                                 : nullptr;
                if (column)
                    *column = static_cast<int>(i);
            }
            for (const auto& [column, name] :
                 {std::pair{dateColumn, "date"}, {symbolColumn, "symbol"}, {muColumn, "mu"}})
                if (column < 0)
                    return rowError(fileLabel, lineNumber,
                                    std::string("missing column '") + name +
                                        "' in the header (expected date,symbol,mu[,sigma])");
            continue;
        }
        const std::string_view date = lines.field(dateColumn);
        if (!isIsoDate(date))
            return rowError(fileLabel, lineNumber,
                            "date: '" + std::string(date) + "' is not YYYY-MM-DD");
        const std::string symbol = normalizeSymbol(lines.field(symbolColumn));
        if (!isValidSymbol(symbol))
            return rowError(fileLabel, lineNumber,
                            "symbol: '" + std::string(lines.field(symbolColumn)) +
                                "' is not a symbol");
        const std::optional<double> mu = parseNumber(lines.field(muColumn));
        if (!mu)
            return rowError(fileLabel, lineNumber,
                            "mu: '" + std::string(lines.field(muColumn)) +
                                "' is not a finite number");
        ForecastRow row{*mu, std::nullopt};
        const std::string_view sigmaText = lines.field(sigmaColumn);
        if (!sigmaText.empty()) {
            row.sigmaDaily = parseNumber(sigmaText);
            if (!row.sigmaDaily || *row.sigmaDaily < 0.0)
                return rowError(fileLabel, lineNumber,
                                "sigma: '" + std::string(sigmaText) +
                                    "' is not a finite number >= 0");
        }
        if (!table.emplace(std::pair{std::string(date), symbol}, row).second)
            return rowError(fileLabel, lineNumber,
                            "duplicate row for " + symbol + " on " + std::string(date));
    }
    if (dateColumn < 0)
        return InputError{fileLabel, "empty file (expected the header date,symbol,mu[,sigma])"};
    return table;
}

Result<ForecastTable> readForecastFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return InputError{path, "cannot open the file"};
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parseForecastCsv(text, path);
}

std::vector<double> dailyReturns(const std::vector<double>& closes)
{
    std::vector<double> returns(closes.size(), 0.0);
    for (std::size_t k = 1; k < closes.size(); ++k)
        returns[k] = closes[k] / closes[k - 1] - 1.0;
    return returns;
}

std::optional<Signal> trailingSignal(const std::vector<double>& returns, std::size_t index,
                                     int lookback, int minReturns)
{
    // Returns r_k = c_k / c_(k-1) - 1 for k in [first, index - 1]: the last one ends at the
    // previous close, so the close being traded is never read.
    if (index < 2)
        return std::nullopt;
    const std::size_t last = index - 1;
    const std::size_t window = static_cast<std::size_t>(lookback);
    const std::size_t first = last >= window ? last - window + 1 : 1;
    const std::size_t count = last - first + 1;
    if (count < static_cast<std::size_t>(minReturns) || count < 2)
        return std::nullopt;
    double sum = 0.0;
    for (std::size_t k = first; k <= last; ++k)
        sum += returns[k];
    const double mean = sum / static_cast<double>(count);
    double squares = 0.0;
    for (std::size_t k = first; k <= last; ++k) {
        const double deviation = returns[k] - mean;
        squares += deviation * deviation;
    }
    return Signal{mean, std::sqrt(squares / static_cast<double>(count - 1))};
}

std::array<std::optional<Signal>, 4>
trailingSignals4(const std::array<const std::vector<double>*, 4>& returns,
                 const std::array<std::size_t, 4>& index, int lookback, int minReturns)
{
    constexpr std::size_t lanes = 4;
    const std::size_t window = static_cast<std::size_t>(lookback);
    std::array<std::optional<Signal>, lanes> out;
    // Side by side only when every window is whole (its first return at index - lookback,
    // row 1 or later); a short one takes trailingSignal's own bounds.
    bool whole = lookback >= minReturns && lookback >= 2;
    for (std::size_t l = 0; l < lanes; ++l)
        whole = whole && index[l] > window;
    if (!whole) {
        for (std::size_t l = 0; l < lanes; ++l)
            out[l] = trailingSignal(*returns[l], index[l], lookback, minReturns);
        return out;
    }
    // Named accumulators (not arrays indexed by lane) so that they stay in registers.
    const double* r0 = returns[0]->data() + (index[0] - window);
    const double* r1 = returns[1]->data() + (index[1] - window);
    const double* r2 = returns[2]->data() + (index[2] - window);
    const double* r3 = returns[3]->data() + (index[3] - window);
    double sum0 = 0.0, sum1 = 0.0, sum2 = 0.0, sum3 = 0.0;
    for (std::size_t k = 0; k < window; ++k) {
        sum0 += r0[k];
        sum1 += r1[k];
        sum2 += r2[k];
        sum3 += r3[k];
    }
    const double count = static_cast<double>(window);
    const double mean0 = sum0 / count, mean1 = sum1 / count, mean2 = sum2 / count,
                 mean3 = sum3 / count;
    double squares0 = 0.0, squares1 = 0.0, squares2 = 0.0, squares3 = 0.0;
    for (std::size_t k = 0; k < window; ++k) {
        const double d0 = r0[k] - mean0, d1 = r1[k] - mean1, d2 = r2[k] - mean2, d3 = r3[k] - mean3;
        squares0 += d0 * d0;
        squares1 += d1 * d1;
        squares2 += d2 * d2;
        squares3 += d3 * d3;
    }
    const double dof = static_cast<double>(window - 1);
    out[0] = Signal{mean0, std::sqrt(squares0 / dof)};
    out[1] = Signal{mean1, std::sqrt(squares1 / dof)};
    out[2] = Signal{mean2, std::sqrt(squares2 / dof)};
    out[3] = Signal{mean3, std::sqrt(squares3 / dof)};
    return out;
}

long long daysFromIsoDate(std::string_view isoDate)
{
    // Howard Hinnant's days_from_civil.
    auto number = [&](std::size_t from, std::size_t length) {
        int value = 0;
        for (std::size_t i = from; i < from + length; ++i)
            value = value * 10 + (isoDate[i] - '0');
        return value;
    };
    long long year = number(0, 4);
    const unsigned month = static_cast<unsigned>(number(5, 2));
    const unsigned day = static_cast<unsigned>(number(8, 2));
    year -= month <= 2 ? 1 : 0;
    const long long era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<long long>(dayOfEra) - 719468;
}

} // namespace kelly::lab
