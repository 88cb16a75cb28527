// SPEC 12's daily loop. Each method keeps its own books (cash, signed quantities); the
// calendar, the closes and the forecasts are shared, since none depends on a method.

#include "Lab.h"
#include "ReturnPanel.h"
#include "risk/PriceFile.h"
#include "sizing/Sizing.h"
#include "sizing/ZeroMarginRoom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

namespace kelly::lab {

namespace {

// One symbol of the run, walked date by date.
struct Track
{
    const PriceSeries* series = nullptr;
    std::vector<long long> days; // the series' dates as day numbers (cheap to compare)
    std::vector<double> returns; // dailyReturns of its closes
    AssetClass assetClass = AssetClass::Stock;
    std::size_t next = 0;         // first row not yet reached
    double lastCloseUsd = 0.0;    // the close of the last date reached
    bool priced = false;          // has a row dated today
    std::size_t todayIndex = 0;   // that row
    std::optional<Signal> signal; // today's forecast, when priced
    // The trailing forecast for enhanced-corr's sigma_j, computed once a date when first
    // needed (bookTrailingDay is the date's index it belongs to).
    std::optional<Signal> bookTrailing;
    int bookTrailingDay = -1;
};

struct Books
{
    Method method = Method::Enhanced;
    double kellyFraction = 0.5; // the store's c, or the sweep's (SPEC 18)
    double cashUsd = 0.0;
    std::vector<double> qty; // signed, per track
    double financingDueUsd = 0.0;
    bool ruined = false;
    MethodRun run;
    // Reused every date, so the loop does not allocate once warm.
    std::vector<double> targets;
    Account account;
    std::vector<std::size_t> heldTracks; // aligned with account.positions
    BookCorrelation correlation;
    ReturnPanel::Book heldWindow; // enhanced-corr: heldTracks' returns in the day's window
    std::vector<std::optional<double>> heldRho;
};

std::optional<InputError> validateOptions(const LabOptions& options)
{
    if (!std::isfinite(options.startingEquityUsd) || options.startingEquityUsd <= 0.0)
        return InputError{"equity", "must be a finite number > 0"};
    if (options.lookback < kMinLookback)
        return InputError{"lookback", "must be at least " + std::to_string(kMinLookback) +
                                          " returns (SPEC 12: fewer give no signal)"};
    if (!std::isfinite(options.costBps) || options.costBps < 0.0)
        return InputError{"cost_bps", "must be a finite number >= 0"};
    if (options.fromDate && !isIsoDate(*options.fromDate))
        return InputError{"from", "'" + *options.fromDate + "' is not a date (YYYY-MM-DD)"};
    if (options.toDate && !isIsoDate(*options.toDate))
        return InputError{"to", "'" + *options.toDate + "' is not a date (YYYY-MM-DD)"};
    if (options.fromDate && options.toDate && *options.fromDate > *options.toDate)
        return InputError{"to", "is before --from"};
    for (double fraction : options.kellyFractions)
        if (!std::isfinite(fraction) || fraction <= 0.0 || fraction > 1.0)
            return InputError{"kelly-fractions", "each must be in (0, 1]"};
    return std::nullopt;
}

Result<std::vector<const PriceSeries*>> selectSeries(const std::vector<PriceSeries>& prices,
                                                     const std::vector<std::string>& symbols)
{
    std::vector<const PriceSeries*> chosen;
    if (symbols.empty()) {
        for (const PriceSeries& series : prices)
            chosen.push_back(&series);
    } else {
        for (const std::string& symbol : symbols) {
            auto found = std::find_if(prices.begin(), prices.end(),
                                      [&](const PriceSeries& s) { return s.symbol == symbol; });
            if (found == prices.end())
                return InputError{"symbols", symbol + " has no price file in the folder"};
            if (std::find(chosen.begin(), chosen.end(), &*found) == chosen.end())
                chosen.push_back(&*found);
        }
    }
    std::sort(chosen.begin(), chosen.end(),
              [](const PriceSeries* a, const PriceSeries* b) { return a->symbol < b->symbol; });
    return chosen;
}

std::vector<std::string> buildCalendar(const std::vector<const PriceSeries*>& series,
                                       const LabOptions& options)
{
    // Each file is sorted: a running union costs one pass per file, not a sort of all rows.
    std::vector<std::string> calendar;
    std::vector<std::string> merged;
    for (const PriceSeries* s : series) {
        const auto first =
            options.fromDate ? std::lower_bound(s->dates.begin(), s->dates.end(), *options.fromDate)
                             : s->dates.begin();
        const auto last = options.toDate
                              ? std::upper_bound(s->dates.begin(), s->dates.end(), *options.toDate)
                              : s->dates.end();
        merged.clear();
        std::set_union(calendar.begin(), calendar.end(), first, std::max(first, last),
                       std::back_inserter(merged));
        calendar.swap(merged);
    }
    return calendar;
}

double roundedTowardZero(double signedQty, AssetClass assetClass)
{
    const double size = roundDownQty(std::abs(signedQty), assetClass);
    return signedQty < 0.0 ? -size : size;
}

// The date's closes and whether each symbol trades, copied out of the tracks once a date:
// every method's book loops (marks, gross, trades, targets) read them densely, where a
// track is a cache line or more apart from the next (issue 25).
struct DayPrices
{
    std::vector<double> closeUsd;      // the last close reached, per track
    std::vector<unsigned char> priced; // 1 where the track has a row dated today
};

class Day
{
public:
    Day(std::vector<Track>& tracks, const DayPrices& prices, const LabSettings& settings,
        const LabOptions& options, const std::vector<std::size_t>& decisionOrder,
        int startedSymbols, const ReturnPanel* returns, int dayIndex)
        : m_tracks(tracks), m_closes(prices.closeUsd), m_priced(prices.priced),
          m_settings(settings), m_options(options), m_decisionOrder(decisionOrder),
          m_startedSymbols(startedSymbols), m_returns(returns), m_dayIndex(dayIndex)
    {}

    // Steps 1-6 for one method on this date; returns false once the account is ruined.
    Result<bool> advance(Books& books, const std::string& date)
    {
        // Step 1: financing accrued over the nights since the previous date, then the mark.
        const double financing = books.financingDueUsd;
        books.cashUsd -= financing;
        books.financingDueUsd = 0.0;
        const double equity = markEquity(books);
        if (equity <= 0.0) {
            books.ruined = true;
            books.run.curve.push_back(
                CurvePoint{date, equity, grossOf(books.qty), books.cashUsd, financing, 0.0});
            return false;
        }
        std::vector<double>& targets = books.targets;
        targets = books.qty; // unpriced symbols keep their positions
        if (auto failure = decideTargets(books, equity, targets))
            return *failure;
        applyOvernightRule(equity, targets);

        // Step 6: trade at today's closes; costs and the cash leg come out of cash.
        double costs = 0.0;
        const double costRate = m_options.costBps / 10000.0;
        for (std::size_t i = 0; i < m_tracks.size(); ++i) {
            if (!m_priced[i])
                continue;
            const double traded = targets[i] - books.qty[i];
            const double close = m_closes[i];
            books.cashUsd -= traded * close;
            costs += costRate * std::abs(traded) * close;
            books.run.tradedValueUsd += std::abs(traded) * close;
        }
        books.cashUsd -= costs;
        books.qty.swap(targets);
        const double equityAfter = markEquity(books);
        const double gross = grossOf(books.qty);
        books.run.curve.push_back(
            CurvePoint{date, equityAfter, gross, books.cashUsd, financing, costs});
        if (m_observer)
            observe(books, date, equity, equityAfter);
        return true;
    }

    void setObserver(const std::function<void(const CloseView&)>* observer)
    {
        m_observer = observer && *observer ? observer : nullptr;
    }

    // Financing owed at the next date: max(gross - E, 0) x rate / 360 per calendar night.
    void accrueFinancing(Books& books, long long nights) const
    {
        const CurvePoint& last = books.run.curve.back();
        books.financingDueUsd = std::max(last.grossUsd - last.equityUsd, 0.0) *
                                m_settings.financingRateAnnual / 360.0 *
                                static_cast<double>(nights);
    }

private:
    void observe(const Books& books, const std::string& date, double equity,
                 double equityAfter) const
    {
        (*m_observer)(CloseView{books.method, date, equity, equityAfter, books.cashUsd, books.qty,
                                m_closes, m_priced});
    }

    double markEquity(const Books& books) const
    {
        double equity = books.cashUsd;
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            equity += books.qty[i] * m_closes[i];
        return equity;
    }

    double grossOf(const std::vector<double>& qty) const
    {
        double gross = 0.0;
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            gross += std::abs(qty[i]) * m_closes[i];
        return gross;
    }

    // Step 4. The account the sizer sees holds the unpriced symbols' positions, then the
    // targets set so far today, all at their last close.
    std::optional<InputError> decideTargets(Books& books, double equity,
                                            std::vector<double>& targets) const
    {
        const Method method = books.method;
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            if (m_priced[i])
                targets[i] = 0.0;
        if (method == Method::EqualWeight) {
            for (std::size_t i = 0; i < m_tracks.size(); ++i)
                if (m_priced[i])
                    targets[i] = roundDownQty(equity / m_startedSymbols / m_closes[i],
                                              m_tracks[i].assetClass);
            return std::nullopt;
        }
        Account& account = books.account;
        account.equityUsd = equity;
        account.positions.clear();
        std::vector<std::size_t>& heldTracks = books.heldTracks;
        heldTracks.clear();
        const bool withCorrelation = method == Method::EnhancedCorr;
        if (withCorrelation)
            books.heldWindow.clear(*m_returns);
        auto hold = [&](std::size_t i) {
            account.positions.push_back(
                Position{m_tracks[i].series->symbol, targets[i], m_closes[i], 0.0});
            heldTracks.push_back(i);
            if (withCorrelation)
                books.heldWindow.add(*m_returns, i);
        };
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            if (!m_priced[i] && targets[i] != 0.0)
                hold(i);
        const MarginPolicy margin{m_settings.maintenanceFloor, m_settings.marginCallFallPct / 100.0,
                                  nullptr};
        // The book changes only when an order is sized, a few times a day; the hundreds of
        // calls in between size against its totals computed once (issue 25).
        std::optional<PreparedBook> prepared;
        prepared.emplace(account, m_settings.cryptoList, margin);
        BookCorrelation& correlation = books.correlation;
        for (std::size_t i : m_decisionOrder) {
            const Track& track = m_tracks[i];
            account.buyingPowerUsd =
                std::max(m_settings.limits.intradayLeverage * equity - prepared->grossUsd(), 0.0);
            SizingContext context{account, m_settings.limits, m_settings.cryptoList,
                                  2.0,     nullptr,           nullptr};
            context.margin = margin;
            context.prepared = &*prepared;
            context.kellyFraction = books.kellyFraction;
            const SizingRequest request{track.series->symbol, m_closes[i], track.signal->muDaily,
                                        track.signal->sigmaDaily, false};
            // Once a few orders are sized the margin left is less than a share of most
            // symbols: ~98% of the calls on the 500-symbol run size 0, so these are not made
            // (nor enhanced-corr's rho with the book worked out for them).
            const SizingMode mode =
                method == Method::Legacy ? SizingMode::Legacy : SizingMode::Enhanced;
            if (marginRoomSizesAddToZero(mode, request, context))
                continue;
            if (withCorrelation) {
                correlationWithBook(i, books, correlation);
                context.correlation = &correlation;
            }
            const Result<SizingResult> sized = method == Method::Legacy
                                                   ? sizeLegacy(request, context)
                                                   : sizeEnhanced(request, context);
            if (!sized)
                return InputError{track.series->symbol + " " + sized.error().field,
                                  sized.error().message};
            if (sized->qty <= 0.0)
                continue;
            targets[i] = track.signal->muDaily < 0.0 ? -sized->qty : sized->qty;
            hold(i);
            prepared.emplace(account, m_settings.cryptoList, margin);
        }
        return std::nullopt;
    }

    // SPEC 12.4 enhanced-corr: rho(s, j) over the returns before today, sigma_j from j's
    // trailing returns (step 2); either missing reads as rho = 0 (SPEC 11 `uncovered`).
    void correlationWithBook(std::size_t order, Books& books, BookCorrelation& out) const
    {
        out.unavailable.reset();
        out.rhoWithOrder.clear();
        out.sigmaDaily.clear();
        books.heldWindow.correlationsOf(*m_returns, order, kMinLookback, books.heldRho);
        for (std::size_t h = 0; h < books.heldTracks.size(); ++h) {
            Track& held = m_tracks[books.heldTracks[h]];
            if (held.bookTrailingDay != m_dayIndex) {
                held.bookTrailing =
                    trailingSignal(held.returns, held.priced ? held.todayIndex : held.next,
                                   m_options.lookback, kMinLookback);
                held.bookTrailingDay = m_dayIndex;
            }
            const std::optional<Signal>& trailing = held.bookTrailing;
            const std::optional<double> rho = trailing ? books.heldRho[h] : std::nullopt;
            out.rhoWithOrder.push_back(rho);
            out.sigmaDaily.push_back(rho ? trailing->sigmaDaily : 0.0);
        }
    }

    // Step 5: the lab holds from close to close, so only L_on x E survives the night.
    void applyOvernightRule(double equity, std::vector<double>& targets) const
    {
        double unpricedGross = 0.0;
        double pricedGross = 0.0;
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            (m_priced[i] ? pricedGross : unpricedGross) += std::abs(targets[i]) * m_closes[i];
        const double limit = m_settings.limits.overnightLeverage * equity;
        if (unpricedGross + pricedGross <= limit || pricedGross <= 0.0)
            return;
        const double scale = std::max(limit - unpricedGross, 0.0) / pricedGross;
        for (std::size_t i = 0; i < m_tracks.size(); ++i)
            if (m_priced[i])
                targets[i] = roundedTowardZero(targets[i] * scale, m_tracks[i].assetClass);
    }

    std::vector<Track>& m_tracks;
    const std::vector<double>& m_closes;
    const std::vector<unsigned char>& m_priced;
    const LabSettings& m_settings;
    const LabOptions& m_options;
    const std::vector<std::size_t>& m_decisionOrder;
    int m_startedSymbols;
    const ReturnPanel* m_returns; // set when enhanced-corr runs
    int m_dayIndex;               // the date's index in the calendar
    const std::function<void(const CloseView&)>* m_observer = nullptr;
};

// Step 2 for one priced symbol: the forecast file's row for today, else the trailing one.
std::optional<Signal> forecastFor(const Track& track, const std::optional<Signal>& trailing,
                                  const std::string& date, const LabOptions& options)
{
    if (!options.forecast)
        return trailing;
    const auto row = options.forecast->find({date, track.series->symbol});
    if (row == options.forecast->end())
        return std::nullopt;
    if (row->second.sigmaDaily)
        return Signal{row->second.muDaily, *row->second.sigmaDaily};
    if (!trailing)
        return std::nullopt;
    return Signal{row->second.muDaily, trailing->sigmaDaily};
}

// Step 2 for every symbol priced today, their trailing windows four at a time.
void forecastPriced(const std::vector<Track*>& priced, const std::string& date,
                    const LabOptions& options)
{
    std::size_t done = 0;
    for (; done + 4 <= priced.size(); done += 4) {
        const std::array<const std::vector<double>*, 4> returns{
            &priced[done]->returns, &priced[done + 1]->returns, &priced[done + 2]->returns,
            &priced[done + 3]->returns};
        const std::array<std::size_t, 4> index{
            priced[done]->todayIndex, priced[done + 1]->todayIndex, priced[done + 2]->todayIndex,
            priced[done + 3]->todayIndex};
        const std::array<std::optional<Signal>, 4> trailing =
            trailingSignals4(returns, index, options.lookback, kMinLookback);
        for (std::size_t l = 0; l < 4; ++l)
            priced[done + l]->signal = forecastFor(*priced[done + l], trailing[l], date, options);
    }
    for (; done < priced.size(); ++done) {
        Track& track = *priced[done];
        track.signal = forecastFor(
            track, trailingSignal(track.returns, track.todayIndex, options.lookback, kMinLookback),
            date, options);
    }
}

// Step 3 and the order of step 4: tradeable signals by descending |mu| / sigma, then name.
// Tracks are in symbol order, so the index breaks ties; `order` and `strength` are reused.
void decisionOrder(const std::vector<Track>& tracks, std::vector<std::size_t>& order,
                   std::vector<double>& strength)
{
    order.clear();
    strength.resize(tracks.size());
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const Track& t = tracks[i];
        if (!t.priced || !t.signal || t.signal->muDaily == 0.0)
            continue;
        if (t.assetClass == AssetClass::Crypto && t.signal->muDaily < 0.0)
            continue; // crypto is cash only: no shorts
        strength[i] = t.signal->sigmaDaily > 0.0
                          ? std::abs(t.signal->muDaily) / t.signal->sigmaDaily
                          : std::numeric_limits<double>::infinity();
        order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (strength[a] != strength[b])
            return strength[a] > strength[b];
        return a < b;
    });
}

} // namespace

Result<LabResult> runLab(const std::vector<PriceSeries>& prices, const LabSettings& settings,
                         const LabOptions& options, const LabControl& control)
{
    if (auto invalid = validateOptions(options))
        return *invalid;
    const Result<std::vector<const PriceSeries*>> chosen = selectSeries(prices, options.symbols);
    if (!chosen)
        return chosen.error();

    LabResult result;
    std::vector<Track> tracks;
    for (const PriceSeries* series : *chosen) {
        Track track;
        track.series = series;
        for (const std::string& day : series->dates)
            track.days.push_back(daysFromIsoDate(day));
        track.returns = dailyReturns(series->closes);
        track.assetClass = settings.cryptoList.classify(series->symbol);
        if (track.assetClass == AssetClass::Crypto)
            result.annualizationDays = 365;
        tracks.push_back(track);
        result.symbols.push_back(series->symbol);
    }
    result.calendar = buildCalendar(*chosen, options);
    if (result.calendar.empty())
        return InputError{options.fromDate || options.toDate ? "from" : "prices",
                          "no price dates in the chosen range"};

    // SPEC 18: a sweep alone runs only its enhanced@c; methods asked for run first.
    static const std::vector<Method> none;
    const std::vector<Method>& methods = !options.methods.empty()         ? options.methods
                                         : options.kellyFractions.empty() ? allMethods()
                                                                          : none;
    std::optional<ReturnPanel> returns;
    if (std::find(methods.begin(), methods.end(), Method::EnhancedCorr) != methods.end())
        returns.emplace(*chosen);
    std::vector<Books> books;
    auto addBooks = [&](Method method, std::optional<double> sweepFraction) {
        Books b;
        b.method = method;
        b.kellyFraction = sweepFraction.value_or(settings.kellyFraction);
        b.cashUsd = options.startingEquityUsd;
        b.qty.assign(tracks.size(), 0.0);
        b.run.method = method;
        b.run.kellyFraction = sweepFraction;
        b.run.curve.reserve(result.calendar.size());
        books.push_back(std::move(b));
    };
    for (Method method : methods)
        addBooks(method, std::nullopt);
    for (double fraction : options.kellyFractions)
        addBooks(Method::Enhanced, fraction);

    const int totalDates = static_cast<int>(result.calendar.size());
    std::vector<std::size_t> order;
    std::vector<double> strength;
    std::vector<Track*> pricedTracks;
    DayPrices dayPrices{std::vector<double>(tracks.size(), 0.0),
                        std::vector<unsigned char>(tracks.size(), 0)};
    for (int day = 0; day < totalDates; ++day) {
        if (control.cancel && control.cancel->load()) {
            result.cancelled = true;
            break;
        }
        const std::string& date = result.calendar[static_cast<std::size_t>(day)];
        int startedSymbols = 0;
        const long long dayNumber = daysFromIsoDate(date);
        pricedTracks.clear();
        for (std::size_t t = 0; t < tracks.size(); ++t) {
            Track& track = tracks[t];
            const std::vector<long long>& dates = track.days;
            while (track.next < dates.size() && dates[track.next] < dayNumber)
                track.lastCloseUsd = track.series->closes[track.next++];
            track.priced = track.next < dates.size() && dates[track.next] == dayNumber;
            track.signal.reset();
            if (track.priced) {
                track.todayIndex = track.next;
                track.lastCloseUsd = track.series->closes[track.next++];
                pricedTracks.push_back(&track);
            }
            dayPrices.closeUsd[t] = track.lastCloseUsd;
            dayPrices.priced[t] = track.priced ? 1 : 0;
            startedSymbols += !dates.empty() && dates.front() <= dayNumber ? 1 : 0;
        }
        forecastPriced(pricedTracks, date, options);
        decisionOrder(tracks, order, strength);
        if (returns)
            returns->moveBefore(date, options.lookback);
        Day today(tracks, dayPrices, settings, options, order, std::max(startedSymbols, 1),
                  returns ? &*returns : nullptr, day);
        today.setObserver(&control.observeClose);
        for (Books& b : books) {
            if (b.ruined)
                continue;
            const Result<bool> alive = today.advance(b, date);
            if (!alive)
                return alive.error();
            if (*alive && day + 1 < totalDates)
                today.accrueFinancing(b, daysFromIsoDate(result.calendar[day + 1]) -
                                             daysFromIsoDate(date));
        }
        if (control.progress)
            control.progress(day + 1, totalDates);
    }

    for (Books& b : books) {
        b.run.metrics = computeMetrics(b.run.curve, options.startingEquityUsd,
                                       result.annualizationDays, b.run.tradedValueUsd);
        result.runs.push_back(std::move(b.run));
    }
    return result;
}

std::vector<PriceSeries> cutAfter(const std::vector<PriceSeries>& prices,
                                  const std::string& lastDate)
{
    std::vector<PriceSeries> cut;
    cut.reserve(prices.size());
    for (const PriceSeries& series : prices) {
        PriceSeries kept{series.symbol, {}, {}};
        for (std::size_t i = 0; i < series.dates.size() && series.dates[i] <= lastDate; ++i) {
            kept.dates.push_back(series.dates[i]);
            kept.closes.push_back(series.closes[i]);
        }
        cut.push_back(std::move(kept));
    }
    return cut;
}

Result<LookaheadReport> checkLookahead(const std::vector<PriceSeries>& prices,
                                       const LabSettings& settings, const LabOptions& options,
                                       const LabResult& full)
{
    LookaheadReport report;
    if (full.calendar.empty())
        return report;
    report.cutDate = full.calendar[(full.calendar.size() - 1) / 2];
    const Result<LabResult> cut = runLab(cutAfter(prices, report.cutDate), settings, options);
    if (!cut)
        return cut.error();
    for (std::size_t m = 0; m < full.runs.size() && m < cut->runs.size(); ++m) {
        const std::vector<CurvePoint>& whole = full.runs[m].curve;
        const std::vector<CurvePoint>& part = cut->runs[m].curve;
        for (std::size_t i = 0; i < whole.size() && whole[i].date <= report.cutDate; ++i) {
            report.datesCompared = std::max(report.datesCompared, static_cast<int>(i) + 1);
            const bool same = i < part.size() && part[i].date == whole[i].date &&
                              part[i].equityUsd == whole[i].equityUsd;
            if (!same &&
                (!report.firstDifferenceDate || whole[i].date < *report.firstDifferenceDate)) {
                report.firstDifferenceDate = whole[i].date;
                report.firstDifferenceRun = runName(full.runs[m]);
                break;
            }
        }
    }
    return report;
}

} // namespace kelly::lab
