#pragma once

// SPEC 18: what a Kelly multiple risks, and which fraction a drawdown budget allows. For a
// bet that compounds with its forecast right, held at c_eff times the full Kelly fraction,
// the chance that equity ever falls to a fraction x of today's is x^(2/c_eff - 1) (Thorp,
// 2006), certain at c_eff >= 2, where the expected log growth is zero.

#include "common/Result.h"

namespace kelly {

// P(equity ever falls to `fractionOfToday` x today's), for 0 < x < 1 and c_eff > 0.
double everFallsToProbability(double kellyMultiple, double fractionOfToday);

struct DrawdownBudget
{
    double lambda = 0.0;            // ln P / ln(1 - D)
    double effectiveFraction = 0.0; // c* = min(1, 2 / (1 + lambda))
};

// D (the loss, 0.2 = 20%) and P (its largest chance), both in (0, 1); errors name the field
// ("drawdown" or "probability").
Result<DrawdownBudget> kellyForDrawdownBudget(double drawdown, double probability);

} // namespace kelly
