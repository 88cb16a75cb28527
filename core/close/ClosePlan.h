#pragma once

// SPEC 17: the plan that brings the book to the overnight target before the close, at last
// prices: gross <= L_on x E and E - MR >= k x (gross - MR). Pure: the store hands in the book,
// the settings, the build and what earlier plans already sent; nothing here sends or writes.

#include "common/NewYorkTime.h"
#include "common/Result.h"
#include "common/Symbols.h"
#include "margin/Margin.h"
#include "risk/Analytics.h"
#include "sizing/Account.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kelly {

enum class CloseMethod
{
    Proportional,
    FewestOrders,
    MinRisk
};
const char* closeMethodName(CloseMethod method); // "proportional" | "fewest-orders" | "min-risk"
std::optional<CloseMethod> parseCloseMethod(std::string_view name);

enum class CloseSide
{
    Sell, // reduces a long
    Buy   // buys back part of a short
};
const char* closeSideName(CloseSide side); // "sell" | "buy"

inline constexpr double kStockQtyStep = 1.0;    // whole shares
inline constexpr double kCryptoQtyStep = 0.001; // SPEC 17
inline constexpr double kStepSnapQty = 1e-9;    // a value within 1e-9 of a step is that step
inline constexpr double kCloseCostBps = 5.0;    // est_cost: 5 bps of the sold value

struct ClosePlanInput
{
    Account account; // E and the book at last prices
    RiskLimits limits;
    CryptoList cryptoList;
    MarginPolicy policy; // k and the rates
    double financingAnnualRate = 0.065;
    UtcTime now;                             // the plan's New York date and tonight's financed days
    const CorrelationBuild* build = nullptr; // min-risk and var_95; nullptr: none
    // |qty| per symbol that orders accepted today by earlier plans sell and the book does
    // not show yet: those positions are planned from |qty| less this (SPEC 17).
    std::unordered_map<std::string, double> pendingSoldQty;
};

struct ClosePlanLine
{
    std::string symbol;
    AssetClass assetClass = AssetClass::Stock;
    CloseSide side = CloseSide::Sell;
    double qty = 0.0;     // signed position the plan starts from (book less pending sales)
    double sellQty = 0.0; // > 0, the order's quantity
    double sellUsd = 0.0; // sellQty x last price
    double qtyAfter = 0.0;
    double weightAfter = 0.0; // current after / gross after (0 when nothing is left)
    double priceUsd = 0.0;
};

struct ClosePlanAfter
{
    double grossUsd = 0.0;
    std::optional<double> leverage; // null when E <= 0
    double maintenanceUsd = 0.0;
    double excessUsd = 0.0;
    std::optional<double> marginCallFallPct;
    std::optional<double> var95Usd; // with a build, on the planner's covariance
    double financingTonightUsd = 0.0;
};

struct ClosePlan
{
    std::string planId; // New York date + 8 hex digits of the lines (symbol, side, sellQty)
    bool needed = false;
    CloseMethod method = CloseMethod::Proportional;
    std::vector<ClosePlanLine> lines;
    ClosePlanAfter after;
    double estCostUsd = 0.0;
    double soldUsd = 0.0;
    // Before rounding: the value sold and, with a build, the book's daily variance (USD^2).
    double soldUsdBeforeRounding = 0.0;
    std::optional<double> varianceBeforeRoundingUsd2;
    std::optional<double> proportionalVarianceUsd2; // the same for proportional's cut
    int solverIterations = 0;
};

// Errors name the field: a non-finite equity, price or qty, limits out of range, a negative
// pending quantity; min-risk without a build.
Result<ClosePlan> planClose(const ClosePlanInput& input, CloseMethod method);

// True when the book meets the overnight target at last prices (SPEC 17).
bool meetsCloseTarget(const Account& account, const RiskLimits& limits,
                      const CryptoList& cryptoList, const MarginPolicy& policy);

// SPEC 17's rounding of a sale of `qty` units up to the asset's step.
double roundSaleUp(double qty, AssetClass assetClass);

// The plan id of a set of lines on the New York date of `now`.
std::string closePlanId(const std::vector<ClosePlanLine>& lines, UtcTime now);

// A build that covers every position: does `build` hold each held symbol?
bool buildCoversBook(const CorrelationBuild& build, const Account& account);

} // namespace kelly
