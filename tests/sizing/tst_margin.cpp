// SPEC 15 and 16: the maintenance margin, the fall to a margin call, the margin room of an
// add (SPEC 8's margin rows) and stress scenarios, against the worked examples and
// invariants that hold on random books.
#include "margin/Margin.h"
#include "margin/Stress.h"
#include "sizing/Sizing.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace kelly;

namespace {

Account nvdaBook() // SPEC 15's example: E = 100,000, NVDA 1,600 long @ 150
{
    return Account{100'000.0, 400'000.0, {{"NVDA", 1600.0, 150.0, 150.0}}};
}

const CryptoList& cryptoList()
{
    static const CryptoList list;
    return list;
}

// Bisection of E(x) < MR(x) on a fine grid then halving: a check of the exact solver that
// shares none of its piecewise logic.
std::optional<double> bisectFall(const Account& account, const MarginPolicy& policy)
{
    const MarginBook book = describeMargin(account, cryptoList(), policy);
    const auto deficit = [&](double f) {
        double equity = account.equityUsd;
        double required = 0.0;
        for (size_t i = 0; i < account.positions.size(); ++i) {
            const Position& p = account.positions[i];
            equity -= f * p.marketValueUsd();
            required += book.rules[i].requirementAt(p.lastPriceUsd * (1.0 - f));
        }
        return equity < required;
    };
    if (deficit(0.0))
        return 0.0;
    const int steps = 20000;
    for (int k = 1; k <= steps; ++k) {
        const double hi = static_cast<double>(k) / steps;
        if (!deficit(hi))
            continue;
        double lo = static_cast<double>(k - 1) / steps;
        double up = hi;
        for (int it = 0; it < 80; ++it) {
            const double mid = 0.5 * (lo + up);
            (deficit(mid) ? up : lo) = mid;
        }
        return 100.0 * up;
    }
    return std::nullopt;
}

SizingResult sizeWith(const Account& account, const std::string& symbol, double price,
                      std::optional<double> mu, std::optional<double> sigma,
                      const MarginPolicy& policy, SizingMode mode = SizingMode::Enhanced,
                      double kellyFraction = 0.5, RiskLimits limits = {})
{
    SizingContext context{account, limits, cryptoList()};
    context.margin = policy;
    context.kellyFraction = kellyFraction;
    SizingRequest request{symbol, price, mu, sigma, false};
    auto result = sizePosition(mode, request, context);
    if (!result)
        qFatal("sizing failed: %s", result.error().describe().c_str());
    return result.value();
}

} // namespace

Q_DECLARE_METATYPE(kelly::BindingLimit)
Q_DECLARE_METATYPE(kelly::Account)

class TestMargin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void specExampleBook();
    void rateLookupOrder();
    void defaultTableThresholds();
    void shortRequirementHasPerShareMinimum();
    void specRowsWithMargin_data();
    void specRowsWithMargin();
    void fallAfterSpecAdds();
    void fallIsExactAcrossThresholds();
    void riseForShorts();
    void singleNameMoves();
    void callProbability();
    void addsNeverMarginCallWithinK();
    void fallMatchesBisectionOnRandomBooks();
    void stressSpecExample();
    void stressShockUsesBetas();
    void stressWorstHistoryDays();
};

void TestMargin::specExampleBook()
{
    const Account account = nvdaBook();
    const MarginBook book = describeMargin(account, cryptoList(), MarginPolicy{});
    QCOMPARE(book.maintenanceUsd, 72'000.0);
    QCOMPARE(book.excessUsd(), 28'000.0);
    QCOMPARE(*book.marginUsedPct(), 72.0);
    const auto fall = marginCallFallPct(account, book);
    QVERIFY(fall);
    QVERIFY(std::abs(*fall - 100.0 * 28'000.0 / 168'000.0) < 1e-9);
    const auto single = singleNameCallMovePct(account, book, 0);
    QVERIFY(single);
    QVERIFY(std::abs(*single - *fall) < 1e-9);
    QVERIFY(!marginCallRisePct(account, book)); // a long book only gains on a rise
}

void TestMargin::rateLookupOrder()
{
    MarginRates rates;
    MarginPolicy policy{0.25, 0.05, &rates};
    QCOMPARE(maintenanceRate("NVDA", AssetClass::Stock, PositionSide::Long, 150.0, policy).rate,
             0.30);
    rates.broker["NVDA"] = BrokerMarginRate{true, 0.40, 0.50};
    auto rate = maintenanceRate("NVDA", AssetClass::Stock, PositionSide::Short, 150.0, policy);
    QCOMPARE(rate.rate, 0.50);
    QCOMPARE(rate.source, RateSource::Broker);
    rates.overrides["NVDA"] = 0.60;
    rate = maintenanceRate("NVDA", AssetClass::Stock, PositionSide::Short, 150.0, policy);
    QCOMPARE(rate.rate, 0.60);
    QCOMPARE(rate.source, RateSource::Override);
    // The floor wins over an override set before it was raised.
    policy.maintenanceFloor = 0.70;
    QCOMPARE(maintenanceRate("NVDA", AssetClass::Stock, PositionSide::Long, 150.0, policy).rate,
             0.70);
    // Not marginable at the broker: 100%.
    rates.overrides.clear();
    policy.maintenanceFloor = 0.25;
    rates.broker["XYZ"] = BrokerMarginRate{false, 0.30, 0.30};
    QCOMPARE(maintenanceRate("XYZ", AssetClass::Stock, PositionSide::Long, 50.0, policy).rate, 1.0);
    // Crypto: always 100%, whatever is stored for it.
    rates.overrides["BTCUSD"] = 0.30;
    rate = maintenanceRate("BTCUSD", AssetClass::Crypto, PositionSide::Long, 50'000.0, policy);
    QCOMPARE(rate.rate, 1.0);
    QCOMPARE(rate.source, RateSource::Default);
}

void TestMargin::defaultTableThresholds()
{
    const MarginPolicy policy;
    const auto rate = [&](PositionSide side, double price) {
        return maintenanceRate("ABC", AssetClass::Stock, side, price, policy).rate;
    };
    QCOMPARE(rate(PositionSide::Long, 2.49), 1.0);
    QCOMPARE(rate(PositionSide::Long, 2.50), 0.30);
    QCOMPARE(rate(PositionSide::Short, 4.99), 1.0);
    QCOMPARE(rate(PositionSide::Short, 5.00), 0.30);
    MarginPolicy raised;
    raised.maintenanceFloor = 0.35;
    QCOMPARE(maintenanceRate("ABC", AssetClass::Stock, PositionSide::Long, 100.0, raised).rate,
             0.35);
}

void TestMargin::shortRequirementHasPerShareMinimum()
{
    const MarginPolicy policy;
    const auto req = [&](double qty, double price) {
        const Position p{"ABC", qty, price, price};
        return requirementRule(p, AssetClass::Stock, policy).requirementAt(price);
    };
    QCOMPARE(req(-100.0, 10.0), 500.0);   // 0.30 x 1,000 = 300 < 5.00 x 100
    QCOMPARE(req(-100.0, 100.0), 3000.0); // 0.30 x 10,000 beats the 500 minimum
    QCOMPARE(req(-100.0, 2.0), 250.0);    // 1.00 x 200 < 2.50 x 100
    QCOMPARE(req(-100.0, 4.0), 400.0);    // 1.00 x 400 beats 250
    QCOMPARE(req(100.0, 2.0), 200.0);     // a long has no per-share minimum
    // An add short at 10 is charged its per-share minimum / p.
    QCOMPARE(addRate("ABC", AssetClass::Stock, PositionSide::Short, 10.0, policy), 0.5);
}

void TestMargin::specRowsWithMargin_data()
{
    QTest::addColumn<Account>("account");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<double>("mu");    // NaN: not given
    QTest::addColumn<double>("sigma"); // NaN: not given
    QTest::addColumn<double>("k");
    QTest::addColumn<double>("kellyFraction");
    QTest::addColumn<double>("expectedQty");
    QTest::addColumn<BindingLimit>("expectedBinding");
    QTest::addColumn<double>("expectedMaintenanceAfter");

    const double none = std::nan("");
    const Account flat{100'000.0, 400'000.0, {}};
    QTest::newRow("spec 8: enhanced NVDA @ 150, margin room does not bind")
        << flat << "NVDA" << 150.0 << none << none << 0.05 << 0.5 << 1600.0
        << BindingLimit::SymbolCap << 72'000.0;
    QTest::newRow("spec 8: enhanced AAPL @ 200, NVDA held 1,600 @ 150")
        << nvdaBook() << "AAPL" << 200.0 << none << none << 0.05 << 0.5 << 292.0
        << BindingLimit::MaintenanceMargin << 89'520.0;
    QTest::newRow("spec 8: the same with margin_call_fall_pct 0")
        << nvdaBook() << "AAPL" << 200.0 << none << none << 0.0 << 0.5 << 466.0
        << BindingLimit::MaintenanceMargin << 72'000.0 + 0.3 * 466.0 * 200.0;
    QTest::newRow("spec 8: enhanced ABC @ 2.00, rate 1.00 under 2.50")
        << flat << "ABC" << 2.0 << none << none << 0.05 << 0.5 << 50'000.0
        << BindingLimit::MaintenanceMargin << 100'000.0;
    QTest::newRow("spec 8: kelly_fraction 0.1, mu 0.0002, sigma 0.02")
        << flat << "NVDA" << 150.0 << 0.0002 << 0.02 << 0.05 << 0.1 << 133.0 << BindingLimit::Kelly
        << 0.3 * 133.0 * 150.0;
}

void TestMargin::specRowsWithMargin()
{
    QFETCH(Account, account);
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(double, mu);
    QFETCH(double, sigma);
    QFETCH(double, k);
    QFETCH(double, kellyFraction);
    QFETCH(double, expectedQty);
    QFETCH(BindingLimit, expectedBinding);
    QFETCH(double, expectedMaintenanceAfter);
    const auto given = [](double v) {
        return std::isnan(v) ? std::nullopt : std::optional<double>(v);
    };
    MarginPolicy policy;
    policy.callFallK = k;
    const SizingResult r = sizeWith(account, symbol.toStdString(), price, given(mu), given(sigma),
                                    policy, SizingMode::Enhanced, kellyFraction);
    QCOMPARE(r.qty, expectedQty);
    QCOMPARE(r.binding, expectedBinding);
    QVERIFY(std::abs(r.maintenanceAfterUsd - expectedMaintenanceAfter) < 1e-6);
    QCOMPARE(r.excessAfterUsd, account.equityUsd - r.maintenanceAfterUsd);
    QCOMPARE(r.direction, std::optional(PositionSide::Long));
}

void TestMargin::fallAfterSpecAdds()
{
    const Account flat{100'000.0, 400'000.0, {}};
    SizingContext context{flat, RiskLimits{}, cryptoList()};
    auto nvda = sizePosition(SizingMode::Enhanced, {"NVDA", 150.0, {}, {}, false}, context);
    QVERIFY(nvda);
    QVERIFY(std::abs(*marginCallFallAfterAdd(nvda.value(), context) - 100.0 / 6.0) < 1e-9);

    const Account held = nvdaBook();
    SizingContext heldContext{held, RiskLimits{}, cryptoList()};
    auto aapl = sizePosition(SizingMode::Enhanced, {"AAPL", 200.0, {}, {}, false}, heldContext);
    QVERIFY(aapl);
    // SPEC 8: gross 298,400, MR 89,520, fall to a call 5.02%.
    const double fall = *marginCallFallAfterAdd(aapl.value(), heldContext);
    QVERIFY(std::abs(fall - 100.0 * (100'000.0 - 89'520.0) / (298'400.0 - 89'520.0)) < 1e-9);
    QCOMPARE(QString::number(fall, 'f', 2), QStringLiteral("5.02"));
    QVERIFY(fall >= 5.0);
}

void TestMargin::fallIsExactAcrossThresholds()
{
    // 10,000 ABC at 3.00 (30,000 at 0.30) and 1,000 NVDA at 150 with E = 80,000. A fall past
    // 16.67% takes ABC under 2.50, where its rate jumps to 1.00.
    const Account account{
        80'000.0, 0.0, {{"ABC", 10'000.0, 3.0, 3.0}, {"NVDA", 1000.0, 150.0, 0.0}}};
    const MarginBook book = describeMargin(account, cryptoList(), MarginPolicy{});
    const auto fall = marginCallFallPct(account, book);
    QVERIFY(fall);
    // Piece 1 (f < 1/6): g = 80,000 - 54,000 - 126,000 f, still 5,000 at f = 1/6. There ABC's
    // requirement jumps to 1.00 x 25,000: g = 80,000 - 30,000 - 25,000 - 37,500 < 0: the call
    // is at the threshold itself.
    QVERIFY(std::abs(*fall - 100.0 / 6.0) < 1e-9);
    QVERIFY(std::abs(*bisectFall(account, MarginPolicy{}) - *fall) < 1e-6);
}

void TestMargin::riseForShorts()
{
    // Short 1,000 NVDA at 150 with E = 100,000: MR 45,000. A rise g: E = 100,000 - 150,000 g,
    // MR = 0.3 x 150,000 (1 + g); call at 55,000 / 195,000 = 28.2%.
    const Account account{100'000.0, 0.0, {{"NVDA", -1000.0, 150.0, 150.0}}};
    const MarginBook book = describeMargin(account, cryptoList(), MarginPolicy{});
    QCOMPARE(book.maintenanceUsd, 45'000.0);
    const auto rise = marginCallRisePct(account, book);
    QVERIFY(rise);
    QVERIFY(std::abs(*rise - 100.0 * 55'000.0 / 195'000.0) < 1e-9);
    const auto single = singleNameCallMovePct(account, book, 0);
    QVERIFY(single && std::abs(*single - *rise) < 1e-9);
    // A short only gains on a fall, but its per-share minimum stays: at prices near 0 the
    // requirement is 2.50 x 1,000 while E has grown: no call.
    QVERIFY(!marginCallFallPct(account, book));
}

void TestMargin::singleNameMoves()
{
    // Two longs: the single-name fall of each holds the other fixed.
    const Account account{
        100'000.0, 0.0, {{"NVDA", 1000.0, 150.0, 0.0}, {"AAPL", 500.0, 200.0, 0.0}}};
    const MarginBook book = describeMargin(account, cryptoList(), MarginPolicy{});
    // MR = 45,000 + 30,000 = 75,000; NVDA alone: 25,000 = 150,000 f (1 - 0.3) -> 23.81%.
    QVERIFY(std::abs(*singleNameCallMovePct(account, book, 0) - 100.0 * 25'000.0 / 105'000.0) <
            1e-9);
    // AAPL alone would have to fall 25,000 / 70,000 = 35.7%.
    QVERIFY(std::abs(*singleNameCallMovePct(account, book, 1) - 100.0 * 25'000.0 / 70'000.0) <
            1e-9);
    // Beyond 100%: a small position in a big account never calls alone.
    const Account small{100'000.0, 0.0, {{"NVDA", 10.0, 150.0, 0.0}}};
    const MarginBook smallBook = describeMargin(small, cryptoList(), MarginPolicy{});
    QVERIFY(!singleNameCallMovePct(small, smallBook, 0));
}

void TestMargin::callProbability()
{
    // f = 16.67%, net long 240,000, sigma_p 6,000: z = -40,000 / 6,000.
    const auto p = callProbability1d(100.0 / 6.0, 240'000.0, 6'000.0);
    QVERIFY(p);
    QVERIFY(std::abs(*p - 0.5 * std::erfc(40'000.0 / 6'000.0 / std::sqrt(2.0))) < 1e-15);
    QVERIFY(!callProbability1d(std::nullopt, 240'000.0, 6'000.0));
    QVERIFY(!callProbability1d(10.0, -5.0, 6'000.0)); // not net long
    QVERIFY(!callProbability1d(10.0, 240'000.0, 0.0));
}

// SPEC 15: after an add to a long book whose prices stay at or above 2.50 under a fall of k,
// the fall to a call is at least k.
void TestMargin::addsNeverMarginCallWithinK()
{
    std::mt19937_64 rng(20260604);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* names[] = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"};
    int margined = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        Account account{20'000.0 + 200'000.0 * unit(rng), 1e9, {}};
        const int held = static_cast<int>(unit(rng) * 6);
        for (int i = 0; i < held; ++i)
            account.positions.push_back(
                {names[i], std::floor(1.0 + 2'000.0 * unit(rng)), 3.0 + 300.0 * unit(rng), 0.0});
        MarginPolicy policy;
        policy.callFallK = 0.15 * unit(rng); // prices from 3.00 stay at or above 2.50
        const double price = 3.0 + 300.0 * unit(rng);
        const RiskLimits wide{10.0, 2.0, 100.0}; // let the margin room be the one that binds
        const SizingResult r = sizeWith(account, names[6], price, 0.002, 0.01, policy,
                                        SizingMode::Enhanced, 0.5, wide);
        if (r.binding == BindingLimit::MaintenanceMargin)
            ++margined;
        if (r.qty == 0.0)
            continue;
        SizingContext context{account, wide, cryptoList()};
        context.margin = policy;
        const auto fall = marginCallFallAfterAdd(r, context);
        QVERIFY2(!fall || *fall >= 100.0 * policy.callFallK - 1e-9,
                 qPrintable(QStringLiteral("trial %1: fall %2 < k %3")
                                .arg(trial)
                                .arg(fall.value_or(-1))
                                .arg(policy.callFallK)));
    }
    QVERIFY(margined > 100); // the invariant was exercised where it binds
}

void TestMargin::fallMatchesBisectionOnRandomBooks()
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int trial = 0; trial < 300; ++trial) {
        Account account{50'000.0 + 100'000.0 * unit(rng), 0.0, {}};
        for (int i = 0; i < 4; ++i) {
            const bool isShort = unit(rng) < 0.3;
            const double qty = std::floor(1.0 + 20'000.0 * unit(rng)) * (isShort ? -1.0 : 1.0);
            account.positions.push_back(
                {"S" + std::to_string(i), qty, 1.0 + 30.0 * unit(rng), 0.0});
        }
        const auto exact =
            marginCallFallPct(account, describeMargin(account, cryptoList(), MarginPolicy{}));
        const auto bisected = bisectFall(account, MarginPolicy{});
        QCOMPARE(exact.has_value(), bisected.has_value());
        if (exact)
            QVERIFY2(std::abs(*exact - *bisected) < 1e-6,
                     qPrintable(QStringLiteral("trial %1: %2 vs %3")
                                    .arg(trial)
                                    .arg(*exact, 0, 'g', 12)
                                    .arg(*bisected, 0, 'g', 12)));
    }
}

void TestMargin::stressSpecExample()
{
    const Account account = nvdaBook();
    const MarginBook book = describeMargin(account, cryptoList(), MarginPolicy{});
    const StressOutcome down10 =
        runStressScenario(account, book, uniformMoveScenario(account, -10));
    QCOMPARE(QString::fromStdString(down10.name), QStringLiteral("move -10%"));
    QCOMPARE(down10.pnlUsd, -24'000.0);
    QCOMPARE(down10.equityAfterUsd, 76'000.0);
    QCOMPARE(down10.grossAfterUsd, 216'000.0);
    QVERIFY(std::abs(down10.maintenanceAfterUsd - 64'800.0) < 1e-9);
    QVERIFY(!down10.marginCall);
    QCOMPARE(down10.cureUsd, 0.0);
    const StressOutcome down20 =
        runStressScenario(account, book, uniformMoveScenario(account, -20));
    QCOMPARE(down20.equityAfterUsd, 52'000.0);
    QCOMPARE(down20.grossAfterUsd, 192'000.0);
    QVERIFY(std::abs(down20.maintenanceAfterUsd - 57'600.0) < 1e-9);
    QVERIFY(down20.marginCall);
    QVERIFY(std::abs(down20.cureUsd - 18'666.666666666667) < 1e-6);
    // E' <= 0: the whole gross must go.
    const StressOutcome wiped = runStressScenario(account, book, uniformMoveScenario(account, -50));
    QCOMPARE(wiped.equityAfterUsd, -20'000.0);
    QVERIFY(!wiped.leverageAfter);
    QCOMPARE(wiped.cureUsd, wiped.grossAfterUsd);
}

void TestMargin::stressShockUsesBetas()
{
    const Account account{
        100'000.0,
        0.0,
        {{"NVDA", 1000.0, 150.0, 0.0}, {"AAPL", 500.0, 200.0, 0.0}, {"ZZZ", 10.0, 10.0, 0.0}}};
    CorrelationBuild build;
    build.symbols = {"AAPL", "NVDA"};
    build.covarianceDaily = {0.0002, 0.0003, 0.0003, 0.0006};
    const auto betas = shockBetas(account, build, "NVDA");
    QVERIFY(betas);
    QCOMPARE(betas->size(), size_t{3});
    QCOMPARE((*betas)[0], 1.0);
    QCOMPARE((*betas)[1], 0.5);
    QCOMPARE((*betas)[2], 0.0); // outside the build
    const StressScenario shock = shockScenario("NVDA", -20.0, *betas);
    QCOMPARE(QString::fromStdString(shock.name), QStringLiteral("shock NVDA -20%"));
    const StressOutcome out =
        runStressScenario(account, describeMargin(account, cryptoList(), MarginPolicy{}), shock);
    QCOMPARE(out.pnlUsd, -150'000.0 * 0.2 - 100'000.0 * 0.1);
    QVERIFY(!shockBetas(account, build, "MSFT"));
}

void TestMargin::stressWorstHistoryDays()
{
    const Account account{
        100'000.0, 0.0, {{"NVDA", 100.0, 100.0, 0.0}, {"AAPL", -50.0, 200.0, 0.0}}};
    std::vector<PriceSeries> prices{
        {"NVDA", {"2026-01-02", "2026-01-05", "2026-01-06"}, {100.0, 90.0, 99.0}},
        {"AAPL", {"2026-01-02", "2026-01-06", "2026-01-07"}, {200.0, 220.0, 200.0}},
    };
    const auto scenarios = worstHistoryScenarios(account, prices, 2);
    QCOMPARE(scenarios.size(), size_t{2});
    // 01-06: NVDA +10% (+1,000), AAPL +10% short (-1,000): 0. 01-05: NVDA -10%: -1,000.
    // 01-07: AAPL -9.09% short: +909. Worst first: 01-05, then 01-06.
    QCOMPARE(QString::fromStdString(scenarios[0].name), QStringLiteral("2026-01-05"));
    QCOMPARE(QString::fromStdString(scenarios[1].name), QStringLiteral("2026-01-06"));
    QCOMPARE(scenarios[0].moves[1], 0.0); // AAPL had no close that day
}

QTEST_APPLESS_MAIN(TestMargin)
#include "tst_margin.moc"
