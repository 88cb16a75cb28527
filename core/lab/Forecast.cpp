#include "Forecast.h"

#include "common/Symbols.h"
#include "risk/PriceFile.h"

#include <charconv>
#include <cmath>
#include <fstream>

namespace kelly::lab {

namespace {

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '"'))
        text.remove_prefix(1);
    while (!text.empty() &&
           (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '"'))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> splitCommas(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(trimmed(line.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            return fields;
        start = comma + 1;
    }
}

std::string lowerCase(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

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
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    ForecastTable table;
    int dateColumn = -1, symbolColumn = -1, muColumn = -1, sigmaColumn = -1;
    int lineNumber = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = trimmed(text.substr(pos, end - pos));
        pos = end + 1;
        ++lineNumber;
        if (line.empty())
            continue;
        const std::vector<std::string_view> fields = splitCommas(line);
        if (dateColumn < 0 && symbolColumn < 0 && muColumn < 0) { // the header
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const std::string name = lowerCase(fields[i]);
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
        auto field = [&](int column) -> std::string_view {
            return column >= 0 && static_cast<std::size_t>(column) < fields.size()
                       ? fields[static_cast<std::size_t>(column)]
                       : std::string_view();
        };
        const std::string_view date = field(dateColumn);
        if (!isIsoDate(date))
            return rowError(fileLabel, lineNumber,
                            "date: '" + std::string(date) + "' is not YYYY-MM-DD");
        const std::string symbol = normalizeSymbol(field(symbolColumn));
        if (!isValidSymbol(symbol))
            return rowError(fileLabel, lineNumber,
                            "symbol: '" + std::string(field(symbolColumn)) + "' is not a symbol");
        const std::optional<double> mu = parseNumber(field(muColumn));
        if (!mu)
            return rowError(fileLabel, lineNumber,
                            "mu: '" + std::string(field(muColumn)) + "' is not a finite number");
        ForecastRow row{*mu, std::nullopt};
        const std::string_view sigmaText = field(sigmaColumn);
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
