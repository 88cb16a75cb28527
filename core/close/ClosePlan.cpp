#include "ClosePlan.h"

#include "MinRiskSolver.h"
#include "risk/Correlation.h"
#include "risk/PortfolioRisk.h"
#include "sizing/Exposure.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>

namespace kelly {

const char* closeMethodName(CloseMethod method)
{
    switch (method) {
    case CloseMethod::Proportional:
        return "proportional";
    case CloseMethod::FewestOrders:
        return "fewest-orders";
    case CloseMethod::MinRisk:
        return "min-risk";
    }
    return "proportional";
}

std::optional<CloseMethod> parseCloseMethod(std::string_view name)
{
    for (CloseMethod m :
         {CloseMethod::Proportional, CloseMethod::FewestOrders, CloseMethod::MinRisk})
        if (name == closeMethodName(m))
            return m;
    return std::nullopt;
}

const char* closeSideName(CloseSide side)
{
    return side == CloseSide::Sell ? "sell" : "buy";
}

double roundSaleUp(double qty, AssetClass assetClass)
{
    if (!(qty > 0.0))
        return 0.0;
    const double step = assetClass == AssetClass::Crypto ? kCryptoQtyStep : kStockQtyStep;
    const double steps = std::nearbyint(qty / step);
    if (std::abs(qty - steps * step) <= kStepSnapQty)
        return steps * step;
    return std::ceil(qty / step) * step;
}

namespace {

// The book the plan acts on: positions net of pending sales, and each one's req(s) /
// current(s), which a sale at a fixed price leaves unchanged (req is linear in |qty|).
struct WorkingBook
{
    Account account;
    std::vector<AssetClass> classes;
    std::vector<double> reqRate;
    std::vector<double> absQty;  // |qty| the plan starts from
    std::vector<double> saleQty; // what the plan sells
};

double keptCurrentUsd(const WorkingBook& book, size_t i)
{
    return std::max(0.0, book.absQty[i] - book.saleQty[i]) * book.account.positions[i].lastPriceUsd;
}

bool targetHolds(double equityUsd, double grossUsd, double maintenanceUsd, const RiskLimits& limits,
                 double k)
{
    const double tolerance = 1e-9 * std::max(1.0, std::abs(equityUsd));
    return grossUsd <= limits.overnightLeverage * equityUsd + tolerance &&
           equityUsd - maintenanceUsd >= k * (grossUsd - maintenanceUsd) - tolerance;
}

bool bookTargetHolds(const WorkingBook& book, const RiskLimits& limits, double k)
{
    double gross = 0.0, maintenance = 0.0;
    for (size_t i = 0; i < book.absQty.size(); ++i) {
        const double kept = keptCurrentUsd(book, i);
        gross += kept;
        maintenance += book.reqRate[i] * kept;
    }
    return targetHolds(book.account.equityUsd, gross, maintenance, limits, k);
}

void setSale(WorkingBook& book, size_t i, double qty)
{
    double sale = std::min(roundSaleUp(qty, book.classes[i]), book.absQty[i]);
    if (book.absQty[i] - sale <= kStepSnapQty)
        sale = book.absQty[i];
    book.saleQty[i] = sale;
}

std::optional<InputError> checkInput(const ClosePlanInput& input)
{
    const Account& a = input.account;
    if (!std::isfinite(a.equityUsd))
        return InputError{"equity", "must be a finite number"};
    const double lOn = input.limits.overnightLeverage;
    if (!std::isfinite(lOn) || lOn < 0.0)
        return InputError{"max_overnight_leverage", "must be finite and >= 0"};
    const double k = input.policy.callFallK;
    if (!std::isfinite(k) || k < 0.0 || k > 0.5)
        return InputError{"margin_call_fall_pct", "must be within [0, 50]"};
    if (!std::isfinite(input.financingAnnualRate) || input.financingAnnualRate < 0.0)
        return InputError{"leverage_cost_annual", "must be finite and >= 0"};
    for (const Position& p : a.positions) {
        if (!std::isfinite(p.qty))
            return InputError{"positions." + p.symbol + ".qty", "must be a finite number"};
        if (p.qty != 0.0 && !(std::isfinite(p.lastPriceUsd) && p.lastPriceUsd > 0.0))
            return InputError{"positions." + p.symbol + ".price", "must be finite and > 0"};
    }
    for (const auto& [symbol, qty] : input.pendingSoldQty)
        if (!std::isfinite(qty) || qty < 0.0)
            return InputError{"pending." + symbol, "must be finite and >= 0"};
    return std::nullopt;
}

// The covariance min-risk and var_95 use, on signed values of the book's positions: the
// build's S where it covers them; a held symbol outside it gets the largest variance among
// the held symbols in the build and no correlation (SPEC 17).
Eigen::MatrixXd bookCovariance(const Account& account, const CorrelationBuild& build)
{
    const size_t n = build.symbols.size();
    std::vector<double> assembled;
    const std::vector<double>* s = &build.covarianceDaily;
    if (s->size() != n * n) {
        assembled = assembleCovariance(build);
        s = &assembled;
    }
    const bool complete = s->size() == n * n;
    const size_t m = account.positions.size();
    std::vector<std::optional<size_t>> column(m);
    double largestHeld = 0.0, largestBuild = 0.0;
    for (size_t j = 0; complete && j < n; ++j)
        largestBuild = std::max(largestBuild, (*s)[j * n + j]);
    for (size_t i = 0; i < m && complete; ++i) {
        const auto at =
            std::find(build.symbols.begin(), build.symbols.end(), account.positions[i].symbol);
        if (at == build.symbols.end())
            continue;
        column[i] = static_cast<size_t>(at - build.symbols.begin());
        largestHeld = std::max(largestHeld, (*s)[*column[i] * n + *column[i]]);
    }
    const bool anyHeld =
        std::any_of(column.begin(), column.end(), [](const auto& c) { return c.has_value(); });
    // None held in the build: its largest variance; an empty build: unit variance.
    const double uncoveredVariance =
        anyHeld ? largestHeld : (largestBuild > 0.0 ? largestBuild : 1.0);
    Eigen::MatrixXd q =
        Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
    for (size_t i = 0; i < m; ++i) {
        const double si = account.positions[i].qty < 0.0 ? -1.0 : 1.0;
        for (size_t j = 0; j < m; ++j) {
            const double sj = account.positions[j].qty < 0.0 ? -1.0 : 1.0;
            double value = 0.0;
            if (column[i] && column[j])
                value = (*s)[*column[i] * n + *column[j]];
            else if (i == j)
                value = uncoveredVariance;
            q(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = si * sj * value;
        }
    }
    return q;
}

Eigen::VectorXd currentVector(const WorkingBook& book, bool kept)
{
    Eigen::VectorXd v(static_cast<Eigen::Index>(book.absQty.size()));
    for (size_t i = 0; i < book.absQty.size(); ++i)
        v[static_cast<Eigen::Index>(i)] =
            kept ? keptCurrentUsd(book, i) : book.account.positions[i].currentUsd();
    return v;
}

void planFewestOrders(WorkingBook& book, const RiskLimits& limits, double k)
{
    const double e = book.account.equityUsd;
    std::vector<size_t> order(book.absQty.size());
    std::iota(order.begin(), order.end(), size_t{0});
    const auto& ps = book.account.positions;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (ps[a].currentUsd() != ps[b].currentUsd())
            return ps[a].currentUsd() > ps[b].currentUsd();
        return ps[a].symbol < ps[b].symbol;
    });
    double gross = 0.0, maintenance = 0.0;
    for (size_t i = 0; i < ps.size(); ++i) {
        gross += ps[i].currentUsd();
        maintenance += book.reqRate[i] * ps[i].currentUsd();
    }
    for (size_t i : order) {
        if (targetHolds(e, gross, maintenance, limits, k))
            break;
        const double current = ps[i].currentUsd();
        const double neededUsd =
            std::min(current, std::max(gross - limits.overnightLeverage * e,
                                       (k * gross + (1.0 - k) * maintenance - e) /
                                           (k + (1.0 - k) * book.reqRate[i])));
        if (!(neededUsd > 0.0))
            continue;
        setSale(book, i, neededUsd / ps[i].lastPriceUsd);
        const double soldUsd = book.saleQty[i] * ps[i].lastPriceUsd;
        gross -= soldUsd;
        maintenance -= book.reqRate[i] * soldUsd;
    }
}

// Rounding up keeps the target; a solver's last digits may not: add a step to the largest
// remaining position (one already sold first) until it holds.
void repairAfterRounding(WorkingBook& book, const RiskLimits& limits, double k)
{
    for (int guard = 0; guard < 1'000'000 && !bookTargetHolds(book, limits, k); ++guard) {
        std::optional<size_t> pick;
        for (size_t i = 0; i < book.absQty.size(); ++i) {
            if (keptCurrentUsd(book, i) <= 0.0)
                continue;
            const auto rank = [&](size_t j) {
                return std::pair(book.saleQty[j] > 0.0, keptCurrentUsd(book, j));
            };
            if (!pick || rank(i) > rank(*pick))
                pick = i;
        }
        if (!pick)
            return;
        const double step =
            book.classes[*pick] == AssetClass::Crypto ? kCryptoQtyStep : kStockQtyStep;
        setSale(book, *pick, book.saleQty[*pick] + step);
    }
}

} // namespace

bool buildCoversBook(const CorrelationBuild& build, const Account& account)
{
    for (const Position& p : account.positions)
        if (p.qty != 0.0 &&
            std::find(build.symbols.begin(), build.symbols.end(), p.symbol) == build.symbols.end())
            return false;
    return true;
}

bool meetsCloseTarget(const Account& account, const RiskLimits& limits,
                      const CryptoList& cryptoList, const MarginPolicy& policy)
{
    const MarginBook margin = describeMargin(account, cryptoList, policy);
    return account.equityUsd > 0.0 && targetHolds(account.equityUsd, margin.grossUsd,
                                                  margin.maintenanceUsd, limits, policy.callFallK);
}

std::string closePlanId(const std::vector<ClosePlanLine>& lines, UtcTime now)
{
    std::vector<const ClosePlanLine*> sorted;
    for (const ClosePlanLine& line : lines)
        sorted.push_back(&line);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->symbol < b->symbol; });
    std::uint64_t hash = 14695981039346656037ULL; // FNV-1a 64
    const auto feed = [&hash](const std::string& text) {
        for (unsigned char c : text) {
            hash ^= c;
            hash *= 1099511628211ULL;
        }
    };
    for (const ClosePlanLine* line : sorted) {
        char qty[48];
        std::snprintf(qty, sizeof qty, "%lld",
                      static_cast<long long>(std::llround(line->sellQty * 1000.0)));
        feed(line->symbol + "|" + closeSideName(line->side) + "|" + qty + ";");
    }
    const auto day = std::chrono::floor<std::chrono::days>(newyork::toLocal(now));
    const std::chrono::year_month_day ymd{day};
    char id[40];
    std::snprintf(id, sizeof id, "%04d-%02u-%02u-%08x", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>((hash >> 32) ^ (hash & 0xffffffffULL)));
    return id;
}

Result<ClosePlan> planClose(const ClosePlanInput& input, CloseMethod method)
{
    if (const auto error = checkInput(input))
        return *error;
    if (method == CloseMethod::MinRisk && input.build == nullptr)
        return InputError{"method", "min-risk needs a correlation build (kellyctl correlation "
                                    "build), or choose proportional or fewest-orders"};
    const double k = input.policy.callFallK;
    const RiskLimits& limits = input.limits;

    WorkingBook book;
    book.account.equityUsd = input.account.equityUsd;
    book.account.buyingPowerUsd = input.account.buyingPowerUsd;
    for (const Position& p : input.account.positions) {
        const auto pending = input.pendingSoldQty.find(p.symbol);
        const double absQty =
            std::abs(p.qty) - (pending == input.pendingSoldQty.end() ? 0.0 : pending->second);
        if (absQty <= kStepSnapQty)
            continue;
        Position planned = p;
        planned.qty = std::copysign(absQty, p.qty);
        book.account.positions.push_back(planned);
        book.classes.push_back(input.cryptoList.classify(p.symbol));
        book.absQty.push_back(absQty);
    }
    const size_t n = book.absQty.size();
    book.saleQty.assign(n, 0.0);
    const MarginBook margin = describeMargin(book.account, input.cryptoList, input.policy);
    for (size_t i = 0; i < n; ++i) {
        const double current = book.account.positions[i].currentUsd();
        book.reqRate.push_back(current > 0.0 ? margin.requirementsUsd[i] / current : 0.0);
    }

    ClosePlan plan;
    plan.method = method;
    const double e = book.account.equityUsd;
    const double gross = margin.grossUsd;
    std::optional<Eigen::MatrixXd> covariance;
    if (input.build != nullptr)
        covariance = bookCovariance(book.account, *input.build);
    const Eigen::VectorXd current = currentVector(book, false);

    if (e <= 0.0) { // SPEC 17: with E <= 0 the plan closes every position
        book.saleQty = book.absQty;
        plan.soldUsdBeforeRounding = gross;
    } else if (!targetHolds(e, gross, margin.maintenanceUsd, limits, k)) {
        const double marginDenominator = k * gross + (1.0 - k) * margin.maintenanceUsd;
        const double keep = std::min(limits.overnightLeverage * e / gross,
                                     marginDenominator > 0.0 ? e / marginDenominator : 1.0);
        const double cut = std::clamp(1.0 - keep, 0.0, 1.0);
        if (covariance)
            plan.proportionalVarianceUsd2 =
                (1.0 - cut) * (1.0 - cut) * current.dot(*covariance * current);
        if (method == CloseMethod::Proportional) {
            for (size_t i = 0; i < n; ++i)
                setSale(book, i, cut * book.absQty[i]);
            plan.soldUsdBeforeRounding = cut * gross;
            plan.varianceBeforeRoundingUsd2 = plan.proportionalVarianceUsd2;
        } else if (method == CloseMethod::FewestOrders) {
            planFewestOrders(book, limits, k);
        } else {
            MinRiskProblem problem;
            problem.covariance = *covariance;
            problem.currentUsd = current;
            problem.marginWeight.resize(static_cast<Eigen::Index>(n));
            for (size_t i = 0; i < n; ++i)
                problem.marginWeight[static_cast<Eigen::Index>(i)] =
                    k + (1.0 - k) * book.reqRate[i];
            problem.grossCapUsd = limits.overnightLeverage * e;
            problem.marginCapUsd = e;
            problem.keptFloorUsd = (1.0 - cut) * gross;
            problem.startKeptUsd = (1.0 - cut) * current;
            const MinRiskSolution solved = solveMinRisk(problem);
            plan.solverIterations = solved.iterations;
            plan.varianceBeforeRoundingUsd2 = solved.varianceUsd2;
            plan.soldUsdBeforeRounding = gross - solved.keptUsd.sum();
            for (size_t i = 0; i < n; ++i) {
                const auto at = static_cast<Eigen::Index>(i);
                const double soldUsd = current[at] - solved.keptUsd[at];
                // Solver dust (below a millionth of a cent per dollar held) is no order.
                if (soldUsd > 1e-9 * std::max(1.0, current[at]))
                    setSale(book, i, soldUsd / book.account.positions[i].lastPriceUsd);
            }
        }
        repairAfterRounding(book, limits, k);
    }

    Account after = book.account;
    for (size_t i = 0; i < n; ++i) {
        const Position& p = book.account.positions[i];
        after.positions[i].qty =
            std::copysign(std::max(0.0, book.absQty[i] - book.saleQty[i]), p.qty);
    }
    const MarginBook marginAfter = describeMargin(after, input.cryptoList, input.policy);
    for (size_t i = 0; i < n; ++i) {
        if (!(book.saleQty[i] > 0.0))
            continue;
        const Position& p = book.account.positions[i];
        ClosePlanLine line;
        line.symbol = p.symbol;
        line.assetClass = book.classes[i];
        line.side = p.qty < 0.0 ? CloseSide::Buy : CloseSide::Sell;
        line.qty = p.qty;
        line.sellQty = book.saleQty[i];
        line.priceUsd = p.lastPriceUsd;
        line.sellUsd = line.sellQty * p.lastPriceUsd;
        line.qtyAfter = after.positions[i].qty;
        line.weightAfter = marginAfter.grossUsd > 0.0
                               ? after.positions[i].currentUsd() / marginAfter.grossUsd
                               : 0.0;
        plan.soldUsd += line.sellUsd;
        plan.lines.push_back(line);
    }
    std::stable_sort(plan.lines.begin(), plan.lines.end(), [](const auto& a, const auto& b) {
        return a.sellUsd != b.sellUsd ? a.sellUsd > b.sellUsd : a.symbol < b.symbol;
    });
    plan.needed = !plan.lines.empty();
    plan.planId = closePlanId(plan.lines, input.now);
    plan.estCostUsd = plan.soldUsd * kCloseCostBps / 10'000.0;

    ClosePlanAfter& out = plan.after;
    out.grossUsd = marginAfter.grossUsd;
    if (e > 0.0)
        out.leverage = marginAfter.grossUsd / e;
    out.maintenanceUsd = marginAfter.maintenanceUsd;
    out.excessUsd = marginAfter.excessUsd();
    out.marginCallFallPct = marginCallFallPct(after, marginAfter);
    if (covariance) {
        const Eigen::VectorXd kept = currentVector(book, true);
        out.var95Usd = kVar95ZScore * std::sqrt(std::max(0.0, kept.dot(*covariance * kept)));
    }
    // Tonight's financing on the whole book after the plan (positions the planner skipped as
    // already sold are gone from it too).
    out.financingTonightUsd =
        computeExposure(after, limits, input.cryptoList, input.financingAnnualRate, input.now)
            .financingTonightUsd;
    return plan;
}

} // namespace kelly
