// SPEC 5 correlation, covariance, volatility metrics and cluster order on hand-built series
// whose answers are known or computed here by the textbook two-pass formula.
#include "CorrelationTestSeries.h"
#include "risk/Correlation.h"
#include "risk/PriceFile.h"

#include <Eigen/Eigenvalues>
#include <QTest>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <random>

using namespace kelly;
using namespace kelly::test;

namespace {

double smallestEigenvalue(const std::vector<double>& rowMajor, std::size_t n)
{
    Eigen::MatrixXd m(n, n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rowMajor[i * n + j];
    return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly)
        .eigenvalues()
        .minCoeff();
}

std::vector<double> blanksAsZero(const CorrelationBuild& build)
{
    std::vector<double> out;
    for (const auto& cell : build.correlation)
        out.push_back(cell.value_or(0.0));
    return out;
}

// The textbook average-linkage scan (every pair, every merge) that clusterOrder's cached
// nearest neighbours must reproduce exactly, ties included.
std::vector<int> plainClusterOrder(const std::vector<double>& rho, std::size_t n)
{
    std::vector<double> d(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            d[i * n + j] = i == j ? 0.0 : 1.0 - (std::isnan(rho[i * n + j]) ? 0.0 : rho[i * n + j]);
    std::vector<std::vector<int>> leaves(n);
    std::vector<double> sizes(n, 1.0);
    std::vector<bool> active(n, true);
    for (std::size_t i = 0; i < n; ++i)
        leaves[i] = {static_cast<int>(i)};
    for (std::size_t merge = 1; merge < n; ++merge) {
        std::size_t a0 = 0, b0 = 0;
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t a = 0; a < n; ++a)
            for (std::size_t b = a + 1; b < n; ++b)
                if (active[a] && active[b] && d[a * n + b] < best) {
                    best = d[a * n + b];
                    a0 = a;
                    b0 = b;
                }
        for (std::size_t k = 0; k < n; ++k)
            if (active[k] && k != a0 && k != b0)
                d[a0 * n + k] = d[k * n + a0] =
                    (sizes[a0] * d[a0 * n + k] + sizes[b0] * d[b0 * n + k]) /
                    (sizes[a0] + sizes[b0]);
        sizes[a0] += sizes[b0];
        leaves[a0].insert(leaves[a0].end(), leaves[b0].begin(), leaves[b0].end());
        active[b0] = false;
    }
    return leaves[0];
}

} // namespace

class TestCorrelation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaledReturnsCorrelateFully_data();
    void scaledReturnsCorrelateFully();
    void constantSeriesIsBlank();
    void minimumObservations_data();
    void minimumObservations();
    void lookbackWindow_data();
    void lookbackWindow();
    void gapHeavyCryptoStockMix();
    void covarianceStaysPsdWhenPairsDisagree();
    void repairedCovarianceIsExactlySymmetric();
    void volatilityMetrics_data();
    void volatilityMetrics();
    void clusterOrderGroupsCorrelated_data();
    void clusterOrderGroupsCorrelated();
    void clusterOrderMatchesPlainScan();
    void lookbackValidation();
    void emptyInput();
    void bundledSampleBuildIsSane();
};

void TestCorrelation::scaledReturnsCorrelateFully_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("expectedRho");
    QTest::newRow("identical returns") << 1.0 << 1.0;
    QTest::newRow("doubled returns") << 2.0 << 1.0;
    QTest::newRow("opposite returns") << -1.0 << -1.0;
    QTest::newRow("opposite, halved") << -0.5 << -1.0;
}

void TestCorrelation::scaledReturnsCorrelateFully()
{
    QFETCH(double, factor);
    QFETCH(double, expectedRho);
    const auto days = dayRange(0, 60);
    const std::vector<PriceSeries> all{
        makeSeries("A", days, wiggle),
        makeSeries("B", days, [factor](int d) { return factor * wiggle(d); })};
    const CorrelationBuild build = buildCorrelation(all);
    QCOMPARE(build.symbols, (std::vector<std::string>{"A", "B"}));
    QVERIFY(build.correlation[1].has_value());
    QVERIFY(std::abs(*build.correlation[1] - expectedRho) < 1e-12);
    QCOMPARE(*build.correlation[1], *build.correlation[2]);
    QCOMPARE(*build.correlation[0], 1.0);
    QCOMPARE(build.observations[1], 60);
    QVERIFY(smallestEigenvalue(build.covarianceDaily, 2) >= -1e-12);
    // The diagonal is each symbol's own variance: the shrinkage only touches covariances.
    const double sigmaA = build.metrics[0].annualizedVolatility / std::sqrt(kAnnualizationDays);
    QVERIFY(std::abs(build.covarianceDaily[0] - sigmaA * sigmaA) < 1e-15);
}

void TestCorrelation::constantSeriesIsBlank()
{
    const auto days = dayRange(0, 40);
    const std::vector<PriceSeries> all{makeSeries("FLAT", days, [](int) { return 0.0; }),
                                       makeSeries("LIVE", days, wiggle),
                                       makeSeries("DRIFT", days, [](int) { return 0.001; })};
    const CorrelationBuild build = buildCorrelation(all);
    for (std::size_t j = 0; j < 3; ++j) {
        QVERIFY(!build.correlation[0 * 3 + j].has_value()); // FLAT row
        QVERIFY(!build.correlation[2 * 3 + j].has_value()); // constant return: also flat
        QCOMPARE(build.covarianceDaily[0 * 3 + j], 0.0);
    }
    QCOMPARE(build.correlation[1 * 3 + 1], std::optional<double>(1.0));
    QCOMPARE(build.observations[0 * 3 + 1], 40);
    QCOMPARE(build.metrics[0].annualizedVolatility, 0.0);
    QVERIFY(!build.metrics[0].sharpeRatio.has_value());
    QCOMPARE(build.metrics[0].maxDrawdown, 0.0);
    QVERIFY(build.covarianceDaily[1 * 3 + 1] > 0.0);
}

void TestCorrelation::minimumObservations_data()
{
    QTest::addColumn<int>("overlap");
    QTest::newRow("19 common returns: blank") << 19;
    QTest::newRow("20 common returns: a value") << 20;
    QTest::newRow("21 common returns: a value") << 21;
    QTest::newRow("no overlap at all") << 0;
}

void TestCorrelation::minimumObservations()
{
    QFETCH(int, overlap);
    // A returns on days 1..99; B's first close is day 99 - overlap, so it shares `overlap`.
    const std::vector<PriceSeries> all{makeSeries("A", dayRange(0, 99), wiggle),
                                       makeSeries("B", dayRange(99 - overlap, 140), otherWiggle)};
    const CorrelationBuild build = buildCorrelation(all, 1000);
    QCOMPARE(build.observations[1], overlap);
    QCOMPARE(build.correlation[1].has_value(), overlap >= kMinCorrelationObservations);
    compareWithNaive(all, build);
    QVERIFY(smallestEigenvalue(build.covarianceDaily, 2) >= -1e-12);
}

void TestCorrelation::lookbackWindow_data()
{
    QTest::addColumn<int>("lookback");
    QTest::addColumn<int>("lateStart"); // first close day of a third series
    QTest::addColumn<int>("expectedUsedA");
    QTest::addColumn<int>("expectedUsedLate");
    // 301 dates: days 0..300. A has 300 returns.
    QTest::newRow("lookback 50, late series inside") << 50 << 270 << 50 << 30;
    QTest::newRow("lookback 50, late series too short") << 50 << 285 << 50 << 15;
    QTest::newRow("lookback 250") << 250 << 100 << 250 << 200;
    QTest::newRow("lookback past the history") << 5000 << 100 << 300 << 200;
    QTest::newRow("lookback 1: the newest date only") << 1 << 100 << 1 << 1;
}

void TestCorrelation::lookbackWindow()
{
    QFETCH(int, lookback);
    QFETCH(int, lateStart);
    QFETCH(int, expectedUsedA);
    QFETCH(int, expectedUsedLate);
    const std::vector<PriceSeries> all{makeSeries("A", dayRange(0, 300), wiggle),
                                       makeSeries("B", dayRange(0, 300), otherWiggle),
                                       makeSeries("LATE", dayRange(lateStart, 300), [](int d) {
                                           return wiggle(d) + 0.5 * otherWiggle(d + 3);
                                       })};
    const CorrelationBuild build = buildCorrelation(all, lookback);
    QCOMPARE(build.lookback, lookback);
    QCOMPARE(build.quality[0].returnsUsed, expectedUsedA);
    QCOMPARE(build.quality[2].returnsUsed, expectedUsedLate);
    QCOMPARE(build.quality[2].firstDate, isoDay(kDay0 + lateStart));
    QCOMPARE(build.quality[2].lastDate, isoDay(kDay0 + 300));
    QCOMPARE(build.metrics[0].returnsUsed, std::min(lookback, 300));
    compareWithNaive(all, build);
}

void TestCorrelation::gapHeavyCryptoStockMix()
{
    // Crypto trades every day; stocks on weekdays without "holidays" (every 11th weekday);
    // a second stock also halts for 30 days.
    std::vector<int> everyDay = dayRange(0, 399), weekdays, halted;
    for (int d : everyDay)
        if (d % 7 < 5 && d % 11 != 3) {
            weekdays.push_back(d);
            if (d < 200 || d > 230)
                halted.push_back(d);
        }
    const std::vector<PriceSeries> all{
        makeSeries("BTCUSD", everyDay, wiggle),
        makeSeries("NVDA", weekdays, [](int d) { return 0.7 * wiggle(d) + otherWiggle(d); }),
        makeSeries("HALT", halted, [](int d) { return otherWiggle(d) - 0.2 * wiggle(d - 1); }),
        makeSeries("ETHUSD", everyDay, [](int d) { return 1.5 * wiggle(d) + 0.01 * std::sin(d); })};
    const CorrelationBuild build = buildCorrelation(all, 250);
    compareWithNaive(all, build);
    QCOMPARE(build.quality[0].missing, 0);
    QVERIFY(build.quality[1].missing > 70); // weekends and holidays
    QVERIFY(smallestEigenvalue(build.covarianceDaily, 4) >= -1e-12);
    QVERIFY(build.shrinkage >= 0.0 && build.shrinkage <= 1.0);
}

void TestCorrelation::covarianceStaysPsdWhenPairsDisagree()
{
    // Pairwise-complete data can be inconsistent: A~B = 1 on days 1..30, B~C = 1 on days
    // 31..60, A~C = -1 on days 69..100. That correlation matrix has eigenvalue -1.
    auto c = [](int d) {
        return d <= 60 ? otherWiggle(d) : -wiggle(d);
    };
    std::vector<int> aDays = dayRange(0, 30);
    for (int d = 69; d <= 100; ++d)
        aDays.push_back(d);
    const std::vector<PriceSeries> all{
        makeSeries("A", aDays, wiggle),
        makeSeries("B", dayRange(0, 60),
                   [](int d) { return d <= 30 ? wiggle(d) : otherWiggle(d); }),
        makeSeries("C", dayRange(30, 100), c)};
    const CorrelationBuild build = buildCorrelation(all, 1000);
    compareWithNaive(all, build);
    QVERIFY(smallestEigenvalue(blanksAsZero(build), 3) < -0.99); // the case is really non-PSD
    QVERIFY(build.shrinkage >= 0.0 && build.shrinkage <= 1.0);
    QVERIFY(smallestEigenvalue(build.covarianceDaily, 3) >= -1e-12);
    // The repair keeps each symbol's variance and the signs the data showed.
    auto impliedRho = [&](std::size_t i, std::size_t j) {
        return build.covarianceDaily[i * 3 + j] /
               std::sqrt(build.covarianceDaily[i * 3 + i] * build.covarianceDaily[j * 3 + j]);
    };
    for (std::size_t i = 0; i < 3; ++i) {
        const double sigma = build.metrics[i].annualizedVolatility / std::sqrt(kAnnualizationDays);
        QVERIFY(build.quality[i].returnsUsed == build.metrics[i].returnsUsed);
        QVERIFY(std::abs(build.covarianceDaily[i * 3 + i] - sigma * sigma) < 1e-15);
    }
    QVERIFY(impliedRho(0, 1) > 0.0);
    QVERIFY(impliedRho(1, 2) > 0.0);
    QVERIFY(impliedRho(0, 2) < 0.0);
}

// Twenty noisy copies of the disagreeing triplet above: 60 symbols whose pairwise matrix
// stays indefinite after shrinkage, so the eigenvalue repair runs on many directions at
// once. The store keeps one triangle and the parts, so the result must be symmetric to the
// bit, PSD, and rebuilt exactly from its parts.
void TestCorrelation::repairedCovarianceIsExactlySymmetric()
{
    std::mt19937 random(20261126);
    std::uniform_real_distribution<double> noise(-0.002, 0.002);
    std::vector<int> aDays = dayRange(0, 30);
    for (int d = 69; d <= 100; ++d)
        aDays.push_back(d);
    std::vector<PriceSeries> all;
    for (int copy = 0; copy < 20; ++copy) {
        std::vector<double> jitter(101);
        for (double& j : jitter)
            j = noise(random);
        const std::string suffix = std::to_string(copy);
        all.push_back(makeSeries("A" + suffix, aDays,
                                 [jitter](int d) { return wiggle(d) + jitter[std::size_t(d)]; }));
        all.push_back(makeSeries("B" + suffix, dayRange(0, 60), [jitter](int d) {
            return (d <= 30 ? wiggle(d) : otherWiggle(d)) + jitter[std::size_t(d)];
        }));
        all.push_back(makeSeries("C" + suffix, dayRange(30, 100), [jitter](int d) {
            return (d <= 60 ? otherWiggle(d) : -wiggle(d)) + jitter[std::size_t(d)];
        }));
    }
    const CorrelationBuild build = buildCorrelation(all, 1000);
    const std::size_t n = build.symbols.size();
    QVERIFY(smallestEigenvalue(blanksAsZero(build), n) < -0.1); // the repair has work to do
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            QCOMPARE(build.covarianceDaily[i * n + j], build.covarianceDaily[j * n + i]);
            QCOMPARE(build.correlation[i * n + j], build.correlation[j * n + i]);
            QCOMPARE(build.observations[i * n + j], build.observations[j * n + i]);
        }
    QVERIFY(smallestEigenvalue(build.covarianceDaily, n) >= -1e-12);
    // The parts a store keeps give back the very same covariance.
    QVERIFY(!build.covarianceLift.empty());
    QCOMPARE(build.covarianceLift.size() % n, std::size_t(0));
    QCOMPARE(assembleCovariance(build), build.covarianceDaily);
    CorrelationBuild partsMissing = build;
    partsMissing.dailyVolatility.pop_back();
    QVERIFY(assembleCovariance(partsMissing).empty());
    partsMissing = build;
    partsMissing.covarianceLift.pop_back();
    QVERIFY(assembleCovariance(partsMissing).empty());
}

void TestCorrelation::volatilityMetrics_data()
{
    QTest::addColumn<QList<double>>("closes");
    QTest::addColumn<int>("lookback");
    QTest::addColumn<double>("stdDaily");
    QTest::addColumn<double>("downsideStdDaily");
    QTest::addColumn<double>("meanDaily"); // NaN: no Sharpe
    QTest::addColumn<double>("var95");
    QTest::addColumn<double>("maxDrawdown");
    QTest::addColumn<int>("returnsUsed");
    const double nan = std::nan("");
    // Returns 0.1, -0.1, 0, 0.1: mean 0.025, sum of squared deviations 0.0275.
    const QList<double> walk{100, 110, 99, 99, 108.9};
    QTest::newRow("four returns") << walk << 250 << std::sqrt(0.0275 / 3) << 0.0 << 0.025
                                  << -0.1 + 0.15 * 0.1 << 99.0 / 110.0 - 1.0 << 4;
    // The last two returns (0, 0.1) over the closes 99, 99, 108.9: no fall inside.
    QTest::newRow("lookback 2 drops the fall")
        << walk << 2 << std::sqrt(0.005) << 0.0 << 0.05 << 0.005 << 0.0 << 2;
    // Returns -0.1, -0.2, 0.5 (mean 0.2 / 3); std of the negatives (-0.1, -0.2) = sqrt(0.005).
    QTest::newRow("two negative returns")
        << QList<double>{100, 90, 72, 108} << 250
        << std::sqrt((0.01 + 0.04 + 0.25 - 3.0 * (0.2 / 3.0) * (0.2 / 3.0)) / 2.0)
        << std::sqrt(0.005) << 0.2 / 3.0 << -0.2 + 0.1 * 0.1 << -0.28 << 3;
    QTest::newRow("one close: nothing to measure")
        << QList<double>{100} << 250 << 0.0 << 0.0 << nan << 0.0 << 0.0 << 0;
    QTest::newRow("one return: no std")
        << QList<double>{100, 80} << 250 << 0.0 << 0.0 << nan << -0.2 << -0.2 << 1;
}

void TestCorrelation::volatilityMetrics()
{
    QFETCH(QList<double>, closes);
    QFETCH(int, lookback);
    QFETCH(double, stdDaily);
    QFETCH(double, downsideStdDaily);
    QFETCH(double, meanDaily);
    QFETCH(double, var95);
    QFETCH(double, maxDrawdown);
    QFETCH(int, returnsUsed);
    const VolatilityMetrics m =
        computeVolatilityMetrics(std::vector<double>(closes.begin(), closes.end()), lookback);
    const double annualize = std::sqrt(kAnnualizationDays);
    QCOMPARE(m.returnsUsed, returnsUsed);
    QVERIFY(std::abs(m.annualizedVolatility - stdDaily * annualize) < 1e-12);
    QVERIFY(std::abs(m.downsideVolatility - downsideStdDaily * annualize) < 1e-12);
    QCOMPARE(m.sharpeRatio.has_value(), !std::isnan(meanDaily));
    if (m.sharpeRatio)
        QVERIFY(std::abs(*m.sharpeRatio - meanDaily / stdDaily * annualize) < 1e-9);
    QVERIFY2(std::abs(m.var95 - var95) < 1e-12, qPrintable(QString::number(m.var95, 'g', 17)));
    QVERIFY(std::abs(m.maxDrawdown - maxDrawdown) < 1e-12);
    QCOMPARE(metricsUsableForSizing(m), returnsUsed >= 2);
}

void TestCorrelation::clusterOrderGroupsCorrelated_data()
{
    QTest::addColumn<QStringList>("symbols");
    QTest::addColumn<QList<double>>("rho"); // row-major; NaN = blank
    QTest::addColumn<QList<int>>("expected");
    const double blank = std::nan("");
    // A~B and C~D, symbols interleaved: the order brings the pairs together.
    QTest::newRow("two pairs interleaved")
        << QStringList{QStringLiteral("A"), QStringLiteral("C"), QStringLiteral("B"),
                       QStringLiteral("D")}
        << QList<double>{1, 0.1, 0.9, 0.0, 0.1, 1, 0.05, 0.8, 0.9, 0.05, 1, 0.1, 0.0, 0.8, 0.1, 1}
        << QList<int>{0, 2, 1, 3};
    // A blank counts as rho = 0: X stays apart from the correlated Y-Z pair.
    QTest::newRow("blank counts as unrelated")
        << QStringList{QStringLiteral("X"), QStringLiteral("Y"), QStringLiteral("Z")}
        << QList<double>{blank, blank, blank, blank, 1, 0.7, blank, 0.7, 1} << QList<int>{0, 1, 2};
    QTest::newRow("anti-correlated is far")
        << QStringList{QStringLiteral("P"), QStringLiteral("Q"), QStringLiteral("R")}
        << QList<double>{1, -0.9, 0.3, -0.9, 1, -0.2, 0.3, -0.2, 1} << QList<int>{0, 2, 1};
    QTest::newRow("one symbol") << QStringList{QStringLiteral("S")} << QList<double>{1}
                                << QList<int>{0};
}

void TestCorrelation::clusterOrderGroupsCorrelated()
{
    QFETCH(QStringList, symbols);
    QFETCH(QList<double>, rho);
    QFETCH(QList<int>, expected);
    CorrelationBuild build;
    for (const QString& s : symbols)
        build.symbols.push_back(s.toStdString());
    for (double r : rho)
        build.correlation.push_back(std::isnan(r) ? std::nullopt : std::optional<double>(r));
    const std::vector<int> order = clusterOrder(build);
    QCOMPARE(QList<int>(order.begin(), order.end()), expected);
}

void TestCorrelation::clusterOrderMatchesPlainScan()
{
    std::mt19937 random(4);
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = 2 + static_cast<std::size_t>(trial % 37);
        // Correlations on a coarse grid (many ties) with some blanks.
        std::uniform_int_distribution<int> step(-10, 10);
        std::vector<double> rho(n * n, 1.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < i; ++j) {
                const int s = step(random);
                rho[i * n + j] = rho[j * n + i] = s == 10 ? std::nan("") : s / 10.0;
            }
        CorrelationBuild build;
        for (std::size_t i = 0; i < n; ++i)
            build.symbols.push_back("S" + std::to_string(i));
        for (double r : rho)
            build.correlation.push_back(std::isnan(r) ? std::nullopt : std::optional<double>(r));
        QCOMPARE(clusterOrder(build), plainClusterOrder(rho, n));
    }
}

void TestCorrelation::lookbackValidation()
{
    QVERIFY(checkLookback(0).has_value());
    QCOMPARE(checkLookback(-5)->field, std::string("lookback"));
    QVERIFY(!checkLookback(1).has_value());
    QVERIFY(!checkLookback(kDefaultLookback).has_value());
}

void TestCorrelation::emptyInput()
{
    const CorrelationBuild build = buildCorrelation({});
    QVERIFY(build.symbols.empty());
    QVERIFY(build.correlation.empty());
    QVERIFY(clusterOrder(build).empty());
}

void TestCorrelation::bundledSampleBuildIsSane()
{
    const auto prices = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    QVERIFY2(prices.ok(), prices.ok() ? "" : prices.error().describe().c_str());
    const CorrelationBuild build = buildCorrelation(prices.value());
    const std::size_t n = build.symbols.size();
    QCOMPARE(n, std::size_t(12));
    QCOMPARE(build.covarianceDaily.size(), n * n);
    for (std::size_t i = 0; i < n; ++i) {
        QCOMPARE(build.correlation[i * n + i], std::optional<double>(1.0));
        QVERIFY(build.metrics[i].annualizedVolatility > 0.0);
        QVERIFY(metricsUsableForSizing(build.metrics[i]));
        for (std::size_t j = 0; j < n; ++j) {
            const auto rho = build.correlation[i * n + j];
            QVERIFY(rho.has_value() && std::abs(*rho) <= 1.0);
            QCOMPARE(rho, build.correlation[j * n + i]);
            QVERIFY(std::isfinite(build.covarianceDaily[i * n + j]));
            QCOMPARE(build.covarianceDaily[i * n + j], build.covarianceDaily[j * n + i]);
        }
    }
    QVERIFY(smallestEigenvalue(build.covarianceDaily, n) >= -1e-12);
    QCOMPARE(assembleCovariance(build), build.covarianceDaily);
    std::vector<int> order = clusterOrder(build);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < n; ++i)
        QCOMPARE(order[i], static_cast<int>(i)); // a permutation of every symbol
}

QTEST_GUILESS_MAIN(TestCorrelation)
#include "tst_correlation.moc"
