#pragma once

// SPEC 11: correlation-aware enhanced sizing. The half-Kelly fraction of the ordered symbol s
// is taken with the rest of the book held fixed, so a book already long what s moves with
// gets a smaller add and a hedge a larger one. Everything else (leverage, rooms, rounding,
// the log line) stays SPEC 2's.
//
// The data comes in as a BookCorrelation, not as a store build: the store resolves it from
// its latest correlation build (risk/OrderCorrelation.h), the sizing lab from its own
// rolling window. The sizer validates it and falls back to legacy (SPEC 2) on corrupt values.

#include "Account.h"
#include "common/NewYorkTime.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kelly {

// Why SPEC 11 did not apply; SPEC 2 then holds exactly.
enum class CorrelationReason
{
    SettingOff,       // the setting correlation_aware is false
    NoBuild,          // no correlation data at all
    StaleBuild,       // the build's data is older than kCorrelationDataStaleAfter
    SymbolNotInBuild, // the build does not know the ordered symbol
};
const char* correlationReasonName(CorrelationReason reason); // "setting off", "no build", ...

// SPEC 5 and 11: a build whose data's date (its last return's day, given as 00:00 UTC of
// that day) is more than this many calendar days before today in New York is stale and does
// not drive sizing, however recently it was built (issue 24): data of Monday the 18th is
// fresh through Monday the 25th.
inline constexpr std::chrono::days kCorrelationDataStaleAfter{7};
inline bool isCorrelationDataStale(UtcTime dataDate, UtcTime now)
{
    const auto today = std::chrono::floor<std::chrono::days>(newyork::toLocal(now));
    const auto dataDay = std::chrono::floor<std::chrono::days>(dataDate);
    return today.time_since_epoch() - dataDay.time_since_epoch() > kCorrelationDataStaleAfter;
}

// How the ordered symbol s co-moves with the held book, from whatever source the caller has.
//
// Contract: when `unavailable` is set, SPEC 11 does not apply and the vectors are ignored.
// Otherwise both vectors are aligned with Account::positions (entry i describes
// positions[i]):
//   rhoWithOrder[i]  rho(s, positions[i].symbol); nullopt when the source has no value (a
//                    blank correlation or a symbol it does not cover): it reads 0 and the
//                    symbol is listed in SizingResult::uncovered;
//   sigmaDaily[i]    positions[i]'s daily volatility (annualized / sqrt(252)); ignored where
//                    rho is nullopt.
// The entry for s itself, when s is held, is ignored (SPEC 11 sums over j other than s).
// Vectors of the wrong length, rho that is not finite or outside [-1, 1], and a sigma that is
// not finite or negative are corrupt data: the call falls back to legacy, naming the symbol.
struct BookCorrelation
{
    std::optional<CorrelationReason> unavailable;
    std::vector<std::optional<double>> rhoWithOrder;
    std::vector<double> sigmaDaily;
};

// One held symbol's share of book_cov: d x sigma x w_j x rho_sj x sigma_j.
struct BookCovContribution
{
    std::string symbol;
    double bookCov = 0.0;
    double rho = 0.0;
    double weight = 0.0; // signed market value / E
};

// How many of the largest contributions (by absolute value) a result keeps, for the what-if.
inline constexpr size_t kTopBookCovContributions = 3;

struct SizingResult;

// The SPEC 11 step, called by sizeEnhanced right after SPEC 2.5 set r.baseFraction (the
// uncorrelated base) from mu and sigma: fills r.bookCov, r.baseFractionUncorrelated,
// r.uncovered, r.largestContributions, sets r.correlationAware and replaces r.baseFraction
// (and r.fullKelly) with the adjusted ones. mu = 0 or sigma = 0 keep base 0 as SPEC 2.5 does.
// Returns the reason for a legacy fallback when `correlation` is corrupt (see above); r is
// then unchanged.
// d = +1 for crypto (long-only), sign(mu) for a stock; c is the kelly_fraction setting.
std::optional<std::string> applyBookCorrelation(SizingResult& r, const Account& account,
                                                const BookCorrelation& correlation, double muDaily,
                                                double sigmaDaily, bool crypto,
                                                double kellyFraction);

} // namespace kelly
