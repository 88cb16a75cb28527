#pragma once

#include "sizing/Exposure.h"

#include <QColor>
#include <algorithm>

// The dashboard's few colours, in one place: calm when all is well, amber near a limit,
// red over it (issue 5).
namespace kelly::ui::palette {

inline QColor ok()
{
    return QColor(0x2e, 0x7d, 0x32);
}
inline QColor near()
{
    return QColor(0xef, 0x8f, 0x00);
}
inline QColor over()
{
    return QColor(0xc6, 0x28, 0x28);
}
inline QColor neutralBar()
{
    return QColor(0x3f, 0x6e, 0xa8);
}
inline QColor gain()
{
    return QColor(0x1b, 0x7a, 0x3a);
}
inline QColor loss()
{
    return QColor(0xc0, 0x39, 0x2b);
}
inline QColor muted()
{
    return QColor(0x6b, 0x72, 0x80);
}

inline QColor forState(LimitState state)
{
    switch (state) {
    case LimitState::Ok:
        return ok();
    case LimitState::Near:
        return near();
    case LimitState::Over:
        return over();
    }
    return ok();
}

// The state the book's leverage is drawn in. Over the overnight limit is amber during the
// day (there is time to cut) and red only inside the 30-minute close warning (SPEC 6).
inline LimitState bookState(const ExposureReport& report)
{
    LimitState overnight = report.overnightState;
    if (overnight == LimitState::Over && !report.closeWarning)
        overnight = LimitState::Near;
    return std::max(report.intradayState, overnight);
}

} // namespace kelly::ui::palette
