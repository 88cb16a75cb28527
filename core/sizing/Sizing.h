#pragma once

#include "Account.h"
#include "CorrelationAware.h"
#include "common/Result.h"
#include "common/Symbols.h"
#include "margin/Margin.h"
#include "sizing/PreparedBook.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kelly {

// The mode the store holds. SPEC 7: sizing reads it at every call. Halt is reduce-only
// (issue 6): nothing that adds exposure is sized, closing still is.
enum class SizingMode
{
    Enhanced,
    Legacy,
    Halt
};
const char* sizingModeName(SizingMode mode); // "enhanced" | "legacy" | "halt"
std::optional<SizingMode> parseSizingMode(std::string_view text);

// The limit that decided the size (SPEC 2.7 and 9).
// Halted: the halt mode refused an add. OpenPosition: a reduce request, bounded by what is held.
enum class BindingLimit
{
    Kelly,
    SymbolCap,
    BuyingPower,
    GrossLeverage,
    MaintenanceMargin, // SPEC 15: the broker's maintenance margin, with the safety fall k
    NoEquity,
    Halted,
    OpenPosition
};
const char* bindingLimitName(BindingLimit limit); // "kelly", "symbol cap", ..., "halted"

// SPEC 5 per-symbol metrics, as a correlation build stores them. Values are annualised
// where the name says so; var95 and maxDrawdown are daily fractions (negative).
struct VolatilityMetrics
{
    double annualizedVolatility = 0.0;
    double downsideVolatility = 0.0;
    std::optional<double> sharpeRatio;
    double var95 = 0.0;
    double maxDrawdown = 0.0;
    int returnsUsed = 0;
};

struct SizingRequest
{
    std::string symbol; // any spelling; normalised by the sizer
    double priceUsd = 0.0;
    std::optional<double> muDaily;    // predicted daily return
    std::optional<double> sigmaDaily; // daily volatility
    bool reduce = false; // closing or shrinking the open position, allowed in every mode
};

// Where the log lines of SPEC 2.9 and 3.6 go; the core depends on no logging framework.
class SizingLogSink
{
public:
    virtual ~SizingLogSink() = default;
    virtual void info(std::string_view line) = 0;
};

struct SizingContext
{
    const Account& account;
    RiskLimits limits;
    const CryptoList& cryptoList;
    double riskThreshold = 2.0;                 // SPEC 4, legacy only
    const VolatilityMetrics* metrics = nullptr; // stored metrics of the requested symbol
    SizingLogSink* log = nullptr;
    // SPEC 11 data (CorrelationAware.h); nullptr reads as `no build`.
    const BookCorrelation* correlation = nullptr;
    // SPEC 15: the margin room every add takes (default: Alpaca's table, floor 25%, k 5%).
    MarginPolicy margin = {};
    double kellyFraction = 0.5; // SPEC 2.5 / 18: c, setting kelly_fraction
    // The book's totals computed once (PreparedBook.h); nullptr, or one built from another
    // account or policy: each call passes over the positions itself.
    const PreparedBook* prepared = nullptr;
};

// Every figure `kellyctl size --json` prints. Ratios of equity are absent (nullopt) when
// equity <= 0, so no NaN or inf leaves the sizer.
struct SizingResult
{
    // Provided, so that a value-initialised result (a Result built in place) is not zeroed
    // whole before its members are set: every member has its own initialiser below.
    SizingResult() {}

    std::string symbol;
    AssetClass assetClass = AssetClass::Stock;
    SizingMode method = SizingMode::Enhanced;
    double priceUsd = 0.0;
    double qty = 0.0;
    double qtyRaw = 0.0;                  // before limits and rounding
    std::optional<double> baseFraction;   // enhanced only: half-Kelly, capped at 1
    std::optional<double> targetFraction; // of equity: base x L_s, or legacy's 0.5 x BP x m / E
    std::optional<double> muDaily;        // the forecast used (given or derived)
    std::optional<double> sigmaDaily;
    double riskMultiplier = 1.0; // legacy m; enhanced reports L_s
    BindingLimit binding = BindingLimit::Kelly;
    std::optional<double> exposureBeforePct;
    std::optional<double> exposureAfterPct;
    std::optional<double> leverageBefore;
    std::optional<double> leverageAfter;
    std::optional<std::string> fallbackReason;

    // SPEC 11, filled by enhanced sizing. correlationAware: the term entered the Kelly step.
    // correlationReason: why the data was not there (null when applied, and when it was
    // there but no Kelly fraction was computed: no equity, symbol at cap, legacy, halt).
    bool correlationAware = false;
    std::optional<CorrelationReason> correlationReason;
    std::optional<double> bookCov;                         // daily, per unit of equity
    std::optional<double> baseFractionUncorrelated;        // SPEC 2.5's base
    std::optional<double> qtyUncorrelated;                 // SPEC 2's qty for the same call
    std::vector<std::string> uncovered;                    // held symbols read as rho = 0
    std::vector<BookCovContribution> largestContributions; // by |share|, at most 3

    // SPEC 11's direction of an enhanced add (a stock with mu < 0 is a short; crypto long);
    // null for legacy, whose adds are long.
    std::optional<PositionSide> direction;
    // SPEC 15 around the add: MR now, MR + the add's requirement, E minus that.
    double maintenanceBeforeUsd = 0.0;
    double maintenanceAfterUsd = 0.0;
    double excessAfterUsd = 0.0;
    double addRate = 0.0; // m_s the add is charged (SPEC 15), 0 when nothing was sized
    // SPEC 18: c, the full Kelly fraction the base came from (2.5 or 11), and c_eff.
    double kellyFraction = 0.5;
    std::optional<double> fullKelly;
    std::optional<double> kellyMultiple; // (qty x p / E) / full; null when full <= 0

    double addedValueUsd() const { return qty * priceUsd; }
};

// SPEC 2.1's checks of the price, the forecast given and the account's figures: the
// InputError every sizing call returns for them (the symbol is checked apart).
std::optional<InputError> validateSizingRequest(const SizingRequest& request,
                                                const Account& account);

// SPEC 2. Falls back to legacy (SPEC 3) when the stored metrics are corrupt; bad input
// (price, mu, sigma, equity) is an InputError and nothing is sized.
Result<SizingResult> sizeEnhanced(const SizingRequest& request, const SizingContext& context);

// SPEC 3.
Result<SizingResult> sizeLegacy(const SizingRequest& request, const SizingContext& context);

// Dispatches on the mode; a reduce request returns the whole open size (abs qty) in every
// mode, and halt sizes every add at 0.
Result<SizingResult> sizePosition(SizingMode mode, const SizingRequest& request,
                                  const SizingContext& context);

// SPEC 15's fall to a margin call of the book after `result`'s add (the add's own lot at its
// price, on its side; against an opposite held position, the two net at that price).
std::optional<double> marginCallFallAfterAdd(const SizingResult& result,
                                             const SizingContext& context);

// SPEC 2.8: stocks to whole shares, crypto to 0.001, with a 1e-9 tolerance toward the next
// step; negative, zero or non-finite -> 0.
double roundDownQty(double qty, AssetClass assetClass);

} // namespace kelly
