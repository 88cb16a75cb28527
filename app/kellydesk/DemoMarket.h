#pragma once

#include "risk/Analytics.h"
#include "store/Store.h"

#include <QObject>
#include <QTimer>
#include <optional>
#include <vector>

namespace kelly::ui {
class Clock;
}

namespace kelly::desk {

// `kellydesk --demo` (SPEC 10): seeds a fresh store with a sample book of stocks and crypto
// at about 2.5x leverage, a snapshot history and a correlation build from the bundled
// prices, then replays the prices along their history, one trading day per second, as a
// bot would mark them. Every second also records a portfolio snapshot; every few seconds
// the "bot" records a sizing decision, so every panel is alive.
class DemoMarket final : public QObject
{
    Q_OBJECT
public:
    static constexpr double kStartEquityUsd = 100'000.0;
    static constexpr int kReplayDays = 120;

    DemoMarket(store::Store& store, const ui::Clock& clock, QObject* parent = nullptr);

    // Reads the price folder and seeds the store. False with `error` when either fails.
    bool seed(const QString& pricesFolder, QString* error);
    void start(std::chrono::milliseconds interval = std::chrono::seconds(1));
    bool step(QString* error);

Q_SIGNALS:
    void failed(const QString& message);

private:
    struct Holding
    {
        size_t series = 0;
        double qty = 0.0;
        double entryUsd = 0.0;
    };

    double closeOn(size_t series, const std::string& date) const;
    bool markDay(size_t day, bool snapshot, QString* error);
    bool recordBotDecision(const Holding& holding, std::optional<SizingMode> mode, QString* error);

    store::Store& m_store;
    const ui::Clock& m_clock;
    std::vector<PriceSeries> m_series;
    std::vector<std::string> m_calendar; // the trading days replayed
    std::vector<Holding> m_book;
    size_t m_firstDay = 0;
    size_t m_day = 0;
    int m_steps = 0;
    QTimer m_timer;
};

} // namespace kelly::desk
