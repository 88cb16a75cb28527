#include "Clock.h"

namespace kelly::ui {

UtcTime SystemClock::now() const
{
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

} // namespace kelly::ui
