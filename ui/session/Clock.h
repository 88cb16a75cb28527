#pragma once

#include "common/NewYorkTime.h"

namespace kelly::ui {

// The dashboard's only source of "now": panels and models ask a Clock, so tests can stand
// at 15:45 New York on a Friday (STYLE: time is injected).
class Clock
{
public:
    virtual ~Clock() = default;
    virtual UtcTime now() const = 0;
};

class SystemClock final : public Clock
{
public:
    UtcTime now() const override;
};

// A clock that stays where a test puts it.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(UtcTime start) : m_now(start) {}
    UtcTime now() const override { return m_now; }
    void set(UtcTime now) { m_now = now; }
    void advance(std::chrono::seconds by) { m_now += by; }

private:
    UtcTime m_now;
};

} // namespace kelly::ui
