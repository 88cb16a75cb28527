#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace kelly::test {

// The ISO date `day` days after 1970-01-01: the inverse of lab::daysFromIsoDate, for
// building test panels day by day.
inline std::string isoDateFromDays(long long day)
{
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

} // namespace kelly::test
