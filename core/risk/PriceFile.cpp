#include "PriceFile.h"

#include "common/CsvLines.h"
#include "common/Symbols.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

namespace kelly {

namespace {

InputError lineError(const std::string& fileLabel, int line, std::string message)
{
    return InputError{fileLabel + ":" + std::to_string(line), std::move(message)};
}

bool isMissingClose(std::string_view text)
{
    return text.empty() || text == "null" || text == "NULL" || text == "Null";
}

unsigned daysInMonth(unsigned year, unsigned month)
{
    static constexpr unsigned kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
}

// The date as YYYYMMDD when `text` is a real calendar date written exactly YYYY-MM-DD,
// else 0: a key that orders dates as their text does.
int isoDateKey(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    auto digit = [&](std::size_t i) {
        return static_cast<unsigned>(text[i]) - unsigned{'0'};
    };
    const unsigned d[8] = {digit(0), digit(1), digit(2), digit(3),
                           digit(5), digit(6), digit(8), digit(9)};
    if (d[0] > 9 || d[1] > 9 || d[2] > 9 || d[3] > 9 || d[4] > 9 || d[5] > 9 || d[6] > 9 ||
        d[7] > 9)
        return 0;
    const unsigned year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
    const unsigned month = d[4] * 10 + d[5];
    const unsigned day = d[6] * 10 + d[7];
    if (month < 1 || month > 12 || day < 1)
        return 0;
    if (day > 28 && day > daysInMonth(year, month))
        return 0;
    return static_cast<int>(year * 10000 + month * 100 + day);
}

// A row of a `date,close` file written the usual way, `YYYY-MM-DD,187.25` and a line break.
struct PlainRow
{
    std::string_view date;
    int dateKey = 0;
    std::string_view closeText;
    double close = 0.0;
    std::size_t length = 0; // with the line break
};

// The month of the last plain row: rows of one month share the text "YYYY-MM-", so only
// the day needs reading and checking against the month's length.
struct MonthSeen
{
    std::uint64_t prefix = 0; // the first 8 bytes, "YYYY-MM-"; 0 before any row
    int key = 0;              // YYYYMM00
    unsigned days = 0;
};

// Reads such a row from the start of `text` in one pass, without splitting or trimming:
// false for any other shape (blanks, quotes, more fields, signs, exponents, a bad date, a
// long mantissa), which the general path then reads to the same fields. The close is exact:
// its digits as an integer up to 2^53 and a power of ten up to 1e18 are both exact doubles,
// so the one correctly rounded division gives the nearest double, the value from_chars
// gives (Clinger's fast path).
bool readPlainRow(std::string_view text, MonthSeen& month, PlainRow& row)
{
    constexpr std::size_t kMaxDigits = 19; // fits 64 bits; checked against 2^53 below
    // At most 18 fraction digits: one digit comes before the point.
    static constexpr double kPowersOfTen[kMaxDigits] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                                        1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                                        1e14, 1e15, 1e16, 1e17, 1e18};
    if (text.size() < 12 || text[10] != ',')
        return false;
    row.date = text.substr(0, 10);
    std::uint64_t prefix = 0;
    std::memcpy(&prefix, text.data(), sizeof prefix);
    const unsigned tens = static_cast<unsigned>(text[8]) - unsigned{'0'};
    const unsigned ones = static_cast<unsigned>(text[9]) - unsigned{'0'};
    const unsigned day = tens * 10 + ones;
    if (prefix == month.prefix && tens <= 9 && ones <= 9 && day >= 1 && day <= month.days) {
        row.dateKey = month.key + static_cast<int>(day);
    } else {
        row.dateKey = isoDateKey(row.date);
        if (row.dateKey == 0)
            return false;
        month.prefix = prefix;
        month.key = row.dateKey - row.dateKey % 100;
        month.days = daysInMonth(static_cast<unsigned>(row.dateKey / 10000),
                                 static_cast<unsigned>(row.dateKey / 100 % 100));
    }
    const char* const begin = text.data() + 11;
    const char* const end = text.data() + text.size();
    std::uint64_t digits = 0;
    auto readDigits = [&digits, end](const char* p) { // to the first non-digit
        for (unsigned value = 0; p < end && (value = static_cast<unsigned>(*p) - '0') <= 9; ++p)
            digits = digits * 10 + value;
        return p;
    };
    const char* p = readDigits(begin);
    const auto count = static_cast<std::size_t>(p - begin);
    std::size_t fractionDigits = 0;
    if (count > 0 && p < end && *p == '.') {
        const char* const fraction = p + 1;
        p = readDigits(fraction);
        fractionDigits = static_cast<std::size_t>(p - fraction);
        if (fractionDigits == 0)
            return false;
    }
    if (count == 0 || count + fractionDigits > kMaxDigits || digits > (std::uint64_t{1} << 53))
        return false;
    row.closeText = std::string_view(begin, static_cast<std::size_t>(p - begin));
    if (p < end && *p == '\r')
        ++p;
    if (p < end && *p != '\n')
        return false;
    row.close = static_cast<double>(digits) / kPowersOfTen[fractionDigits];
    row.length = static_cast<std::size_t>(p - text.data()) + 1; // past the line break (or end)
    return true;
}

} // namespace

bool isIsoDate(std::string_view text)
{
    return isoDateKey(text) != 0;
}

Result<PriceSeries> parsePriceCsv(std::string_view text, const std::string& fileLabel,
                                  const std::string& symbol)
{
    // Rows go straight into the series; files written in date order (nearly all) are
    // checked for order and duplicates on the way, and only others are sorted afterwards.
    CsvLines lines(text);
    PriceSeries series;
    series.symbol = symbol;
    series.dates.reserve(text.size() / 16);
    series.closes.reserve(text.size() / 16);
    std::vector<int> rowLines; // the line of each row, for errors after a sort
    rowLines.reserve(text.size() / 16);
    bool ascending = true;
    std::optional<std::size_t> firstDuplicate; // row equal to its predecessor (if ascending)
    int dateColumn = -1;
    int closeColumn = -1;
    std::size_t neededFields = 0;
    bool plainColumns = false; // date in column 0 and close in 1: readPlainRow applies
    int previousKey = 0;       // isoDateKey of the last row (if ascending)
    MonthSeen monthSeen;
    while (true) {
        int lineNumber = 0;
        int dateKey = 0;
        std::string_view date;
        std::string_view closeText;
        double close = 0.0;
        PlainRow plain;
        if (plainColumns && readPlainRow(lines.remaining(), monthSeen, plain)) {
            lines.consumeLine(plain.length);
            lineNumber = lines.lineNumber();
            date = plain.date;
            dateKey = plain.dateKey;
            closeText = plain.closeText;
            close = plain.close;
        } else {
            if (!lines.nextLine())
                break;
            lineNumber = lines.lineNumber();
            lines.splitFields();
            const std::vector<std::string_view>& fields = lines.fields();
            if (dateColumn < 0) { // the first non-blank line is the header
                int adjCloseColumn = -1;
                for (std::size_t i = 0; i < fields.size(); ++i) {
                    const std::string name = lowerAscii(fields[i]);
                    if (name == "date")
                        dateColumn = static_cast<int>(i);
                    else if (name == "close")
                        closeColumn = static_cast<int>(i);
                    else if (name == "adj close" || name == "adj_close" || name == "adjclose")
                        adjCloseColumn = static_cast<int>(i);
                }
                if (adjCloseColumn >= 0) // SPEC 5: prefer Yahoo's adjusted close
                    closeColumn = adjCloseColumn;
                if (dateColumn < 0)
                    return lineError(fileLabel, lineNumber, "missing column 'date' in the header");
                if (closeColumn < 0)
                    return lineError(fileLabel, lineNumber, "missing column 'close' in the header");
                neededFields = static_cast<std::size_t>(std::max(dateColumn, closeColumn)) + 1;
                plainColumns = dateColumn == 0 && closeColumn == 1;
                continue;
            }
            if (fields.size() < neededFields)
                return lineError(fileLabel, lineNumber,
                                 "expected at least " + std::to_string(neededFields) +
                                     " fields, found " + std::to_string(fields.size()));
            date = fields[static_cast<std::size_t>(dateColumn)];
            // Some exports append a time ("2024-01-02 00:00:00-05:00"); the day is what
            // counts.
            if (date.size() > 10 && (date[10] == ' ' || date[10] == 'T'))
                date = date.substr(0, 10);
            dateKey = isoDateKey(date);
            if (dateKey == 0)
                return lineError(fileLabel, lineNumber,
                                 "bad date '" + std::string(date) + "' (expected YYYY-MM-DD)");
            closeText = fields[static_cast<std::size_t>(closeColumn)];
            // SPEC 5: an empty or `null` close is Yahoo's day without data: skipped, so the
            // build counts the date as missing for this symbol (as pandas reads it).
            if (isMissingClose(closeText))
                continue;
            const auto [closeEnd, ec] =
                std::from_chars(closeText.data(), closeText.data() + closeText.size(), close);
            if (ec != std::errc() || closeEnd != closeText.data() + closeText.size())
                return lineError(fileLabel, lineNumber,
                                 "close '" + std::string(closeText) + "' is not a number");
        }
        if (!std::isfinite(close))
            return lineError(fileLabel, lineNumber,
                             "close '" + std::string(closeText) + "' is not finite");
        if (close <= 0.0)
            return lineError(fileLabel, lineNumber,
                             "close '" + std::string(closeText) + "' is not positive");
        if (ascending && !series.dates.empty()) {
            if (dateKey < previousKey)
                ascending = false;
            else if (dateKey == previousKey && !firstDuplicate)
                firstDuplicate = series.dates.size();
        }
        previousKey = dateKey;
        series.dates.emplace_back(date);
        series.closes.push_back(close);
        rowLines.push_back(lineNumber);
    }

    if (dateColumn < 0)
        return InputError{fileLabel, "empty file (no header)"};
    if (series.dates.empty())
        return InputError{fileLabel, "no price rows after the header"};

    if (!ascending) {
        // A stable sort keeps duplicates in file order.
        std::vector<std::size_t> order(series.dates.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return series.dates[a] < series.dates[b];
        });
        PriceSeries sorted;
        sorted.symbol = symbol;
        std::vector<int> sortedLines;
        for (std::size_t i : order) {
            sorted.dates.push_back(std::move(series.dates[i]));
            sorted.closes.push_back(series.closes[i]);
            sortedLines.push_back(rowLines[i]);
        }
        series = std::move(sorted);
        rowLines = std::move(sortedLines);
        firstDuplicate.reset();
        for (std::size_t i = 1; i < series.dates.size() && !firstDuplicate; ++i)
            if (series.dates[i] == series.dates[i - 1])
                firstDuplicate = i;
    }
    if (firstDuplicate) {
        const std::size_t i = *firstDuplicate;
        return lineError(fileLabel, std::max(rowLines[i], rowLines[i - 1]),
                         "duplicate date " + series.dates[i] + " (also line " +
                             std::to_string(std::min(rowLines[i], rowLines[i - 1])) + ")");
    }
    return series;
}

Result<PriceSeries> readPriceFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return InputError{path, "cannot open the file"};
    const std::streamoff size = in.tellg();
    if (size < 0)
        return InputError{path, "cannot read the file"};
    // Not zero-filled first: the read overwrites every byte.
    const auto buffer = std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(buffer.get(), size))
        return InputError{path, "cannot read the file"};
    const std::string_view text(buffer.get(), static_cast<std::size_t>(size));

    const std::string symbol = normalizeSymbol(std::filesystem::path(path).stem().string());
    if (!isValidSymbol(symbol))
        return InputError{path, "the file name is not a valid symbol"};
    return parsePriceCsv(text, path, symbol);
}

Result<std::vector<PriceSeries>> loadPriceFolder(const std::string& dir)
{
    namespace fs = std::filesystem;
    std::error_code error;
    if (!fs::is_directory(dir, error))
        return InputError{dir, "not a folder"};
    std::vector<std::string> paths;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        if (it->is_regular_file(error) && lowerAscii(it->path().extension().string()) == ".csv")
            paths.push_back(it->path().string());
    }
    if (error)
        return InputError{dir, "cannot list the folder: " + error.message()};
    if (paths.empty())
        return InputError{dir, "no *.csv price files"};

    // Files parse independently: spread them over the cores (a 500-file folder is mostly
    // number parsing). Paths are sorted so the error reported is always the same one.
    std::sort(paths.begin(), paths.end());
    std::vector<std::optional<Result<PriceSeries>>> results(paths.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < paths.size(); i = next++)
            results[i].emplace(readPriceFile(paths[i]));
    };
    const std::size_t threadCount =
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < std::min(threadCount, paths.size() / 16 + 1); ++t) {
        try {
            helpers.emplace_back(worker);
        } catch (const std::system_error&) {
            break; // no thread to spare: this one reads the rest
        }
    }
    worker();
    for (auto& helper : helpers)
        helper.join();

    std::vector<PriceSeries> all;
    all.reserve(paths.size());
    for (auto& result : results) {
        if (!result->ok())
            return result->error();
        all.push_back(std::move(*result).value());
    }
    std::sort(all.begin(), all.end(),
              [](const PriceSeries& a, const PriceSeries& b) { return a.symbol < b.symbol; });
    for (std::size_t i = 1; i < all.size(); ++i)
        if (all[i].symbol == all[i - 1].symbol)
            return InputError{dir, "two files hold symbol " + all[i].symbol};
    return all;
}

} // namespace kelly
