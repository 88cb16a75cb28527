#include "DeskMargin.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>

namespace kelly::ui {

namespace {

// The curve's range and step (SPEC 16: -50% to +50%).
constexpr int kCurveFromPct = -50;
constexpr int kCurveToPct = 50;

QString wholeDollars(double usd)
{
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(usd, 'f', 0);
}

} // namespace

const std::vector<double>& defaultStressMovesPct()
{
    static const std::vector<double> moves{-30, -20, -15, -10, -5, 5, 10, 20};
    return moves;
}

QString DeskMargin::brokerMismatchText() const
{
    const double equityUsd = report.book.equityUsd;
    const double desk = report.book.maintenanceUsd;
    if (!brokerMaintenanceUsd || !std::isfinite(*brokerMaintenanceUsd) || !std::isfinite(desk))
        return {};
    // With no equity any difference is worth a look; otherwise SPEC 15's 1% of E.
    const double tolerance = equityUsd > 0.0 ? 0.01 * equityUsd : 0.0;
    if (std::abs(*brokerMaintenanceUsd - desk) <= tolerance)
        return {};
    return QCoreApplication::translate(
               "DeskMargin", "the broker requires %1, the desk computes %2: check the rates")
        .arg(wholeDollars(*brokerMaintenanceUsd), wholeDollars(desk));
}

std::optional<double> DeskMargin::safetyLineUsedPct() const
{
    const double gross = report.book.grossUsd;
    const double mr = report.book.maintenanceUsd;
    if (!(gross > 0.0) || !(mr > 0.0))
        return std::nullopt;
    const double rate = mr / gross;
    const double used = rate / (rate + callFallK * (1.0 - rate));
    return std::isfinite(used) ? std::optional<double>(100.0 * used) : std::nullopt;
}

DeskMargin computeDeskMargin(const Account& account, const CryptoList& cryptoList,
                             const MarginPolicy& policy, std::optional<double> sigmaDailyUsd,
                             std::optional<double> brokerMaintenanceUsd)
{
    DeskMargin margin;
    if (policy.rates)
        margin.rates = *policy.rates;
    MarginPolicy own = policy;
    own.rates = &margin.rates;
    margin.report = computeMarginReport(account, cryptoList, own, sigmaDailyUsd);
    margin.callFallK = policy.callFallK;
    margin.brokerMaintenanceUsd = brokerMaintenanceUsd;
    for (const double move : defaultStressMovesPct())
        margin.grid.push_back(
            runStressScenario(account, margin.report.book, uniformMoveScenario(account, move)));
    for (int move = kCurveFromPct; move <= kCurveToPct; ++move) {
        const StressOutcome at =
            runStressScenario(account, margin.report.book, uniformMoveScenario(account, move));
        margin.curve.push_back(
            {static_cast<double>(move), at.equityAfterUsd, at.maintenanceAfterUsd});
    }
    return margin;
}

} // namespace kelly::ui
