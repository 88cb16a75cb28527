#pragma once

// The one CSV line reader for files a user or a bot hands us: price files (SPEC 5) and
// forecast files (SPEC 12). Plain comma-separated text, no quoted commas: what Yahoo,
// spreadsheets and the bot write. Each reader keeps its own header and row rules; this
// class only walks the lines, so both agree on blanks, quotes, BOMs and line numbers.

#include <string>
#include <string_view>
#include <vector>

namespace kelly {

class CsvLines
{
public:
    // `text` must outlive the reader (fields are views into it). A UTF-8 byte order mark
    // from a spreadsheet export is skipped.
    explicit CsvLines(std::string_view text);

    // Moves to the next line that is not blank (blank lines are skipped, as pandas does);
    // false at the end. fields() then holds its comma-separated fields without surrounding
    // blanks, a carriage return or one pair of double quotes (spreadsheets quote headers).
    bool next() { return nextLine() && splitFields(); }

    // next() in two steps, for a reader that handles its common row shape itself and splits
    // only the others: nextLine() moves to the next non-blank line (line() then holds it
    // without surrounding blanks or a carriage return) and leaves fields() as they were;
    // splitFields() fills fields() from line() and returns true.
    bool nextLine();
    std::string_view line() const { return m_line; }
    bool splitFields();

    // The text after the current line, for a reader that parses its common row shape
    // straight from it; consumeLine(length) then moves past that line (length includes its
    // line break) and counts it.
    std::string_view remaining() const
    {
        return m_pos < m_text.size() ? m_text.substr(m_pos) : std::string_view();
    }
    void consumeLine(std::size_t length)
    {
        m_pos += length;
        ++m_lineNumber;
    }

    const std::vector<std::string_view>& fields() const { return m_fields; }
    // The field at `column`, empty when the line is shorter (or column < 0).
    std::string_view field(int column) const;
    // 1-based number of the current line in the file, blank lines counted.
    int lineNumber() const { return m_lineNumber; }

private:
    std::string_view m_text;
    std::string_view m_line;
    std::size_t m_pos = 0;
    int m_lineNumber = 0;
    std::vector<std::string_view> m_fields; // reused: no allocation per line
};

// ASCII lower case, for matching header names.
std::string lowerAscii(std::string_view text);

} // namespace kelly
