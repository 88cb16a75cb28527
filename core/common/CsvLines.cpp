#include "CsvLines.h"

#include <cstring>

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

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trimField(std::string_view text)
{
    if (text.empty())
        return text;
    if (isBlank(text.front()) || isBlank(text.back()))
        text = trimSpace(text);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    return text;
}

} // namespace

CsvLines::CsvLines(std::string_view text) : m_text(text)
{
    if (m_text.starts_with("\xEF\xBB\xBF"))
        m_text.remove_prefix(3);
}

bool CsvLines::nextLine()
{
    const char* const data = m_text.data();
    const std::size_t size = m_text.size();
    while (m_pos < size) {
        const void* newline = std::memchr(data + m_pos, '\n', size - m_pos);
        const std::size_t end =
            newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : size;
        m_line = trimSpace(std::string_view(data + m_pos, end - m_pos));
        m_pos = end + 1;
        ++m_lineNumber;
        if (!m_line.empty())
            return true;
    }
    return false;
}

bool CsvLines::splitFields()
{
    m_fields.clear();
    const char* const end = m_line.data() + m_line.size();
    const char* start = m_line.data();
    while (const void* comma = std::memchr(start, ',', static_cast<std::size_t>(end - start))) {
        const char* const stop = static_cast<const char*>(comma);
        m_fields.push_back(
            trimField(std::string_view(start, static_cast<std::size_t>(stop - start))));
        start = stop + 1;
    }
    m_fields.push_back(trimField(std::string_view(start, static_cast<std::size_t>(end - start))));
    return true;
}

std::string_view CsvLines::field(int column) const
{
    return column >= 0 && static_cast<std::size_t>(column) < m_fields.size()
               ? m_fields[static_cast<std::size_t>(column)]
               : std::string_view();
}

std::string lowerAscii(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace kelly
