#pragma once

// Issue 6: the drawdown guard against the store. Reads the guard settings, the snapshots and
// the live equity, asks kelly::evaluateDrawdownGuard, and when the guard trips switches the
// mode to halt in one transaction with an audit row of origin `guard` carrying the figures.
// It never un-trips: only a person resumes (kellyctl resume, the dashboard's Resume).
// kellyctl runs it after every account or snapshot write, SizingService before every sizing
// call, the dashboard on every refresh.

#include "Settings.h"
#include "Store.h"

namespace kelly::store {

struct GuardCheck
{
    GuardStatus status;      // the figures, also when the guard is off (status --json)
    bool halted = false;     // the stored mode is halt after the check
    bool trippedNow = false; // this check switched the mode to halt
};

class DrawdownGuardService
{
public:
    DrawdownGuardService(Store& store, Environment environment);

    // Reads only: the figures and whether the store is halted (for status and display).
    bool evaluate(UtcTime now, GuardCheck* out, QString* error) const;
    // evaluate, then trips to halt when a limit is reached and the store is not halted yet.
    bool check(UtcTime now, GuardCheck* out, QString* error);

    // Issue 25: the figures from what a caller read in its own snapshot (SizingService reads
    // the guard's inputs with the sizing's), and the trip that `check` makes after evaluate.
    static GuardCheck evaluateRead(const EffectiveSettings& settings, const AccountRecord& account,
                                   const std::vector<PortfolioSnapshot>& snapshots, UtcTime now);
    bool tripIfReached(UtcTime now, GuardCheck* check, QString* error);

private:
    Store& m_store;
    Environment m_environment;
};

} // namespace kelly::store
