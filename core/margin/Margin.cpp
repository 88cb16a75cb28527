#include "Margin.h"

#include <algorithm>
#include <cmath>

namespace kelly {

namespace {

constexpr double kCryptoRate = 1.0;
constexpr double kLowPriceRate = 1.0;
constexpr double kShortMinimumHighUsd = 5.00; // per share, at a price >= 5.00
constexpr double kShortMinimumLowUsd = 2.50;  // per share, under 5.00
constexpr double kMaxFall = 1.0;              // prices to zero
constexpr double kMaxRise = 3.0;              // SPEC 15: a rise g in [0, 3]

const double* findOverride(const MarginPolicy& policy, std::string_view symbol)
{
    if (!policy.rates || policy.rates->overrides.empty())
        return nullptr;
    const auto it = policy.rates->overrides.find(symbol);
    return it == policy.rates->overrides.end() ? nullptr : &it->second;
}

const BrokerMarginRate* findBrokerRate(const MarginPolicy& policy, std::string_view symbol)
{
    if (!policy.rates || policy.rates->broker.empty())
        return nullptr;
    const auto it = policy.rates->broker.find(symbol);
    return it == policy.rates->broker.end() ? nullptr : &it->second;
}

// The rate fixed by an override or the broker (floored), when either knows s.
std::optional<MaintenanceRate> knownRate(std::string_view symbol, PositionSide side,
                                         const MarginPolicy& policy)
{
    if (const double* rate = findOverride(policy, symbol))
        return MaintenanceRate{std::max(*rate, policy.maintenanceFloor), RateSource::Override};
    if (const BrokerMarginRate* broker = findBrokerRate(policy, symbol)) {
        const double rate = !broker->marginable          ? kLowPriceRate
                            : side == PositionSide::Long ? broker->longRate
                                                         : broker->shortRate;
        return MaintenanceRate{std::max(rate, policy.maintenanceFloor), RateSource::Broker};
    }
    return std::nullopt;
}

double defaultTableRate(PositionSide side, double priceUsd, double floor)
{
    const double threshold =
        side == PositionSide::Long ? kMarginLowPriceLong : kMarginLowPriceShort;
    return std::max(priceUsd < threshold ? kLowPriceRate : kDefaultMaintenanceRate, floor);
}

// One moving position's share of MR on a piece where its regime is fixed:
// req = constant + slope x (1 + x), slope = rate x |qty| x p (0 on the per-share branch).
struct PieceShare
{
    double constantUsd = 0.0;
    double slopeUsd = 0.0;
};

PieceShare pieceShare(const MovingPosition& m, double move)
{
    const double price = m.priceUsd * (1.0 + move);
    const RequirementRule& rule = *m.rule;
    const double rate = rule.rateAt(price);
    const double byRate = rate * rule.absQty * price;
    if (rule.stock && rule.side == PositionSide::Short) {
        const double byShare = shortPerShareMinimumUsd(price) * rule.absQty;
        if (byShare > byRate)
            return {byShare, 0.0};
    }
    return {0.0, rate * rule.absQty * m.priceUsd};
}

struct MoveEvent
{
    double move; // t >= 0, in the solver's direction
    size_t index;
};

} // namespace

const char* positionSideName(PositionSide side)
{
    return side == PositionSide::Long ? "long" : "short";
}

const char* rateSourceName(RateSource source)
{
    switch (source) {
    case RateSource::Override:
        return "override";
    case RateSource::Broker:
        return "broker";
    case RateSource::Default:
        return "default";
    }
    return "default";
}

double shortPerShareMinimumUsd(double priceUsd)
{
    return priceUsd >= kMarginLowPriceShort ? kShortMinimumHighUsd : kShortMinimumLowUsd;
}

MaintenanceRate maintenanceRate(std::string_view symbol, AssetClass assetClass, PositionSide side,
                                double priceUsd, const MarginPolicy& policy)
{
    if (assetClass == AssetClass::Crypto)
        return {kCryptoRate, RateSource::Default};
    if (policy.rates) // never synced and no overrides: the table, without a lookup
        if (auto known = knownRate(symbol, side, policy))
            return *known;
    return {defaultTableRate(side, priceUsd, policy.maintenanceFloor), RateSource::Default};
}

double RequirementRule::rateAt(double priceUsd) const
{
    return fixedRate ? *fixedRate : defaultTableRate(side, priceUsd, floor);
}

double RequirementRule::requirementAt(double priceUsd) const
{
    const double byRate = rateAt(priceUsd) * absQty * priceUsd;
    if (stock && side == PositionSide::Short)
        return std::max(byRate, shortPerShareMinimumUsd(priceUsd) * absQty);
    return byRate;
}

int RequirementRule::breakpoints(double out[4]) const
{
    int n = 0;
    if (!stock)
        return n;
    if (!fixedRate)
        out[n++] = side == PositionSide::Long ? kMarginLowPriceLong : kMarginLowPriceShort;
    if (side == PositionSide::Short) {
        if (fixedRate)
            out[n++] = kMarginLowPriceShort; // the per-share minimum steps there
        // Where rate x p meets the per-share minimum, on each side of 5.00.
        const double highRate = rateAt(kMarginLowPriceShort);
        const double lowRate = rateAt(kMarginLowPriceShort / 2.0);
        if (highRate > 0.0 && kShortMinimumHighUsd / highRate > kMarginLowPriceShort)
            out[n++] = kShortMinimumHighUsd / highRate;
        if (lowRate > 0.0 && kShortMinimumLowUsd / lowRate < kMarginLowPriceShort)
            out[n++] = kShortMinimumLowUsd / lowRate;
    }
    return n;
}

RequirementRule requirementRule(const Position& position, AssetClass assetClass,
                                const MarginPolicy& policy)
{
    RequirementRule rule;
    rule.absQty = std::abs(position.qty);
    rule.side = position.qty < 0.0 ? PositionSide::Short : PositionSide::Long;
    rule.stock = assetClass == AssetClass::Stock;
    rule.floor = policy.maintenanceFloor;
    if (!rule.stock) {
        rule.fixedRate = kCryptoRate;
    } else if (auto known = knownRate(position.symbol, rule.side, policy)) {
        rule.fixedRate = known->rate;
        rule.source = known->source;
    }
    return rule;
}

std::optional<double> MarginBook::marginUsedPct() const
{
    if (equityUsd <= 0.0)
        return std::nullopt;
    return 100.0 * maintenanceUsd / equityUsd;
}

MarginBook describeMargin(const Account& account, const CryptoList& cryptoList,
                          const MarginPolicy& policy)
{
    MarginBook book;
    book.equityUsd = account.equityUsd;
    book.rules.reserve(account.positions.size());
    book.requirementsUsd.reserve(account.positions.size());
    for (const Position& p : account.positions) {
        const RequirementRule rule = requirementRule(p, cryptoList.classify(p.symbol), policy);
        const double req = rule.requirementAt(p.lastPriceUsd);
        book.rules.push_back(rule);
        book.requirementsUsd.push_back(req);
        book.maintenanceUsd += req;
        book.grossUsd += p.currentUsd();
        book.netMarketValueUsd += p.marketValueUsd();
    }
    return book;
}

double maintenanceRequirementUsd(const Account& account, const CryptoList& cryptoList,
                                 const MarginPolicy& policy)
{
    double total = 0.0;
    for (const Position& p : account.positions)
        total +=
            requirementRule(p, cryptoList.classify(p.symbol), policy).requirementAt(p.lastPriceUsd);
    return total;
}

std::optional<double> firstCallMove(double equityUsd, double fixedRequirementUsd,
                                    std::span<const MovingPosition> moving, double direction,
                                    double maxMove)
{
    double netUsd = 0.0;
    double requiredNow = fixedRequirementUsd;
    for (const MovingPosition& m : moving) {
        netUsd += m.signedQty * m.priceUsd;
        requiredNow += m.rule->requirementAt(m.priceUsd);
    }
    if (equityUsd < requiredNow)
        return 0.0;

    // The requirement is linear in the move between the prices where a position's rate or
    // per-share branch changes: sweep those pieces in order, solving each exactly.
    std::vector<MoveEvent> events;
    events.reserve(moving.size());
    for (size_t i = 0; i < moving.size(); ++i) {
        double prices[4];
        const int n = moving[i].rule->breakpoints(prices);
        if (moving[i].priceUsd <= 0.0)
            continue;
        for (int b = 0; b < n; ++b) {
            const double t = direction < 0.0 ? 1.0 - prices[b] / moving[i].priceUsd
                                             : prices[b] / moving[i].priceUsd - 1.0;
            if (t > 0.0 && t < maxMove)
                events.push_back({t, i});
        }
    }
    std::sort(events.begin(), events.end(),
              [](const MoveEvent& a, const MoveEvent& b) { return a.move < b.move; });

    const auto nextStop = [&](size_t e) {
        return e < events.size() ? events[e].move : maxMove;
    };
    std::vector<PieceShare> shares(moving.size());
    double constantSum = 0.0;
    double slopeSum = 0.0;
    const double firstMid = 0.5 * nextStop(0) * direction;
    for (size_t i = 0; i < moving.size(); ++i) {
        shares[i] = pieceShare(moving[i], firstMid);
        constantSum += shares[i].constantUsd;
        slopeSum += shares[i].slopeUsd;
    }

    double start = 0.0;
    size_t e = 0;
    while (true) {
        const double end = nextStop(e);
        // g(t) = E + d t net - fixed - sum(constant + slope (1 + d t)) = alpha + beta t.
        const double alpha = equityUsd - fixedRequirementUsd - constantSum - slopeSum;
        const double beta = direction * (netUsd - slopeSum);
        if (alpha + beta * start < 0.0)
            return start;
        if (beta < 0.0) {
            const double root = -alpha / beta;
            if (root < end)
                return std::max(root, start);
        }
        if (e >= events.size())
            return std::nullopt;
        // Cross every breakpoint at `end`: each crossing position takes its next regime.
        const double following = [&] {
            size_t f = e;
            while (f < events.size() && events[f].move == end)
                ++f;
            return nextStop(f);
        }();
        const double mid = 0.5 * (end + following) * direction;
        for (; e < events.size() && events[e].move == end; ++e) {
            const size_t i = events[e].index;
            constantSum -= shares[i].constantUsd;
            slopeSum -= shares[i].slopeUsd;
            shares[i] = pieceShare(moving[i], mid);
            constantSum += shares[i].constantUsd;
            slopeSum += shares[i].slopeUsd;
        }
        start = end;
    }
}

namespace {

std::optional<double> wholeBookMove(const Account& account, const MarginBook& book,
                                    double direction, double maxMove)
{
    std::vector<MovingPosition> moving;
    moving.reserve(account.positions.size());
    for (size_t i = 0; i < account.positions.size(); ++i)
        moving.push_back(
            {&book.rules[i], account.positions[i].lastPriceUsd, account.positions[i].qty});
    const auto move = firstCallMove(book.equityUsd, 0.0, moving, direction, maxMove);
    if (!move)
        return std::nullopt;
    return 100.0 * *move;
}

} // namespace

std::optional<double> marginCallFallPct(const Account& account, const MarginBook& book)
{
    return wholeBookMove(account, book, -1.0, kMaxFall);
}

std::optional<double> marginCallRisePct(const Account& account, const MarginBook& book)
{
    return wholeBookMove(account, book, 1.0, kMaxRise);
}

std::optional<double> singleNameCallMovePct(const Account& account, const MarginBook& book,
                                            size_t position)
{
    const Position& p = account.positions[position];
    const MovingPosition moving{&book.rules[position], p.lastPriceUsd, p.qty};
    const bool isLong = p.qty >= 0.0;
    const auto move =
        firstCallMove(book.equityUsd, book.maintenanceUsd - book.requirementsUsd[position],
                      std::span(&moving, 1), isLong ? -1.0 : 1.0, isLong ? kMaxFall : kMaxRise);
    if (!move)
        return std::nullopt;
    return 100.0 * *move;
}

std::optional<double> callProbability1d(std::optional<double> fallPct, double netMarketValueUsd,
                                        double sigmaDailyUsd)
{
    if (!fallPct || netMarketValueUsd <= 0.0 || !(sigmaDailyUsd > 0.0))
        return std::nullopt;
    const double z = -(*fallPct / 100.0 * netMarketValueUsd) / sigmaDailyUsd;
    const double p = 0.5 * std::erfc(-z / std::sqrt(2.0));
    return std::isfinite(p) ? std::optional(p) : std::nullopt;
}

MarginReport computeMarginReport(const Account& account, const CryptoList& cryptoList,
                                 const MarginPolicy& policy, std::optional<double> sigmaDailyUsd)
{
    MarginReport report;
    report.book = describeMargin(account, cryptoList, policy);
    report.callFallPct = marginCallFallPct(account, report.book);
    report.callRisePct = marginCallRisePct(account, report.book);
    if (sigmaDailyUsd)
        report.callProbability1d =
            callProbability1d(report.callFallPct, report.book.netMarketValueUsd, *sigmaDailyUsd);
    report.callMovePct.reserve(account.positions.size());
    for (size_t i = 0; i < account.positions.size(); ++i)
        report.callMovePct.push_back(singleNameCallMovePct(account, report.book, i));
    return report;
}

double addRate(std::string_view symbol, AssetClass assetClass, PositionSide side, double priceUsd,
               const MarginPolicy& policy)
{
    const double rate = maintenanceRate(symbol, assetClass, side, priceUsd, policy).rate;
    if (assetClass == AssetClass::Stock && side == PositionSide::Short && priceUsd > 0.0)
        return std::max(rate, shortPerShareMinimumUsd(priceUsd) / priceUsd);
    return rate;
}

} // namespace kelly
