// The sizing lab (SPEC 12) by hand: cases small enough to compute on paper, the invariants
// at every close, look-ahead by cutting files, cancellation and bad input.

#include "IsoDates.h"
#include "lab/Lab.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <thread>

using namespace kelly;
using namespace kelly::lab;

namespace {

PriceSeries series(const std::string& symbol, std::vector<std::string> dates,
                   std::vector<double> closes)
{
    return PriceSeries{symbol, std::move(dates), std::move(closes)};
}

// `count` weekdays from 2024-01-01 (a Monday), as ISO dates.
std::vector<std::string> weekdays(int count)
{
    std::vector<std::string> dates;
    for (long long day = daysFromIsoDate("2024-01-01"); static_cast<int>(dates.size()) < count;
         ++day) {
        const long long weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
        if (weekday == 0 || weekday == 6)
            continue;
        dates.push_back(test::isoDateFromDays(day));
    }
    return dates;
}

ForecastTable everyDay(const std::string& symbol, const std::vector<std::string>& dates, double mu,
                       double sigma)
{
    ForecastTable table;
    for (const std::string& date : dates)
        table[{date, symbol}] = ForecastRow{mu, sigma};
    return table;
}

const MethodRun& runOf(const LabResult& result, Method method)
{
    for (const MethodRun& run : result.runs)
        if (run.method == method)
            return run;
    qFatal("method not run");
}

bool finite(const std::optional<double>& value)
{
    return !value || std::isfinite(*value);
}

QString bundledPrices()
{
    return QStringLiteral(KELLY_SOURCE_DIR "/resources/prices");
}

} // namespace

class TestLab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void constantPriceLosesExactlyCostsAndFinancing();
    void oneSymbolOneTradeByHand();
    void ruinStopsTheRunAndNullsTheRatios();
    void cryptoWeekendBesideUnpricedStocks();
    void symbolThatStartsLate();
    void correlatedBookShrinksTheSecondAdd();
    void forecastFileRowsAreCheckedByLine();
    void badOptionsNameTheField_data();
    void badOptionsNameTheField();
    void invariantsHoldAtEveryClose();
    void cuttingFilesNeverChangesThePast();
    void checkLookaheadPassesOnRealPrices();
    void deterministic();
    void cancelsFromAnotherThread();
    void trailingWindowsFourAtATimeAreTheSingleOnes();

private:
    std::vector<PriceSeries> bundled() const;
};

std::vector<PriceSeries> TestLab::bundled() const
{
    const auto loaded = loadPriceFolder(bundledPrices().toStdString());
    if (!loaded)
        qFatal("%s", loaded.error().describe().c_str());
    return *loaded;
}

void TestLab::constantPriceLosesExactlyCostsAndFinancing()
{
    const std::vector<std::string> dates = weekdays(30);
    const std::vector<PriceSeries> prices{series("AAA", dates, std::vector<double>(30, 100.0))};
    LabOptions options;
    options.forecast = everyDay("AAA", dates, 0.01, 0.02);
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());
    for (const MethodRun& run : result->runs) {
        const LabMetrics& m = run.metrics;
        QVERIFY(m.costsUsd > 0.0);
        QCOMPARE_LE(std::abs(m.finalEquityUsd - (100000.0 - m.costsUsd - m.financingUsd)), 1e-6);
    }
    // By hand (SPEC 8 first row, then 12.5): enhanced wants 2400 shares (the symbol cap),
    // the close keeps 2 x E = 200,000 of it: 2000 shares, 5 bps = 100 USD; the first night
    // borrows 200,000 - 99,900 at 6.5% / 360.
    const MethodRun& enhanced = runOf(*result, Method::Enhanced);
    QCOMPARE(enhanced.curve[0].grossUsd, 200000.0);
    QCOMPARE(enhanced.curve[0].costsUsd, 100.0);
    QCOMPARE(enhanced.curve[0].equityUsd, 99900.0);
    QCOMPARE(enhanced.curve[0].cashUsd, -100100.0);
    QVERIFY(std::abs(enhanced.curve[1].financingUsd - 100100.0 * 0.065 / 360.0) < 1e-9);
}

void TestLab::oneSymbolOneTradeByHand()
{
    // Thursday, Friday, Monday. The forecast file has one row (Friday): a gap before and
    // after means no signal, so the position opens Friday and closes Monday.
    const std::vector<std::string> dates{"2024-01-04", "2024-01-05", "2024-01-08"};
    const std::vector<PriceSeries> prices{series("AAA", dates, {100.0, 100.0, 110.0})};
    LabOptions options;
    options.methods = {Method::Enhanced};
    options.forecast = ForecastTable{{{"2024-01-05", "AAA"}, ForecastRow{0.001, 0.02}}};
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY(result.ok());
    const std::vector<CurvePoint>& curve = result->runs[0].curve;
    QCOMPARE(curve.size(), size_t(3));
    QCOMPARE(curve[0].equityUsd, 100000.0); // no row: nothing traded
    QCOMPARE(curve[0].costsUsd, 0.0);
    QCOMPARE(curve[1].grossUsd, 200000.0); // 2000 shares after the overnight rule
    QCOMPARE(curve[1].equityUsd, 99900.0);
    const double weekendFinancing = (200000.0 - 99900.0) * 0.065 / 360.0 * 3.0; // Fri-Mon
    QVERIFY(std::abs(curve[2].financingUsd - weekendFinancing) < 1e-9);
    QCOMPARE(curve[2].grossUsd, 0.0);
    QVERIFY(std::abs(curve[2].costsUsd - 0.0005 * 2000 * 110.0) < 1e-9);
    const double expected = 100000.0 - 100.0 - weekendFinancing + 2000 * 10.0 - 110.0;
    QVERIFY(std::abs(curve[2].equityUsd - expected) < 1e-9);
    QCOMPARE(result->runs[0].metrics.longestDrawdownDays, 1);
}

void TestLab::ruinStopsTheRunAndNullsTheRatios()
{
    const std::vector<std::string> dates = weekdays(5);
    const std::vector<PriceSeries> prices{series("AAA", dates, {100.0, 100.0, 40.0, 45.0, 50.0})};
    LabOptions options;
    options.methods = {Method::Enhanced, Method::EqualWeight};
    options.forecast = everyDay("AAA", dates, 0.01, 0.02);
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY(result.ok());
    const MethodRun& enhanced = runOf(*result, Method::Enhanced);
    // 2x levered into a 60% fall: equity = cash + 2000 x 40 goes below zero on day 3.
    QCOMPARE(enhanced.curve.size(), size_t(3));
    QCOMPARE(enhanced.metrics.ruinedOn, std::optional<std::string>(dates[2]));
    QVERIFY(enhanced.curve.back().equityUsd <= 0.0);
    QVERIFY(!enhanced.metrics.cagr && !enhanced.metrics.sharpe && !enhanced.metrics.sortino &&
            !enhanced.metrics.calmar);
    QCOMPARE(enhanced.metrics.finalEquityUsd, enhanced.curve.back().equityUsd);
    const MethodRun& equal = runOf(*result, Method::EqualWeight);
    QCOMPARE(equal.curve.size(), size_t(5));
    QVERIFY(!equal.metrics.ruinedOn);
}

void TestLab::cryptoWeekendBesideUnpricedStocks()
{
    // Friday to Monday: the stock trades Friday and Monday, BTC every day.
    const std::vector<PriceSeries> prices{
        series("AAA", {"2024-01-05", "2024-01-08"}, {100.0, 100.0}),
        series("BTCUSD", {"2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"},
               {50000.0, 40000.0, 40000.0, 50000.0})};
    LabOptions options;
    options.methods = {Method::EqualWeight};
    options.costBps = 10.0;
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY(result.ok());
    QCOMPARE(result->annualizationDays, 365);
    const std::vector<CurvePoint>& curve = result->runs[0].curve;
    QCOMPARE(curve.size(), size_t(4));
    // Friday: 500 AAA and 1 BTC, 10 bps of 100,000 traded.
    QCOMPARE(curve[0].costsUsd, 100.0);
    QCOMPARE(curve[0].equityUsd, 99900.0);
    // The costs were borrowed: 100 USD over E for one night.
    const double financing = 100.0 * 0.065 / 360.0;
    QVERIFY(std::abs(curve[1].financingUsd - financing) < 1e-12);
    // Saturday: AAA is not priced and keeps its 500 shares at Friday's close; BTC alone is
    // decided: (89,900 - financing) / 2 / 40,000 = 1.12374... -> 1.123: 0.123 BTC bought.
    QVERIFY(std::abs(curve[1].costsUsd - 0.001 * 0.123 * 40000.0) < 1e-9);
    QVERIFY(std::abs(curve[1].grossUsd - (500 * 100.0 + 1.123 * 40000.0)) < 1e-9);
    QVERIFY(std::abs(curve[1].equityUsd - (89900.0 - financing - 4.92)) < 1e-9);
    QCOMPARE(curve[2].costsUsd, 0.0); // Sunday: same price, same target
}

void TestLab::symbolThatStartsLate()
{
    const std::vector<std::string> dates = weekdays(30);
    const std::vector<std::string> late(dates.begin() + 2, dates.end());
    const std::vector<PriceSeries> prices{series("AAA", dates, std::vector<double>(30, 100.0)),
                                          series("BBB", late, std::vector<double>(28, 50.0))};
    LabOptions options;
    options.methods = {Method::EqualWeight};
    options.costBps = 0.0;
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY(result.ok());
    const std::vector<CurvePoint>& curve = result->runs[0].curve;
    // n counts the files started by each date: AAA alone holds all of E until BBB starts.
    QCOMPARE(curve[0].grossUsd, 100000.0);
    QCOMPARE(curve[1].grossUsd, 100000.0);
    QCOMPARE(curve[2].grossUsd, 100000.0); // 500 AAA + 1000 BBB
    // Cutting before BBB's first row empties its file: the past must not move.
    const auto cut = runLab(cutAfter(prices, dates[1]), LabSettings{}, options);
    QVERIFY(cut.ok());
    QCOMPARE(cut->runs[0].curve[1].equityUsd, curve[1].equityUsd);
}

void TestLab::correlatedBookShrinksTheSecondAdd()
{
    // Two stocks with the same closes (rho = 1), forecasts on the last day only: AAA ranks
    // first and takes its symbol room (240% of E); BBB then sees a book already long what
    // it moves with. SPEC 11: book_cov = 0.02 x 2.4 x 1 x sigma_AAA; plain enhanced ignores it
    // and takes SPEC 15's margin room.
    const std::vector<std::string> dates = weekdays(30);
    std::vector<double> closes{100.0};
    for (int i = 1; i < 30; ++i)
        closes.push_back(closes.back() * (i % 2 ? 1.01 : 0.995));
    const std::vector<PriceSeries> prices{series("AAA", dates, closes),
                                          series("BBB", dates, closes)};
    LabOptions options;
    options.methods = {Method::Enhanced, Method::EnhancedCorr};
    options.forecast = ForecastTable{{{dates.back(), "AAA"}, ForecastRow{0.0011, 0.02}},
                                     {{dates.back(), "BBB"}, ForecastRow{0.0004, 0.02}}};
    std::map<Method, std::vector<double>> lastQty;
    LabControl control;
    control.observeClose = [&](const CloseView& v) {
        if (v.date == dates.back())
            lastQty[v.method] = v.qty;
    };
    const auto result = runLab(prices, LabSettings{}, options, control);
    QVERIFY(result.ok());
    const double close = closes.back();
    const double sigmaAaa = trailingSignal(dailyReturns(closes), 29, 60, kMinLookback)->sigmaDaily;
    const double aaa = std::floor(240000.0 / close + 1e-9);
    const double bookCov = 0.02 * (aaa * close / 100000.0) * 1.0 * sigmaAaa;
    const double base = std::min(0.5 * std::max((0.0004 - bookCov) / 0.0004, 0.0), 1.0);
    const double bbbCorr = std::floor(base * 4.0 * 100000.0 / close + 1e-9);
    // SPEC 15's margin room binds before the gross room (400,000 - 240,000): MR = 0.30 x AAA.
    const double heldUsd = aaa * close;
    const double marginRoomUsd =
        (100000.0 - 0.3 * heldUsd - 0.05 * (heldUsd - 0.3 * heldUsd)) / (0.3 + 0.05 * 0.7);
    QVERIFY(marginRoomUsd < 400000.0 - heldUsd);
    const double bbbPlain = std::floor(marginRoomUsd / close + 1e-9);
    // The close keeps 2 x E: both books are scaled to it, each size rounded down.
    auto scaled = [&](double a, double b) {
        const double scale = 200000.0 / ((a + b) * close);
        return std::pair{std::floor(a * scale + 1e-9), std::floor(b * scale + 1e-9)};
    };
    QVERIFY(bbbCorr < bbbPlain); // the correlated book takes less than the margin allows
    QCOMPARE(std::pair(lastQty[Method::Enhanced][0], lastQty[Method::Enhanced][1]),
             scaled(aaa, bbbPlain));
    QCOMPARE(std::pair(lastQty[Method::EnhancedCorr][0], lastQty[Method::EnhancedCorr][1]),
             scaled(aaa, bbbCorr));
}

void TestLab::forecastFileRowsAreCheckedByLine()
{
    const auto good = parseForecastCsv("date,symbol,mu,sigma\n2024-01-05,nvda,0.001,\n"
                                       "2024-01-08,BTC/USD,-0.002,0.03\n",
                                       "f.csv");
    QVERIFY(good.ok());
    QCOMPARE(good->size(), size_t(2));
    QVERIFY(!good->at({"2024-01-05", "NVDA"}).sigmaDaily);
    QCOMPARE(*good->at({"2024-01-08", "BTCUSD"}).sigmaDaily, 0.03);
    const auto badDate =
        parseForecastCsv("date,symbol,mu\n2024-01-05,A,0.1\n2024-13-01,A,0\n", "f.csv");
    QVERIFY(!badDate.ok());
    QCOMPARE(QString::fromStdString(badDate.error().field), QStringLiteral("f.csv:3"));
    const auto badMu = parseForecastCsv("date,symbol,mu\n2024-01-05,A,nan\n", "f.csv");
    QVERIFY(!badMu.ok());
    QVERIFY(badMu.error().describe().find("f.csv:2: mu") != std::string::npos);
    const auto duplicate =
        parseForecastCsv("date,symbol,mu\n2024-01-05,A,0.1\n2024-01-05,a,0.2\n", "f.csv");
    QVERIFY(!duplicate.ok());
    QVERIFY(!parseForecastCsv("symbol,mu\nA,0.1\n", "f.csv").ok());
    QVERIFY(!parseForecastCsv("date,symbol,mu,sigma\n2024-01-05,A,0.1,-1\n", "f.csv").ok());
}

void TestLab::badOptionsNameTheField_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("equity");
    QTest::addColumn<int>("lookback");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<bool>("toBeforeFrom");
    QTest::newRow("equity 0") << "equity" << 0.0 << 60 << ""
                              << "" << false;
    QTest::newRow("equity nan") << "equity" << std::nan("") << 60 << ""
                                << "" << false;
    QTest::newRow("lookback 19") << "lookback" << 1e5 << 19 << ""
                                 << "" << false;
    QTest::newRow("bad date") << "from" << 1e5 << 60 << "2024-02-30"
                              << "" << false;
    QTest::newRow("unknown symbol") << "symbols" << 1e5 << 60 << ""
                                    << "ZZZ" << false;
    QTest::newRow("to before from") << "to" << 1e5 << 60 << "2024-02-01"
                                    << "" << true;
}

void TestLab::badOptionsNameTheField()
{
    QFETCH(QString, field);
    QFETCH(double, equity);
    QFETCH(int, lookback);
    QFETCH(QString, from);
    QFETCH(QString, symbol);
    QFETCH(bool, toBeforeFrom);
    LabOptions options;
    options.startingEquityUsd = equity;
    options.lookback = lookback;
    if (!from.isEmpty())
        options.fromDate = from.toStdString();
    if (!symbol.isEmpty())
        options.symbols = {symbol.toStdString()};
    if (toBeforeFrom)
        options.toDate = "2024-01-01";
    const std::vector<PriceSeries> prices{series("AAA", weekdays(3), {1.0, 2.0, 3.0})};
    const auto result = runLab(prices, LabSettings{}, options);
    QVERIFY(!result.ok());
    QCOMPARE(QString::fromStdString(result.error().field), field);
    QVERIFY(!parseMethodList("enhanced,bogus").ok());
    QCOMPARE(parseMethodList("enhanced,bogus").error().field, std::string("methods"));
}

void TestLab::invariantsHoldAtEveryClose()
{
    const std::vector<PriceSeries> prices = bundled();
    const LabSettings settings;
    int closes = 0;
    QString failure;
    LabControl control;
    control.observeClose = [&](const CloseView& v) {
        ++closes;
        double marked = v.cashUsd;
        double gross = 0.0;
        double unpricedGross = 0.0;
        for (std::size_t i = 0; i < v.qty.size(); ++i) {
            marked += v.qty[i] * v.lastCloses[i];
            gross += std::abs(v.qty[i]) * v.lastCloses[i];
            if (!v.pricedToday[i])
                unpricedGross += std::abs(v.qty[i]) * v.lastCloses[i];
        }
        // SPEC 12.5: the close keeps at most L_on x E (before costs), unless positions the
        // day cannot trade (unpriced) already hold more.
        const double limit =
            std::max(settings.limits.overnightLeverage * v.equityBeforeCostsUsd, unpricedGross);
        if (failure.isEmpty() && gross > limit * (1.0 + 1e-12))
            failure =
                QStringLiteral("%1 %2: gross %3 > %4")
                    .arg(QString::fromLatin1(methodName(v.method)), QString::fromStdString(v.date))
                    .arg(gross)
                    .arg(limit);
        if (failure.isEmpty() && std::abs(marked - v.equityUsd) > 1e-9 * std::abs(v.equityUsd))
            failure = QStringLiteral("%1: cash + sum q c != E").arg(QString::fromStdString(v.date));
    };
    const auto result = runLab(prices, settings, LabOptions{}, control);
    QVERIFY(result.ok());
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY(closes > 1000);
    for (const MethodRun& run : result->runs) {
        for (const CurvePoint& p : run.curve)
            for (double v : {p.equityUsd, p.grossUsd, p.cashUsd, p.financingUsd, p.costsUsd})
                QVERIFY(std::isfinite(v));
        const LabMetrics& m = run.metrics;
        for (const auto& v : {m.totalReturn, m.cagr, m.sharpe, m.sortino, m.maxDrawdown, m.calmar,
                              m.worstDay, m.turnover, m.avgGrossLeverage, m.maxGrossLeverage})
            QVERIFY(finite(v));
    }
}

void TestLab::cuttingFilesNeverChangesThePast()
{
    // As a user checks it: write every file cut after a date, load the folder again, run,
    // and compare the curve up to that date for every method.
    const std::vector<PriceSeries> prices = bundled();
    const auto full = runLab(prices, LabSettings{}, LabOptions{});
    QVERIFY(full.ok());
    const std::vector<std::string>& calendar = full->calendar;
    for (std::size_t cutIndex : {std::size_t(70), calendar.size() / 2, calendar.size() - 40}) {
        const std::string cutDate = calendar[cutIndex];
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        for (const PriceSeries& s : cutAfter(prices, cutDate)) {
            QFile file(folder.filePath(QString::fromStdString(s.symbol) + QStringLiteral(".csv")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray text = "date,close\n";
            for (std::size_t i = 0; i < s.dates.size(); ++i)
                text += QByteArray::fromStdString(s.dates[i]) + ',' +
                        QByteArray::number(s.closes[i], 'g', 17) + '\n';
            file.write(text);
        }
        const auto reloaded = loadPriceFolder(folder.path().toStdString());
        QVERIFY(reloaded.ok());
        const auto cut = runLab(*reloaded, LabSettings{}, LabOptions{});
        QVERIFY(cut.ok());
        for (std::size_t m = 0; m < full->runs.size(); ++m)
            for (std::size_t i = 0; i <= cutIndex; ++i) {
                const CurvePoint& a = full->runs[m].curve[i];
                const CurvePoint& b = cut->runs[m].curve[i];
                if (a.date != b.date || a.equityUsd != b.equityUsd || a.grossUsd != b.grossUsd)
                    QFAIL(qPrintable(QStringLiteral("%1 changed on %2 when cut after %3")
                                         .arg(QString::fromLatin1(methodName(full->runs[m].method)),
                                              QString::fromStdString(a.date),
                                              QString::fromStdString(cutDate))));
            }
    }
}

void TestLab::checkLookaheadPassesOnRealPrices()
{
    const std::vector<PriceSeries> prices = bundled();
    const auto full = runLab(prices, LabSettings{}, LabOptions{});
    QVERIFY(full.ok());
    const auto report = checkLookahead(prices, LabSettings{}, LabOptions{}, *full);
    QVERIFY(report.ok());
    QVERIFY(report->passed());
    QCOMPARE(report->cutDate, full->calendar[(full->calendar.size() - 1) / 2]);
    QVERIFY(report->datesCompared > 300);
    // And it can fail: a run whose curve was not made from these prices differs at once.
    LabResult tampered = *full;
    tampered.runs[1].curve[5].equityUsd += 1.0;
    const auto caught = checkLookahead(prices, LabSettings{}, LabOptions{}, tampered);
    QVERIFY(caught.ok());
    QVERIFY(!caught->passed());
    QCOMPARE(*caught->firstDifferenceDate, full->calendar[5]);
    QCOMPARE(*caught->firstDifferenceRun, runName(tampered.runs[1]));
}

void TestLab::deterministic()
{
    const std::vector<PriceSeries> prices = bundled();
    const auto a = runLab(prices, LabSettings{}, LabOptions{});
    const auto b = runLab(prices, LabSettings{}, LabOptions{});
    QVERIFY(a.ok() && b.ok());
    for (std::size_t m = 0; m < a->runs.size(); ++m) {
        QCOMPARE(a->runs[m].curve.size(), b->runs[m].curve.size());
        for (std::size_t i = 0; i < a->runs[m].curve.size(); ++i)
            QCOMPARE(a->runs[m].curve[i].equityUsd, b->runs[m].curve[i].equityUsd);
    }
}

void TestLab::cancelsFromAnotherThread()
{
    const std::vector<PriceSeries> prices = bundled();
    std::atomic<bool> cancel{false};
    std::atomic<int> lastProgress{0};
    LabControl control;
    control.cancel = &cancel;
    control.progress = [&](int done, int total) {
        lastProgress = done;
        QVERIFY(total > 0);
        if (done == 50) // hold the worker here until the other thread has asked to stop
            while (!cancel.load())
                std::this_thread::yield();
    };
    std::optional<Result<LabResult>> result;
    std::thread worker(
        [&] { result.emplace(runLab(prices, LabSettings{}, LabOptions{}, control)); });
    while (lastProgress.load() < 50)
        std::this_thread::yield();
    cancel = true;
    worker.join();
    QVERIFY(result && result->ok());
    QVERIFY((*result)->cancelled);
    QCOMPARE(lastProgress.load(), 50);
    QCOMPARE((*result)->runs[0].curve.size(), size_t(50));
}

// Issue 25: the day's trailing forecasts run four windows side by side; each must be, bit for
// bit, the single window's mean and sigma (whole windows, short ones, mixed in one call).
void TestLab::trailingWindowsFourAtATimeAreTheSingleOnes()
{
    std::mt19937_64 random(2025);
    std::normal_distribution<double> shock(0.0, 0.03);
    std::vector<std::vector<double>> returns;
    for (int s = 0; s < 4; ++s) {
        std::vector<double> closes{40.0 + s};
        for (int k = 1; k < 300; ++k)
            closes.push_back(closes.back() * (1.0 + shock(random)));
        returns.push_back(dailyReturns(closes));
    }
    const std::array<const std::vector<double>*, 4> lanes{&returns[0], &returns[1], &returns[2],
                                                          &returns[3]};
    auto bits = [](double value) {
        return std::bit_cast<std::uint64_t>(value);
    };
    int whole = 0;
    for (int lookback : {20, 60, 61}) {
        std::uniform_int_distribution<std::size_t> pick(0, 299);
        for (int trial = 0; trial < 400; ++trial) {
            std::array<std::size_t, 4> index{};
            for (std::size_t& i : index)
                i = trial % 3 == 0 ? pick(random) : 70 + pick(random) % 230;
            const auto together = trailingSignals4(lanes, index, lookback, kMinLookback);
            bool allWhole = true;
            for (std::size_t l = 0; l < 4; ++l) {
                const auto alone = trailingSignal(returns[l], index[l], lookback, kMinLookback);
                allWhole = allWhole && index[l] > static_cast<std::size_t>(lookback);
                QCOMPARE(together[l].has_value(), alone.has_value());
                if (alone) {
                    QCOMPARE(bits(together[l]->muDaily), bits(alone->muDaily));
                    QCOMPARE(bits(together[l]->sigmaDaily), bits(alone->sigmaDaily));
                }
            }
            whole += allWhole ? 1 : 0;
        }
    }
    QVERIFY(whole > 500); // the side-by-side path ran, not only the fallback
}

QTEST_APPLESS_MAIN(TestLab)
#include "tst_lab.moc"
