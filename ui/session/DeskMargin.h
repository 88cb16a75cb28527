#pragma once

// SPEC 15 and 16 as the dashboard shows them: the book's margin, the broker's cross-check,
// the default stress grid and the equity/MR curve against a uniform move. Computed with each
// DeskState on the loader's worker (never on the GUI thread), from the same read as the rest,
// with exactly the calls `kellyctl status` and `kellyctl stress` make, so the figures match.

#include "margin/Margin.h"
#include "margin/Stress.h"

#include <QString>
#include <optional>
#include <vector>

namespace kelly {
struct Account;
class CryptoList;
} // namespace kelly

namespace kelly::ui {

// One point of the Stress chart: every price moved by movePct.
struct StressCurvePoint
{
    double movePct = 0.0;
    double equityUsd = 0.0;
    double maintenanceUsd = 0.0;
};

struct DeskMargin
{
    MarginRates rates; // the overrides and the broker's synced rates the figures used
    MarginReport report;
    double callFallK = 0.05; // k = setting margin_call_fall_pct / 100
    // SPEC 15's broker cross-check: the last sync's maintenance_margin (null before one).
    std::optional<double> brokerMaintenanceUsd;
    std::vector<StressOutcome> grid;     // SPEC 16's default uniform moves, in order
    std::vector<StressCurvePoint> curve; // -50% to +50% in 1% steps

    // "the broker requires 31,200, the desk computes 30,000: check the rates" when the two
    // differ by more than 1% of equity (SPEC 15); empty otherwise.
    QString brokerMismatchText() const;
    // The margin used (MR / E) at which a fall of k would call a book of today's average rate
    // r = MR / gross: r / (r + k (1 - r)), from E - MR = k (gross - MR) with gross and the
    // rate fixed; exact for a long book without threshold crossings (SPEC 15). Null without
    // a requirement.
    std::optional<double> safetyLineUsedPct() const;
};

// SPEC 16's default moves: -30, -20, -15, -10, -5, 5, 10, 20.
const std::vector<double>& defaultStressMovesPct();

DeskMargin computeDeskMargin(const Account& account, const CryptoList& cryptoList,
                             const MarginPolicy& policy, std::optional<double> sigmaDailyUsd,
                             std::optional<double> brokerMaintenanceUsd);

} // namespace kelly::ui
