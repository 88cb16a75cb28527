#pragma once

#include <chrono>

namespace kelly {

using UtcTime = std::chrono::sys_seconds;

// America/New_York without a tz database: GCC 12's <chrono> has the calendar but not
// std::chrono::tzdb, and the core links nothing else. The US rule in force since 2007:
// EDT (UTC-4) from the second Sunday of March, 02:00 local, to the first Sunday of
// November, 02:00 local; EST (UTC-5) otherwise. Earlier years use the same rule, which is
// wrong before 2007 but no store holds snapshots that old.
namespace newyork {

std::chrono::seconds utcOffset(UtcTime utc);

// The local wall clock in New York as seconds since the epoch (for calendar maths only).
std::chrono::local_seconds toLocal(UtcTime utc);
UtcTime fromLocal(std::chrono::local_seconds local); // for an ambiguous hour, the first

// Midnight at the start of the New York calendar day that holds `utc`.
UtcTime startOfDay(UtcTime utc);

// The next US regular-session close (16:00 New York on a weekday) at or after `utc`.
// Exchange holidays are not modelled: on a holiday this reports the usual 16:00.
UtcTime nextClose(UtcTime utc);

// Calendar days a position held over the close on `utc`'s New York day is financed for:
// 1 on Monday-Thursday, 3 on Friday (held to Monday), 2 on Saturday, 1 on Sunday.
int financedDaysAfterClose(UtcTime utc);

} // namespace newyork
} // namespace kelly
