#include "PriceFile.h"

#include "common/Symbols.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <thread>

namespace kelly {

namespace {

std::string_view trimSpace(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// A field without surrounding blanks or double quotes (spreadsheets quote headers).
std::string_view trimField(std::string_view text)
{
    text = trimSpace(text);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    return text;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Splits one line on commas into `fields` (reused to avoid allocations per row).
void splitFields(std::string_view line, std::vector<std::string_view>& fields)
{
    fields.clear();
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        if (comma == std::string_view::npos) {
            fields.push_back(trimField(line.substr(start)));
            return;
        }
        fields.push_back(trimField(line.substr(start, comma - start)));
        start = comma + 1;
    }
}

InputError lineError(const std::string& fileLabel, int line, std::string message)
{
    return InputError{fileLabel + ":" + std::to_string(line), std::move(message)};
}

bool isMissingClose(std::string_view text)
{
    return text.empty() || text == "null" || text == "NULL" || text == "Null";
}

struct Row
{
    std::string_view date;
    double close = 0.0;
    int line = 0;
};

} // namespace

bool isIsoDate(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9')
            return false;
    auto digit = [&](std::size_t i) {
        return text[i] - '0';
    };
    const int year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    const int month = digit(5) * 10 + digit(6);
    const int day = digit(8) * 10 + digit(9);
    if (month < 1 || month > 12 || day < 1)
        return false;
    static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int maxDay = kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= maxDay;
}

Result<PriceSeries> parsePriceCsv(std::string_view text, const std::string& fileLabel,
                                  const std::string& symbol)
{
    if (text.starts_with("\xEF\xBB\xBF")) // UTF-8 byte order mark from spreadsheet exports
        text.remove_prefix(3);

    std::vector<std::string_view> fields;
    std::vector<Row> rows;
    rows.reserve(text.size() / 24);
    int dateColumn = -1;
    int closeColumn = -1;
    std::size_t neededFields = 0;
    int lineNumber = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = trimSpace(text.substr(pos, end - pos));
        pos = end + 1;
        ++lineNumber;
        if (line.empty())
            continue;
        splitFields(line, fields);

        if (dateColumn < 0) { // the first non-blank line is the header
            int adjCloseColumn = -1;
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const std::string name = lower(fields[i]);
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
            continue;
        }

        if (fields.size() < neededFields)
            return lineError(fileLabel, lineNumber,
                             "expected at least " + std::to_string(neededFields) +
                                 " fields, found " + std::to_string(fields.size()));
        std::string_view date = fields[static_cast<std::size_t>(dateColumn)];
        // Some exports append a time ("2024-01-02 00:00:00-05:00"); the day is what counts.
        if (date.size() > 10 && (date[10] == ' ' || date[10] == 'T'))
            date = date.substr(0, 10);
        if (!isIsoDate(date))
            return lineError(fileLabel, lineNumber,
                             "bad date '" + std::string(date) + "' (expected YYYY-MM-DD)");
        const std::string_view closeText = fields[static_cast<std::size_t>(closeColumn)];
        // SPEC 5: an empty or `null` close is Yahoo's day without data: skipped, so the
        // build counts the date as missing for this symbol (as pandas reads it).
        if (isMissingClose(closeText))
            continue;
        double close = 0.0;
        const auto [closeEnd, ec] =
            std::from_chars(closeText.data(), closeText.data() + closeText.size(), close);
        if (closeText.empty() || ec != std::errc() ||
            closeEnd != closeText.data() + closeText.size())
            return lineError(fileLabel, lineNumber,
                             "close '" + std::string(closeText) + "' is not a number");
        if (!std::isfinite(close))
            return lineError(fileLabel, lineNumber,
                             "close '" + std::string(closeText) + "' is not finite");
        if (close <= 0.0)
            return lineError(fileLabel, lineNumber,
                             "close '" + std::string(closeText) + "' is not positive");
        rows.push_back(Row{date, close, lineNumber});
    }

    if (dateColumn < 0)
        return InputError{fileLabel, "empty file (no header)"};
    if (rows.empty())
        return InputError{fileLabel, "no price rows after the header"};

    // ISO dates sort chronologically as text; a stable sort keeps duplicates in file order.
    if (!std::is_sorted(rows.begin(), rows.end(),
                        [](const Row& a, const Row& b) { return a.date < b.date; }))
        std::stable_sort(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return a.date < b.date; });
    PriceSeries series;
    series.symbol = symbol;
    series.dates.reserve(rows.size());
    series.closes.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i > 0 && rows[i].date == rows[i - 1].date)
            return lineError(fileLabel, std::max(rows[i].line, rows[i - 1].line),
                             "duplicate date " + std::string(rows[i].date) + " (also line " +
                                 std::to_string(std::min(rows[i].line, rows[i - 1].line)) + ")");
        series.dates.emplace_back(rows[i].date);
        series.closes.push_back(rows[i].close);
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
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(text.data(), size))
        return InputError{path, "cannot read the file"};

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
        if (it->is_regular_file(error) && lower(it->path().extension().string()) == ".csv")
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
