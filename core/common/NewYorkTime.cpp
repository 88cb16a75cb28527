#include "NewYorkTime.h"

namespace kelly::newyork {

using namespace std::chrono;

namespace {

// The n-th (1-based) Sunday of a month.
sys_days nthSunday(year y, month m, unsigned n)
{
    return sys_days{year_month_weekday{y, m, weekday_indexed{Sunday, n}}};
}

bool isDaylightTime(UtcTime utc)
{
    const year y = year_month_day{floor<days>(utc)}.year();
    // 02:00 EST = 07:00 UTC starts DST; 02:00 EDT = 06:00 UTC ends it.
    const UtcTime start = nthSunday(y, March, 2) + hours{7};
    const UtcTime end = nthSunday(y, November, 1) + hours{6};
    return utc >= start && utc < end;
}

} // namespace

seconds utcOffset(UtcTime utc)
{
    return isDaylightTime(utc) ? hours{-4} : hours{-5};
}

local_seconds toLocal(UtcTime utc)
{
    return local_seconds{(utc + utcOffset(utc)).time_since_epoch()};
}

UtcTime fromLocal(local_seconds local)
{
    // Try the standard-time offset first, then daylight; the result must map back.
    for (auto offset : {hours{-5}, hours{-4}}) {
        const UtcTime candidate{local.time_since_epoch() - offset};
        if (toLocal(candidate) == local)
            return candidate;
    }
    // In the spring-forward gap: the wall time does not exist, take the later offset.
    return UtcTime{local.time_since_epoch() + hours{4}};
}

UtcTime startOfDay(UtcTime utc)
{
    const local_days day = floor<days>(toLocal(utc));
    return fromLocal(local_seconds{day});
}

UtcTime nextClose(UtcTime utc)
{
    local_days day = floor<days>(toLocal(utc));
    for (int i = 0; i < 8; ++i, day += days{1}) {
        const weekday wd{day};
        if (wd == Saturday || wd == Sunday)
            continue;
        const UtcTime close = fromLocal(local_seconds{day} + hours{16});
        if (close >= utc)
            return close;
    }
    return utc; // unreachable: a week always holds a weekday close
}

int financedDaysAfterClose(UtcTime utc)
{
    const weekday wd{floor<days>(toLocal(utc))};
    if (wd == Friday)
        return 3;
    if (wd == Saturday)
        return 2;
    return 1;
}

} // namespace kelly::newyork
