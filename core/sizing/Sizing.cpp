#include "Sizing.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

namespace kelly {

namespace {

constexpr double kTradingDaysPerYear = 252.0;
constexpr double kDefaultSharpe = 0.5;
constexpr double kDefaultMuDaily = 0.005;
constexpr double kDefaultStockVolAnnual = 0.25;
constexpr double kDefaultCryptoVolAnnual = 0.50;
constexpr double kRoundingTolerance = 1e-9;

bool isFinite(double v)
{
    return std::isfinite(v);
}

// std::floor for a finite x > 0, inline: without SSE4.1 std::floor is a libm call, on every
// sizing call. Below 2^52 the integer conversion truncates exactly; from 2^52 up every double
// is a whole number already.
double floorOfPositive(double x)
{
    constexpr double kWholeFrom = 4503599627370496.0; // 2^52
    return x < kWholeFrom ? static_cast<double>(static_cast<long long>(x)) : x;
}

std::optional<InputError> validateSymbol(std::string_view normalized)
{
    if (!isValidSymbol(normalized))
        return InputError{"symbol", "must be letters, digits or '.' (e.g. NVDA, BTC/USD)"};
    return std::nullopt;
}

// The limit rooms of SPEC 2.7 / 3.4 in USD; the smallest binds, in the order listed on a tie.
struct Room
{
    BindingLimit limit;
    double usd;
};

// Shared by both methods: who is asking, what they hold, where the account stands.
struct Book
{
    std::string_view symbol; // the call's normalised symbol, which outlives the Book
    AssetClass assetClass;
    const Position* held; // nullptr: not held
    double equity;
    double currentUsd; // current(s)
    double grossUsd;
    double maintenanceUsd; // MR, SPEC 15
    double symbolCapUsd;   // SPEC 2.3's cap: cap% x E
};

void describeBook(Book& book, std::string_view symbol, const SizingContext& context)
{
    const Account& account = context.account;
    const PreparedBook* prepared = context.prepared;
    if (prepared && !prepared->fits(account, context.cryptoList, context.margin))
        prepared = nullptr;
    book.symbol = symbol;
    book.assetClass = context.cryptoList.classify(symbol);
    book.held = prepared ? prepared->find(symbol) : account.find(symbol);
    book.equity = account.equityUsd;
    book.currentUsd = book.held ? book.held->currentUsd() : 0.0;
    book.grossUsd = prepared ? prepared->grossUsd() : account.grossUsd();
    book.maintenanceUsd =
        prepared ? prepared->maintenanceUsd()
                 : maintenanceRequirementUsd(account, context.cryptoList, context.margin);
    book.symbolCapUsd = context.limits.symbolCapPct / 100.0 * book.equity;
}

// SPEC 15's room for an add on `side`, remembering the rate the add is charged.
Room marginRoom(SizingResult& r, const Book& book, PositionSide side, const SizingContext& context);

void fillExposure(SizingResult& r, const Book& book)
{
    r.maintenanceBeforeUsd = book.maintenanceUsd;
    r.maintenanceAfterUsd = book.maintenanceUsd + r.addRate * r.addedValueUsd();
    r.excessAfterUsd = book.equity - r.maintenanceAfterUsd;
    if (book.equity <= 0.0)
        return;
    const double added = r.addedValueUsd();
    r.exposureBeforePct = book.currentUsd / book.equity * 100.0;
    r.exposureAfterPct = (book.currentUsd + added) / book.equity * 100.0;
    r.leverageBefore = book.grossUsd / book.equity;
    r.leverageAfter = (book.grossUsd + added) / book.equity;
}

// Starts a call's result in place (it is large: the hot path never moves it) with the
// normalised symbol, its class, the method and the price, and describes the book into `book`
// (filled field by field: a returned copy cost a stalled reload). Bad input leaves the error
// in `result` instead and returns false. Always inline: called, its Book went through memory
// and the call's arithmetic started ~20 ns later.
[[gnu::always_inline]] inline bool startCall(Result<SizingResult>& result, Book& book,
                                             const SizingRequest& request,
                                             const SizingContext& context, SizingMode method)
{
    SizingResult& r = result.value();
    // A bot's symbol is most often normalised already: valid as given, it is its own form.
    if (isValidSymbol(request.symbol)) {
        r.symbol.assign(request.symbol);
    } else {
        r.symbol = normalizeSymbol(request.symbol);
        if (auto error = validateSymbol(r.symbol)) {
            result = std::move(*error);
            return false;
        }
    }
    if (auto error = validateSizingRequest(request, context.account)) {
        result = std::move(*error);
        return false;
    }
    describeBook(book, r.symbol, context);
    r.assetClass = book.assetClass;
    r.method = method;
    r.priceUsd = request.priceUsd;
    return true;
}

std::string formatQty(double qty, AssetClass assetClass)
{
    char buf[64];
    if (assetClass == AssetClass::Stock) {
        std::snprintf(buf, sizeof buf, "%.0f", qty);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.3f", qty);
    std::string s(buf);
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

std::string formatPct(const std::optional<double>& pct)
{
    if (!pct)
        return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f%%", *pct);
    return buf;
}

// The log lines are built only when there is a log: callers test context.log first, so the
// hot path without one pays no call.
void logEnhanced(const SizingResult& r, const RiskLimits& limits, SizingLogSink& log)
{
    char head[128];
    if (r.assetClass == AssetClass::Crypto)
        std::snprintf(head, sizeof head, "%s: Enhanced Kelly sizing with no leverage (crypto)",
                      r.symbol.c_str());
    else
        std::snprintf(head, sizeof head, "%s: Enhanced Kelly sizing with %.1fx leverage",
                      r.symbol.c_str(), limits.intradayLeverage);
    char base[32];
    std::snprintf(base, sizeof base, "%.3f", r.baseFraction.value_or(0.0));
    std::string line =
        std::string(head) + " - base_fraction=" + base + ", qty=" + formatQty(r.qty, r.assetClass) +
        ", exposure: " + formatPct(r.exposureBeforePct) + " -> " + formatPct(r.exposureAfterPct);
    log.info(line);
}

void logLegacy(const SizingResult& r, SizingLogSink& log)
{
    char mult[32];
    std::snprintf(mult, sizeof mult, "%.2f", r.riskMultiplier);
    std::string line = r.symbol + ": Legacy sizing - current=" + formatPct(r.exposureBeforePct) +
                       ", new=" + formatPct(r.exposureAfterPct) + ", risk_multiplier=" + mult;
    log.info(line);
}

struct Limited
{
    double qty; // rounded (SPEC 2.8)
    BindingLimit binding;
};

// Applies the rooms to qtyRaw. `ownLimit` names what binds when none of the rooms does
// (kelly for enhanced, buying power for legacy).
Limited limitByRooms(const SizingResult& r, double qtyRaw, std::span<const Room> rooms,
                     BindingLimit ownLimit)
{
    double qty = qtyRaw;
    BindingLimit binding = ownLimit;
    for (const Room& room : rooms) {
        const double roomQty = std::max(room.usd, 0.0) / r.priceUsd;
        if (roomQty < qty) {
            qty = roomQty;
            binding = room.limit;
        }
    }
    return {roundDownQty(qty, r.assetClass), binding};
}

// Fills qtyRaw, qty and binding.
void applyRooms(SizingResult& r, double qtyRaw, std::span<const Room> rooms, BindingLimit ownLimit)
{
    const Limited limited = limitByRooms(r, qtyRaw, rooms, ownLimit);
    r.qtyRaw = qtyRaw;
    r.qty = limited.qty;
    r.binding = limited.binding;
}

// SPEC 2's fallback: the enhanced path failed for a reason other than bad input.
Result<SizingResult> fallBackToLegacy(const std::string& symbol, const std::string& failure,
                                      const SizingRequest& request, const SizingContext& context)
{
    if (context.log)
        context.log->info(symbol + ": Enhanced sizing failed (" + failure +
                          "), falling back to legacy");
    Result<SizingResult> legacy = sizeLegacy(request, context);
    if (legacy)
        legacy.value().fallbackReason = failure;
    return legacy;
}

// SPEC 11: whether the caller's correlation data is there at all. Set in place: a returned
// optional was stored in two parts and reloaded whole, which stalls.
void noteCorrelationUnavailable(SizingResult& r, const SizingContext& context)
{
    if (!context.correlation)
        r.correlationReason = CorrelationReason::NoBuild;
    else if (context.correlation->unavailable)
        r.correlationReason = *context.correlation->unavailable;
}

// SPEC 2.3 / 3.4, as the original code does it: the cap is a share of equity checked before
// leverage, so repeated adds can never pyramid one symbol past cap x E.
bool symbolAtCap(const Book& book)
{
    return book.currentUsd >= book.symbolCapUsd;
}

// The room left under the cap, levered by L_s (enhanced) or m (legacy stocks).
double symbolRoomUsd(const Book& book, double leverage)
{
    return (book.symbolCapUsd - book.currentUsd) * leverage;
}

Room marginRoom(SizingResult& r, const Book& book, PositionSide side, const SizingContext& context)
{
    r.addRate = addRate(book.symbol, book.assetClass, side, r.priceUsd, context.margin);
    return Room{BindingLimit::MaintenanceMargin,
                marginRoomUsd(book.equity, book.grossUsd, book.maintenanceUsd, r.addRate,
                              context.margin.callFallK)};
}

// SPEC 18: c_eff = (qty x p / E) / full, null when full <= 0.
void fillKellyMultiple(SizingResult& r, double equity)
{
    if (r.fullKelly && *r.fullKelly > 0.0 && equity > 0.0)
        r.kellyMultiple = r.addedValueUsd() / equity / *r.fullKelly;
}

// Derives the forecast of SPEC 2.4. Returns an error text when the stored metrics it needs
// are corrupt: that is a fallback to legacy, not bad input.
std::optional<std::string> deriveForecast(const SizingRequest& request,
                                          const SizingContext& context, AssetClass assetClass,
                                          double& mu, double& sigma)
{
    const bool needMetrics = !request.muDaily || !request.sigmaDaily;
    double derivedSigma = 0.0;
    double derivedMu = kDefaultMuDaily;
    if (needMetrics && context.metrics) {
        const VolatilityMetrics& m = *context.metrics;
        if (!isFinite(m.annualizedVolatility) || m.annualizedVolatility < 0.0)
            return "invalid stored annualized_volatility for " + request.symbol;
        if (m.sharpeRatio && !isFinite(*m.sharpeRatio))
            return "invalid stored sharpe_ratio for " + request.symbol;
        derivedSigma = m.annualizedVolatility / std::sqrt(kTradingDaysPerYear);
        // SPEC 2.4: the daily Sharpe times the daily sigma is the window's mean daily return.
        // mu comes from the metrics' own sigma, independent of a sigma the caller passed.
        derivedMu =
            m.sharpeRatio.value_or(kDefaultSharpe) / std::sqrt(kTradingDaysPerYear) * derivedSigma;
    } else if (needMetrics) {
        const double annual =
            assetClass == AssetClass::Crypto ? kDefaultCryptoVolAnnual : kDefaultStockVolAnnual;
        derivedSigma = annual / std::sqrt(kTradingDaysPerYear);
    }
    mu = request.muDaily.value_or(derivedMu);
    sigma = request.sigmaDaily.value_or(derivedSigma);
    return std::nullopt;
}

} // namespace

std::optional<InputError> validateSizingRequest(const SizingRequest& request,
                                                const Account& account)
{
    if (!isFinite(request.priceUsd) || request.priceUsd <= 0.0)
        return InputError{"price", "must be a finite number > 0"};
    if (request.muDaily && !isFinite(*request.muDaily))
        return InputError{"mu", "must be a finite number"};
    if (request.sigmaDaily && (!isFinite(*request.sigmaDaily) || *request.sigmaDaily < 0.0))
        return InputError{"sigma", "must be a finite number >= 0"};
    if (!isFinite(account.equityUsd))
        return InputError{"equity", "must be a finite number"};
    if (!isFinite(account.buyingPowerUsd))
        return InputError{"buying_power", "must be a finite number"};
    return std::nullopt;
}

const char* sizingModeName(SizingMode mode)
{
    switch (mode) {
    case SizingMode::Enhanced:
        return "enhanced";
    case SizingMode::Legacy:
        return "legacy";
    case SizingMode::Halt:
        return "halt";
    }
    return "enhanced";
}

std::optional<SizingMode> parseSizingMode(std::string_view text)
{
    if (text == "enhanced")
        return SizingMode::Enhanced;
    if (text == "legacy")
        return SizingMode::Legacy;
    if (text == "halt")
        return SizingMode::Halt;
    return std::nullopt;
}

const char* bindingLimitName(BindingLimit limit)
{
    switch (limit) {
    case BindingLimit::Kelly:
        return "kelly";
    case BindingLimit::SymbolCap:
        return "symbol cap";
    case BindingLimit::BuyingPower:
        return "buying power";
    case BindingLimit::GrossLeverage:
        return "gross leverage";
    case BindingLimit::MaintenanceMargin:
        return "maintenance margin";
    case BindingLimit::NoEquity:
        return "no equity";
    case BindingLimit::Halted:
        return "halted";
    case BindingLimit::OpenPosition:
        return "open position";
    }
    return "kelly";
}

double roundDownQty(double qty, AssetClass assetClass)
{
    if (!isFinite(qty) || qty <= 0.0)
        return 0.0;
    // A stock's step is one share: the steps are the qty itself, with no multiplication and
    // division by 1 (exact, but on the call's longest chain of dependent operations).
    const bool crypto = assetClass == AssetClass::Crypto;
    const double steps = crypto ? qty * 1000.0 : qty;
    double whole = floorOfPositive(steps);
    if (whole + 1.0 - steps <= kRoundingTolerance)
        whole += 1.0;
    return crypto ? whole / 1000.0 : whole;
}

Result<SizingResult> sizeLegacy(const SizingRequest& request, const SizingContext& context)
{
    Result<SizingResult> result{std::in_place};
    Book book;
    if (!startCall(result, book, request, context, SizingMode::Legacy))
        return result;
    SizingResult& r = result.value();
    r.muDaily = request.muDaily;
    r.sigmaDaily = request.sigmaDaily;
    const bool stock = book.assetClass == AssetClass::Stock;
    r.riskMultiplier = stock ? std::max(context.riskThreshold, 1.0) : 1.0;

    if (book.equity <= 0.0) {
        r.binding = BindingLimit::NoEquity;
        fillExposure(r, book);
        if (context.log)
            logLegacy(r, *context.log);
        return result;
    }
    const double E = book.equity;
    const double buyingPower = context.account.buyingPowerUsd;
    r.targetFraction = 0.5 * buyingPower * r.riskMultiplier / E;
    if (symbolAtCap(book)) {
        r.binding = BindingLimit::SymbolCap;
        fillExposure(r, book);
        if (context.log)
            logLegacy(r, *context.log);
        return result;
    }
    const double qtyBp = std::max(0.5 * buyingPower * r.riskMultiplier / request.priceUsd, 0.0);
    const std::array<Room, 3> rooms{
        Room{BindingLimit::SymbolCap, symbolRoomUsd(book, r.riskMultiplier)},
        Room{BindingLimit::GrossLeverage, context.limits.intradayLeverage * E - book.grossUsd},
        marginRoom(r, book, PositionSide::Long, context)};
    applyRooms(r, qtyBp, rooms, BindingLimit::BuyingPower);
    fillExposure(r, book);
    if (context.log)
        logLegacy(r, *context.log);
    return result;
}

Result<SizingResult> sizeEnhanced(const SizingRequest& request, const SizingContext& context)
{
    Result<SizingResult> result{std::in_place};
    Book book;
    if (!startCall(result, book, request, context, SizingMode::Enhanced))
        return result;
    SizingResult& r = result.value();
    const std::string& symbol = r.symbol;
    const bool crypto = book.assetClass == AssetClass::Crypto;
    const double assetLeverage = crypto ? 1.0 : context.limits.intradayLeverage; // L_s
    r.riskMultiplier = assetLeverage;
    noteCorrelationUnavailable(r, context);

    if (book.equity <= 0.0) {
        r.binding = BindingLimit::NoEquity;
        fillExposure(r, book);
        if (context.log)
            logEnhanced(r, context.limits, *context.log);
        return result;
    }

    // SPEC 2.3 comes before the forecast: a full symbol needs no metrics.
    const double E = book.equity;
    if (symbolAtCap(book)) {
        r.baseFraction = 0.0;
        r.targetFraction = 0.0;
        r.binding = BindingLimit::SymbolCap;
        fillExposure(r, book);
        if (context.log)
            logEnhanced(r, context.limits, *context.log);
        return result;
    }

    double mu = 0.0;
    double sigma = 0.0;
    if (auto failure = deriveForecast(request, context, book.assetClass, mu, sigma)) {
        result = fallBackToLegacy(symbol, *failure, request, context);
        return result; // one returned object on every path: no copy of the result
    }
    r.muDaily = mu;
    r.sigmaDaily = sigma;

    // SPEC 2.5: sigma 0 gives 0. A sigma whose square underflows to 0 (1e-200) is 0/0 = NaN
    // for mu 0 (issue 12 item 7): no edge is no bet, however small the volatility. For
    // mu != 0 the quotient is +inf and the 1.0 cap below applies.
    const double fullKelly = (sigma == 0.0 || mu == 0.0) ? 0.0 : std::abs(mu) / (sigma * sigma);
    r.kellyFraction = context.kellyFraction;
    r.fullKelly = fullKelly;
    r.baseFraction = std::min(context.kellyFraction * fullKelly, 1.0);
    // SPEC 11: a stock with a negative forecast is sized as a short; crypto is long-only.
    const PositionSide side = !crypto && mu < 0.0 ? PositionSide::Short : PositionSide::Long;
    r.direction = side;
    // SPEC 11 replaces the base when its data is there; SPEC 2 is untouched otherwise.
    if (!r.correlationReason)
        if (auto failure = applyBookCorrelation(r, context.account, *context.correlation, mu, sigma,
                                                crypto, context.kellyFraction)) {
            result = fallBackToLegacy(symbol, *failure, request, context);
            return result;
        }
    const auto qtyRawFor = [&](double baseFraction) {
        return baseFraction * assetLeverage * E / request.priceUsd;
    };
    // Before the rooms: the call's longest chain (forecast, base, qty) starts its division
    // while the margin room is looked up.
    const double qtyRaw = qtyRawFor(*r.baseFraction);
    r.targetFraction = *r.baseFraction * assetLeverage;
    const std::array<Room, 4> rooms{
        Room{BindingLimit::SymbolCap, symbolRoomUsd(book, assetLeverage)},
        Room{BindingLimit::BuyingPower, context.account.buyingPowerUsd},
        Room{BindingLimit::GrossLeverage, context.limits.intradayLeverage * E - book.grossUsd},
        marginRoom(r, book, side, context)};
    applyRooms(r, qtyRaw, rooms, BindingLimit::Kelly);
    if (r.correlationAware)
        r.qtyUncorrelated =
            limitByRooms(r, qtyRawFor(*r.baseFractionUncorrelated), rooms, BindingLimit::Kelly).qty;
    fillExposure(r, book);
    fillKellyMultiple(r, E);
    if (context.log)
        logEnhanced(r, context.limits, *context.log);
    return result;
}

namespace {

// Issue 6: a halt must never block the exit, so a reduce is sized the same in every mode.
Result<SizingResult> sizeReduceOrHalt(SizingMode mode, const SizingRequest& request,
                                      const SizingContext& context)
{
    Result<SizingResult> result{std::in_place};
    Book book;
    if (!startCall(result, book, request, context, mode))
        return result;
    SizingResult& r = result.value();
    const std::string& symbol = r.symbol;
    r.muDaily = request.muDaily;
    r.sigmaDaily = request.sigmaDaily;
    r.maintenanceBeforeUsd = book.maintenanceUsd;
    r.maintenanceAfterUsd = book.maintenanceUsd;
    if (request.reduce) {
        const Position* held = book.held;
        r.qty = held ? std::abs(held->qty) : 0.0;
        r.qtyRaw = r.qty;
        r.binding = BindingLimit::OpenPosition;
        if (held)
            r.maintenanceAfterUsd -= requirementRule(*held, book.assetClass, context.margin)
                                         .requirementAt(held->lastPriceUsd);
    } else {
        r.binding = BindingLimit::Halted;
    }
    r.excessAfterUsd = book.equity - r.maintenanceAfterUsd;
    if (book.equity > 0.0) {
        // A reduce takes exposure off: the after figures fall by the value closed.
        const double closedUsd = request.reduce ? book.currentUsd : 0.0;
        r.exposureBeforePct = book.currentUsd / book.equity * 100.0;
        r.exposureAfterPct = (book.currentUsd - closedUsd) / book.equity * 100.0;
        r.leverageBefore = book.grossUsd / book.equity;
        r.leverageAfter = (book.grossUsd - closedUsd) / book.equity;
    }
    if (context.log) {
        const std::string head = request.reduce ? ": Reduce-only sizing - closable qty="
                                                : ": Sizing halted (reduce-only) - qty=";
        context.log->info(symbol + head + formatQty(r.qty, r.assetClass) + ", exposure: " +
                          formatPct(r.exposureBeforePct) + " -> " + formatPct(r.exposureAfterPct));
    }
    return result;
}

} // namespace

Result<SizingResult> sizePosition(SizingMode mode, const SizingRequest& request,
                                  const SizingContext& context)
{
    if (request.reduce || mode == SizingMode::Halt)
        return sizeReduceOrHalt(mode, request, context);
    return mode == SizingMode::Legacy ? sizeLegacy(request, context)
                                      : sizeEnhanced(request, context);
}

std::optional<double> marginCallFallAfterAdd(const SizingResult& result,
                                             const SizingContext& context)
{
    Account after = context.account;
    if (result.qty > 0.0 && result.method != SizingMode::Halt) {
        const bool isShort = result.direction == PositionSide::Short;
        const double signedQty = isShort ? -result.qty : result.qty;
        auto held = std::find_if(after.positions.begin(), after.positions.end(),
                                 [&](const Position& p) { return p.symbol == result.symbol; });
        if (held != after.positions.end() && (held->qty < 0.0) != isShort) {
            held->qty += signedQty; // a sale against the held side: one net position
            held->lastPriceUsd = result.priceUsd;
        } else {
            after.positions.push_back({result.symbol, signedQty, result.priceUsd, result.priceUsd});
        }
    } else if (result.qty > 0.0) { // a reduce closes the held position
        std::erase_if(after.positions,
                      [&](const Position& p) { return p.symbol == result.symbol; });
    }
    const MarginBook book = describeMargin(after, context.cryptoList, context.margin);
    return marginCallFallPct(after, book);
}

} // namespace kelly
