#include "KellyOdds.h"

#include <algorithm>
#include <cmath>

namespace kelly {

double everFallsToProbability(double kellyMultiple, double fractionOfToday)
{
    if (kellyMultiple >= 2.0)
        return 1.0;
    return std::pow(fractionOfToday, 2.0 / kellyMultiple - 1.0);
}

Result<DrawdownBudget> kellyForDrawdownBudget(double drawdown, double probability)
{
    if (!std::isfinite(drawdown) || drawdown <= 0.0 || drawdown >= 1.0)
        return InputError{"drawdown", "must be a fraction between 0 and 1 (0.2 is a 20% loss)"};
    if (!std::isfinite(probability) || probability <= 0.0 || probability >= 1.0)
        return InputError{"probability",
                          "must be a fraction between 0 and 1 (0.05 is a 5% chance)"};
    DrawdownBudget budget;
    budget.lambda = std::log(probability) / std::log(1.0 - drawdown);
    budget.effectiveFraction = std::min(1.0, 2.0 / (1.0 + budget.lambda));
    return budget;
}

} // namespace kelly
