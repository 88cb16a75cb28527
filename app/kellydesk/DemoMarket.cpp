#include "DemoMarket.h"

#include "Clock.h"
#include "risk/Correlation.h"
#include "risk/PriceFile.h"
#include "store/SizingService.h"

#include <algorithm>
#include <cmath>

namespace kelly::desk {

namespace {

// The sample book as a share of equity per symbol (negative = short): about 2.3x in
// stocks and 0.2x in crypto, so the book sits between the overnight and intraday limits.
struct Weight
{
    const char* symbol;
    double shareOfEquity;
};
constexpr Weight kBook[] = {{"NVDA", 0.45},  {"AAPL", 0.35},   {"MSFT", 0.35},   {"AMZN", 0.25},
                            {"META", 0.20},  {"GOOGL", 0.20},  {"SPY", 0.20},    {"QQQ", 0.15},
                            {"TSLA", -0.15}, {"BTCUSD", 0.12}, {"ETHUSD", 0.06}, {"SOLUSD", 0.03}};
constexpr int kHistoryMinutes = 90;
constexpr int kBotEverySteps = 4;

} // namespace

DemoMarket::DemoMarket(store::Store& store, const ui::Clock& clock, QObject* parent)
    : QObject(parent), m_store(store), m_clock(clock)
{
    connect(&m_timer, &QTimer::timeout, this, [this] {
        QString error;
        if (!step(&error))
            Q_EMIT failed(error);
    });
}

double DemoMarket::closeOn(size_t series, const std::string& date) const
{
    // The last close on or before `date`: crypto trades on days stocks do not, and a stock
    // holiday keeps the previous close.
    const PriceSeries& s = m_series[series];
    const auto it = std::upper_bound(s.dates.begin(), s.dates.end(), date);
    if (it == s.dates.begin())
        return s.closes.front();
    return s.closes[static_cast<size_t>(it - s.dates.begin()) - 1];
}

bool DemoMarket::seed(const QString& pricesFolder, QString* error)
{
    Result<std::vector<PriceSeries>> loaded = loadPriceFolder(pricesFolder.toStdString());
    if (!loaded) {
        *error = QString::fromStdString(loaded.error().describe());
        return false;
    }
    m_series = std::move(loaded).value();
    const UtcTime now = m_clock.now();

    // Built two days ago, so the heatmap shows an age without being stale.
    const CorrelationBuild build = buildCorrelation(m_series);
    qint64 buildId = 0;
    if (!m_store.saveCorrelationBuild(build, now - std::chrono::days(2), &buildId, error))
        return false;

    // The replay walks SPY's trading days (else the first series').
    size_t calendarSeries = 0;
    for (size_t i = 0; i < m_series.size(); ++i)
        if (m_series[i].symbol == "SPY")
            calendarSeries = i;
    m_calendar = m_series.at(calendarSeries).dates;
    if (m_calendar.size() < static_cast<size_t>(kReplayDays + kHistoryMinutes + 2)) {
        *error =
            tr("the demo needs at least %1 days of prices").arg(kReplayDays + kHistoryMinutes + 2);
        return false;
    }
    m_firstDay = m_calendar.size() - kReplayDays - 1;
    m_day = m_firstDay;

    const std::string& firstDate = m_calendar[m_firstDay];
    const std::string& entryDate = m_calendar[m_firstDay - 20];
    const CryptoList crypto;
    for (const Weight& weight : kBook) {
        const auto found =
            std::find_if(m_series.begin(), m_series.end(),
                         [&](const PriceSeries& s) { return s.symbol == weight.symbol; });
        if (found == m_series.end())
            continue;
        Holding holding;
        holding.series = static_cast<size_t>(found - m_series.begin());
        const double price = closeOn(holding.series, firstDate);
        const double qty = weight.shareOfEquity * kStartEquityUsd / price;
        holding.qty =
            std::copysign(roundDownQty(std::abs(qty), crypto.classify(found->symbol)), qty);
        holding.entryUsd = closeOn(holding.series, entryDate);
        m_book.push_back(holding);
    }
    if (m_book.empty()) {
        *error = tr("none of the demo book's symbols is in %1").arg(pricesFolder);
        return false;
    }

    // A short history for the chart: one snapshot a minute, each minute a past trading day.
    for (int k = 0; k <= kHistoryMinutes; ++k) {
        const size_t day = m_firstDay - static_cast<size_t>(kHistoryMinutes - k);
        double equity = kStartEquityUsd;
        double gross = 0.0;
        for (const Holding& h : m_book) {
            const double price = closeOn(h.series, m_calendar[day]);
            equity += h.qty * (price - closeOn(h.series, firstDate));
            gross += std::abs(h.qty * price);
        }
        PortfolioSnapshot snapshot;
        snapshot.observedAt = now - std::chrono::minutes(kHistoryMinutes - k);
        snapshot.portfolioValueUsd = equity;
        if (!m_store.addSnapshot(snapshot, equity, gross, error))
            return false;
    }
    // The operator set E before the session (as `kellyctl account set --equity` does), so
    // the header reads the marks' P&L since then instead of "never set".
    if (!m_store.updateAccount(kStartEquityUsd, std::nullopt, now - std::chrono::minutes(55), error,
                               store::SettingOrigin::Cli) ||
        !markDay(m_firstDay, false, error))
        return false;

    // Earlier in the "day": the operator rolled back to legacy and forward again, and the
    // bot sized a few symbols, so the audit and the sizing log open with rows.
    if (!m_store.writeSetting(store::SettingKey::Mode, QStringLiteral("legacy"),
                              store::SettingOrigin::Cli, now - std::chrono::minutes(50), error) ||
        !m_store.writeSetting(store::SettingKey::Mode, QStringLiteral("enhanced"),
                              store::SettingOrigin::Cli, now - std::chrono::minutes(45), error))
        return false;
    for (size_t i = 0; i < std::min<size_t>(6, m_book.size()); ++i)
        if (!recordBotDecision(
                m_book[i], i % 3 == 2 ? std::optional(SizingMode::Legacy) : std::nullopt, error))
            return false;
    return true;
}

bool DemoMarket::recordBotDecision(const Holding& holding, std::optional<SizingMode> mode,
                                   QString* error)
{
    store::SizingService service(m_store, store::systemEnvironment());
    store::SizingCall call;
    call.request.symbol = m_series[holding.series].symbol;
    call.request.priceUsd = closeOn(holding.series, m_calendar[m_day]);
    call.modeOverride = mode;
    call.origin = QStringLiteral("demo bot");
    store::SizingOutcome outcome;
    return service.size(call, m_clock.now(), &outcome, error);
}

bool DemoMarket::markDay(size_t day, bool snapshot, QString* error)
{
    const std::string& date = m_calendar[day];
    const std::string& firstDate = m_calendar[m_firstDay];
    std::vector<Position> positions;
    double equity = kStartEquityUsd;
    double gross = 0.0;
    for (const Holding& h : m_book) {
        Position p;
        p.symbol = m_series[h.series].symbol;
        p.qty = h.qty;
        p.lastPriceUsd = closeOn(h.series, date);
        p.avgEntryUsd = h.entryUsd;
        equity += h.qty * (p.lastPriceUsd - closeOn(h.series, firstDate));
        gross += p.currentUsd();
        positions.push_back(std::move(p));
    }
    const UtcTime now = m_clock.now();
    // A margin account's buying power: what the intraday limit leaves.
    const double buyingPower = std::max(4.0 * equity - gross, 0.0);
    if (!m_store.setPositions(positions, true, now, error) ||
        !m_store.setAccount(equity, buyingPower, now, error))
        return false;
    if (!snapshot)
        return true;
    PortfolioSnapshot record;
    record.observedAt = now;
    record.portfolioValueUsd = equity;
    return m_store.addSnapshot(record, equity, gross, error);
}

void DemoMarket::start(std::chrono::milliseconds interval)
{
    m_timer.start(interval);
}

bool DemoMarket::step(QString* error)
{
    ++m_day;
    if (m_day >= m_calendar.size())
        m_day = m_firstDay; // the replay starts over
    if (!markDay(m_day, true, error))
        return false;
    if (++m_steps % kBotEverySteps != 0)
        return true;
    // The bot sizes one of the book's symbols, round robin, and records the decision.
    const Holding& h = m_book[static_cast<size_t>(m_steps / kBotEverySteps) % m_book.size()];
    return recordBotDecision(h, std::nullopt, error);
}

} // namespace kelly::desk
