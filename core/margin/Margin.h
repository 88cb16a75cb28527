#pragma once

// SPEC 15: the broker's maintenance margin since FINRA's intraday standard of 2026-06-04.
// What the book requires (req(s), MR), how far a uniform or single-name move is from a
// margin call, and the room an add may take. Qt-free and store-free: the store hands in the
// overrides and the broker's synced rates, the sizer and the close planner call in.

#include "common/Symbols.h"
#include "sizing/Account.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kelly {

enum class PositionSide
{
    Long,
    Short
};
const char* positionSideName(PositionSide side); // "long" | "short"

// Where a maintenance rate came from (SPEC 15's lookup order). Crypto reads as Default.
enum class RateSource
{
    Override,
    Broker,
    Default
};
const char* rateSourceName(RateSource source); // "override" | "broker" | "default"

// One symbol as the broker's /v2/assets reports it, rates as fractions (30% -> 0.30).
struct BrokerMarginRate
{
    bool marginable = true;
    double longRate = 0.30;
    double shortRate = 0.30;
};

// Hashes a symbol as a std::string or a std::string_view alike, so a lookup by view builds
// no string (the sizing hot path looks a rate up on every call).
struct SymbolHash
{
    using is_transparent = void;
    size_t operator()(std::string_view symbol) const noexcept
    {
        return std::hash<std::string_view>{}(symbol);
    }
};
template <typename Value>
using SymbolMap = std::unordered_map<std::string, Value, SymbolHash, std::equal_to<>>;

// The rates the desk knows beyond the default table, keyed by normalised symbol.
struct MarginRates
{
    SymbolMap<double> overrides;
    SymbolMap<BrokerMarginRate> broker;
};

// The settings and rates every margin figure depends on. Default-constructed: Alpaca's
// published table, FINRA's 25% floor, k = 5% (the SPEC 7 defaults).
struct MarginPolicy
{
    double maintenanceFloor = 0.25;     // setting maintenance_floor
    double callFallK = 0.05;            // k = setting margin_call_fall_pct / 100
    const MarginRates* rates = nullptr; // nullptr: no overrides, never synced
};

inline constexpr double kMarginLowPriceLong = 2.50;  // longs under it need 100%
inline constexpr double kMarginLowPriceShort = 5.00; // shorts under it need 100%
inline constexpr double kDefaultMaintenanceRate = 0.30;

// The per-share minimum of a stock short at price p: 5.00 at p >= 5.00, else 2.50.
double shortPerShareMinimumUsd(double priceUsd);

struct MaintenanceRate
{
    double rate = kDefaultMaintenanceRate;
    RateSource source = RateSource::Default;
};

// SPEC 15's lookup at `priceUsd`: override, broker, default table; never below the floor;
// crypto always 1.00.
MaintenanceRate maintenanceRate(std::string_view symbol, AssetClass assetClass, PositionSide side,
                                double priceUsd, const MarginPolicy& policy);

// How one position's requirement follows its price: a rate fixed by an override, the
// broker or crypto, or the default table's thresholds; plus a short's per-share minimum.
struct RequirementRule
{
    double absQty = 0.0;
    PositionSide side = PositionSide::Long;
    bool stock = true;
    std::optional<double> fixedRate; // already floored; nullopt: the default table
    RateSource source = RateSource::Default;
    double floor = 0.25;

    double rateAt(double priceUsd) const;
    double requirementAt(double priceUsd) const; // req(s) in USD at that price
    // Prices at which rateAt or the per-share branch changes (kinks and jumps).
    int breakpoints(double out[4]) const;
};

RequirementRule requirementRule(const Position& position, AssetClass assetClass,
                                const MarginPolicy& policy);

// The book's margin at its last prices, rules aligned with Account::positions.
struct MarginBook
{
    double equityUsd = 0.0;
    double grossUsd = 0.0;
    double netMarketValueUsd = 0.0; // sum of signed mv
    double maintenanceUsd = 0.0;    // MR
    std::vector<RequirementRule> rules;
    std::vector<double> requirementsUsd; // req(s) per position

    double excessUsd() const { return equityUsd - maintenanceUsd; }
    std::optional<double> marginUsedPct() const; // null when E <= 0
};

MarginBook describeMargin(const Account& account, const CryptoList& cryptoList,
                          const MarginPolicy& policy);

// MR alone, for the sizing hot path (no per-position vectors).
double maintenanceRequirementUsd(const Account& account, const CryptoList& cryptoList,
                                 const MarginPolicy& policy);

// SPEC 15: 100 x the infimum fall f in [0, 1] of every price with E(-f) < MR(-f); 0 when
// E < MR now; null when no fall qualifies. Exact across the thresholds (piecewise linear).
std::optional<double> marginCallFallPct(const Account& account, const MarginBook& book);
// The same for a rise g in [0, 3] (it matters for shorts).
std::optional<double> marginCallRisePct(const Account& account, const MarginBook& book);
// The move of position i alone, against it (a fall for a long, a rise for a short), that
// brings the call; null beyond 100% (a fall) or 300% (a rise).
std::optional<double> singleNameCallMovePct(const Account& account, const MarginBook& book,
                                            size_t position);

// Phi(-(f x net long value) / sigma_p), SPEC 15's approximation. Null when the book is not
// net long, f is null or sigma_p is not positive.
std::optional<double> callProbability1d(std::optional<double> fallPct, double netMarketValueUsd,
                                        double sigmaDailyUsd);

// Every SPEC 15 figure of a book, as `status` and the dashboard show them.
struct MarginReport
{
    MarginBook book;
    std::optional<double> callFallPct;
    std::optional<double> callRisePct;
    std::optional<double> callProbability1d;
    std::vector<std::optional<double>> callMovePct; // per position, aligned with the book
};
MarginReport computeMarginReport(const Account& account, const CryptoList& cryptoList,
                                 const MarginPolicy& policy, std::optional<double> sigmaDailyUsd);

// The rate an add of s at price p on `side` is charged: s's rate there, and for a stock
// short at least its per-share minimum / p.
double addRate(std::string_view symbol, AssetClass assetClass, PositionSide side, double priceUsd,
               const MarginPolicy& policy);

// SPEC 15's margin room for an add at rate m_s:
// max(0, (E - MR - k (gross - MR)) / (m_s + k (1 - m_s))).
// Inline: every sizing call takes it.
inline double marginRoomUsd(double equityUsd, double grossUsd, double maintenanceUsd,
                            double addRate, double callFallK)
{
    const double numerator = equityUsd - maintenanceUsd - callFallK * (grossUsd - maintenanceUsd);
    const double denominator = addRate + callFallK * (1.0 - addRate);
    if (!(denominator > 0.0))
        return 0.0;
    return std::max(0.0, numerator / denominator);
}

// A set of positions moving together by (1 + x) against an unmoved rest: the solver behind
// the fall, the rise and the single-name move. `direction` -1 for falls, +1 for rises;
// returns the infimum move t in [0, maxMove] with E(t) < MR(t), or null.
struct MovingPosition
{
    const RequirementRule* rule = nullptr;
    double priceUsd = 0.0;
    double signedQty = 0.0;
};
std::optional<double> firstCallMove(double equityUsd, double fixedRequirementUsd,
                                    std::span<const MovingPosition> moving, double direction,
                                    double maxMove);

} // namespace kelly
