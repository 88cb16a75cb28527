#pragma once

#include <cstdio>
#include <string>

namespace kelly::test {

// The ISO date `day` days after 1970-01-01 (Hinnant's civil_from_days): the inverse of
// lab::daysFromIsoDate, for building test panels day by day.
inline std::string isoDateFromDays(long long day)
{
    const long long z = day + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long d = doy - (153 * mp + 2) / 5 + 1;
    const long long m = mp < 10 ? mp + 3 : mp - 9;
    const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char text[64]; // room for any year the format could print, as -Wformat-truncation asks
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", y, m, d);
    return text;
}

} // namespace kelly::test
