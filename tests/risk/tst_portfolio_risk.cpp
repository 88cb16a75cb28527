// SPEC 5 portfolio risk: sigma, 1-day VaR 95% and effective bets of a book against a build.
#include "risk/Correlation.h"
#include "risk/PortfolioRisk.h"
#include "risk/PriceFile.h"

#include <QTest>
#include <cmath>

using namespace kelly;

namespace {

// A two-symbol build with a known covariance: sigma 2% and 3%, rho 0.5.
CorrelationBuild twoSymbolBuild()
{
    CorrelationBuild build;
    build.symbols = {"AAA", "BBB"};
    build.correlation = {1.0, 0.5, 0.5, 1.0};
    build.observations = {250, 250, 250, 250};
    build.covarianceDaily = {0.02 * 0.02, 0.5 * 0.02 * 0.03, 0.5 * 0.02 * 0.03, 0.03 * 0.03};
    return build;
}

Position position(const std::string& symbol, double qty, double priceUsd)
{
    return Position{symbol, qty, priceUsd, priceUsd};
}

} // namespace

class TestPortfolioRisk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onePositionVarOnRealBuild_data();
    void onePositionVarOnRealBuild();
    void twoPositions_data();
    void twoPositions();
    void effectiveBets_data();
    void effectiveBets();
    void uncoveredSymbolsAreReported();
    void emptyBook();
    void whatIfAddsToTheBook();
};

void TestPortfolioRisk::onePositionVarOnRealBuild_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("qty");
    QTest::addColumn<double>("priceUsd");
    QTest::newRow("long NVDA") << QStringLiteral("NVDA") << 100.0 << 150.0;
    QTest::newRow("short SPY") << QStringLiteral("SPY") << -40.0 << 560.0;
    QTest::newRow("fractional BTCUSD") << QStringLiteral("BTCUSD") << 0.25 << 80000.0;
}

void TestPortfolioRisk::onePositionVarOnRealBuild()
{
    QFETCH(QString, symbol);
    QFETCH(double, qty);
    QFETCH(double, priceUsd);
    const auto prices = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    QVERIFY2(prices.ok(), prices.ok() ? "" : prices.error().describe().c_str());
    const CorrelationBuild build = buildCorrelation(prices.value());
    const auto column = static_cast<std::size_t>(
        std::find(build.symbols.begin(), build.symbols.end(), symbol.toStdString()) -
        build.symbols.begin());
    QVERIFY(column < build.symbols.size());
    const double sigmaDaily =
        std::sqrt(build.covarianceDaily[column * build.symbols.size() + column]);
    QVERIFY(sigmaDaily > 0.0);

    const Account account{100'000.0, 400'000.0, {position(symbol.toStdString(), qty, priceUsd)}};
    const PortfolioRisk risk = computePortfolioRisk(account, build);
    const double valueUsd = std::abs(qty * priceUsd);
    QVERIFY(risk.sigmaDailyUsd.has_value());
    QVERIFY(std::abs(*risk.sigmaDailyUsd - sigmaDaily * valueUsd) < 1e-9 * valueUsd);
    QVERIFY(std::abs(*risk.var95Usd - 1.645 * sigmaDaily * valueUsd) < 1e-9 * valueUsd);
    QCOMPARE(*risk.effectiveBets, 1.0);
    QVERIFY(risk.uncovered.empty());
}

void TestPortfolioRisk::twoPositions_data()
{
    QTest::addColumn<double>("valueA");
    QTest::addColumn<double>("valueB");
    QTest::newRow("both long") << 10'000.0 << 20'000.0;
    QTest::newRow("long and short hedge") << 10'000.0 << -20'000.0;
    QTest::newRow("both short") << -5'000.0 << -5'000.0;
}

void TestPortfolioRisk::twoPositions()
{
    QFETCH(double, valueA);
    QFETCH(double, valueB);
    const Account account{
        100'000.0,
        0.0,
        {position("AAA", valueA / 100.0, 100.0), position("BBB", valueB / 50.0, 50.0)}};
    const PortfolioRisk risk = computePortfolioRisk(account, twoSymbolBuild());
    // v' S v written out: a^2 s1^2 + b^2 s2^2 + 2 a b rho s1 s2.
    const double variance = valueA * valueA * 0.0004 + valueB * valueB * 0.0009 +
                            2.0 * valueA * valueB * 0.5 * 0.02 * 0.03;
    QVERIFY(std::abs(*risk.sigmaDailyUsd - std::sqrt(variance)) < 1e-9);
    QVERIFY(std::abs(*risk.var95Usd - kVar95ZScore * std::sqrt(variance)) < 1e-9);
}

void TestPortfolioRisk::effectiveBets_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("expected");
    QTest::newRow("one position") << QList<double>{5000} << 1.0;
    QTest::newRow("four equal") << QList<double>{100, 100, 100, 100} << 4.0;
    QTest::newRow("three to one") << QList<double>{300, 100} << 1.0 / (0.75 * 0.75 + 0.25 * 0.25);
    QTest::newRow("shorts count by size") << QList<double>{-100, 100} << 2.0;
    QTest::newRow("zero quantity is not a bet") << QList<double>{100, 0, 100} << 2.0;
}

void TestPortfolioRisk::effectiveBets()
{
    QFETCH(QList<double>, values);
    QFETCH(double, expected);
    Account account{100'000.0, 0.0, {}};
    for (qsizetype i = 0; i < values.size(); ++i)
        account.positions.push_back(position("S" + std::to_string(i), values[i] / 10.0, 10.0));
    const PortfolioRisk risk = computePortfolioRisk(account, twoSymbolBuild());
    QVERIFY(risk.effectiveBets.has_value());
    QVERIFY(std::abs(*risk.effectiveBets - expected) < 1e-12);
}

void TestPortfolioRisk::uncoveredSymbolsAreReported()
{
    const Account account{
        100'000.0,
        0.0,
        {position("AAA", 100, 100), position("ZZZ", 50, 200), position("YYY", 1, 1)}};
    const PortfolioRisk risk = computePortfolioRisk(account, twoSymbolBuild());
    QCOMPARE(risk.uncovered, (std::vector<std::string>{"ZZZ", "YYY"}));
    // Risk counts what the build covers; bets weigh every position (10,000, 10,000, 1).
    QVERIFY(std::abs(*risk.sigmaDailyUsd - 10'000.0 * 0.02) < 1e-9);
    const double gross = 20'001.0;
    const double sumW2 = (1e8 + 1e8 + 1.0) / (gross * gross);
    QVERIFY(std::abs(*risk.effectiveBets - 1.0 / sumW2) < 1e-12);

    const Account nothingCovered{100'000.0, 0.0, {position("ZZZ", 50, 200)}};
    const PortfolioRisk none = computePortfolioRisk(nothingCovered, twoSymbolBuild());
    QVERIFY(!none.sigmaDailyUsd.has_value());
    QVERIFY(!none.var95Usd.has_value());
    QCOMPARE(none.uncovered, std::vector<std::string>{"ZZZ"});

    const Account badMark{100'000.0, 0.0, {position("AAA", 10, std::nan(""))}};
    const PortfolioRisk bad = computePortfolioRisk(badMark, twoSymbolBuild());
    QCOMPARE(bad.uncovered, std::vector<std::string>{"AAA"});
    QVERIFY(!bad.sigmaDailyUsd.has_value());
    QVERIFY(!bad.effectiveBets.has_value());
}

void TestPortfolioRisk::emptyBook()
{
    const PortfolioRisk risk = computePortfolioRisk(Account{100'000.0, 0.0, {}}, twoSymbolBuild());
    QCOMPARE(*risk.sigmaDailyUsd, 0.0);
    QCOMPARE(*risk.var95Usd, 0.0);
    QVERIFY(!risk.effectiveBets.has_value());
}

void TestPortfolioRisk::whatIfAddsToTheBook()
{
    const Account account{100'000.0, 0.0, {position("AAA", 100, 100)}};
    // Adding 200 BBB at 50 (value 10,000) to 10,000 of AAA.
    const PortfolioRisk added = computeWhatIfRisk(account, twoSymbolBuild(), "bbb", 200, 50);
    const double variance = 1e8 * 0.0004 + 1e8 * 0.0009 + 2.0 * 1e8 * 0.5 * 0.02 * 0.03;
    QVERIFY(std::abs(*added.sigmaDailyUsd - std::sqrt(variance)) < 1e-9);
    QCOMPARE(*added.effectiveBets, 2.0);
    // Selling the whole AAA position at a new price leaves nothing at risk.
    const PortfolioRisk closed = computeWhatIfRisk(account, twoSymbolBuild(), "AAA", -100, 120);
    QCOMPARE(*closed.sigmaDailyUsd, 0.0);
    // Issue 26: adding 50 AAA at 120 values the order at 120 and the held 100 at their
    // mark 100: 10,000 + 6,000 = 16,000 (not 150 x 120 = 18,000).
    const PortfolioRisk more = computeWhatIfRisk(account, twoSymbolBuild(), "AAA", 50, 120);
    QVERIFY(std::abs(*more.sigmaDailyUsd - 16'000.0 * 0.02) < 1e-9);
    // An order of 0 at any typed price leaves the risk where it is.
    const PortfolioRisk none = computeWhatIfRisk(account, twoSymbolBuild(), "AAA", 0, 300);
    QVERIFY(std::abs(*none.sigmaDailyUsd - 10'000.0 * 0.02) < 1e-9);
    // The original book is untouched.
    QCOMPARE(account.positions.size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestPortfolioRisk)
#include "tst_portfolio_risk.moc"
