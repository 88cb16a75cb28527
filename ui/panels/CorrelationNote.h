#pragma once

// SPEC 11 in words, for the what-if and the sizing log: how the correlation term moved an
// enhanced size, and why it did not apply.

#include "sizing/Sizing.h"

#include <QString>

namespace kelly::ui {

// "AAPL +0.00024 (rho 0.60, weight 1.00)": one held symbol's share of book_cov.
QString contributionText(const BookCovContribution& contribution);

// book_cov as a signed daily figure: "+0.00024", "-0.00012", "0".
QString bookCovText(double bookCov);

// The what-if's explanation of an enhanced result: what book_cov did to the base and the
// quantity, its largest contributions and the symbols read as uncorrelated; or why the term
// did not apply. Empty when SPEC 11 has nothing to say (legacy, symbol at cap, no equity).
QString correlationExplanation(const SizingResult& enhanced);

// The sizing log's cell: "1,600 -> 860" (with an arrow), "applied, no change", or "off: stale
// build"; empty when SPEC 11 was not concerned.
QString correlationLogCell(const SizingResult& result);

} // namespace kelly::ui
