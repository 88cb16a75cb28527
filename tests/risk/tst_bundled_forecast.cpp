// Issue 11 / SPEC 2.4: the metrics-derived forecast of the bundled sample is in daily units.
// The expected figures were computed with pandas (last 250 simple returns of each file:
// sigma = std(ddof=1), mu = mean, base = min(0.5 |mu| / sigma^2, 1)), not with this code.
#include "risk/Correlation.h"
#include "risk/PriceFile.h"
#include "sizing/Sizing.h"

#include <QTest>
#include <algorithm>
#include <cmath>

using namespace kelly;

class TestBundledForecast : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void derivedForecast_data();
    void derivedForecast();

private:
    CorrelationBuild m_build;
};

void TestBundledForecast::initTestCase()
{
    const auto prices = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    QVERIFY2(prices.ok(), prices.ok() ? "" : prices.error().describe().c_str());
    m_build = buildCorrelation(prices.value());
}

void TestBundledForecast::derivedForecast_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("sigmaDaily");
    QTest::addColumn<double>("muDaily");
    QTest::addColumn<double>("baseFraction");
    QTest::addColumn<double>("expectedQty"); // enhanced @ 100, E 100,000, BP 400,000, flat

    // The old units (annual Sharpe x daily sigma) pinned every one of these at base 1.0.
    QTest::newRow("AAPL") << "AAPL" << 0.0199912185371 << 0.000739050638156 << 0.924625075526
                          << 2400.0; // symbol room binds
    QTest::newRow("AMZN") << "AMZN" << 0.0220126492651 << 0.000444972279148 << 0.459153958393
                          << 1836.0;
    QTest::newRow("META") << "META" << 0.0243720458174 << 0.000197386158814 << 0.166150911517
                          << 664.0;
    QTest::newRow("NVDA: capped at 1")
        << "NVDA" << 0.0258397039152 << 0.00213480385639 << 1.0 << 2400.0;
    QTest::newRow("ETHUSD: crypto, negative mean")
        << "ETHUSD" << 0.0378009984203 << -0.00125809190653 << 0.440226144496 << 440.226;
}

void TestBundledForecast::derivedForecast()
{
    QFETCH(QString, symbol);
    QFETCH(double, sigmaDaily);
    QFETCH(double, muDaily);
    QFETCH(double, baseFraction);
    QFETCH(double, expectedQty);

    const auto it = std::find(m_build.symbols.begin(), m_build.symbols.end(), symbol.toStdString());
    QVERIFY(it != m_build.symbols.end());
    const VolatilityMetrics& metrics = m_build.metrics[std::size_t(it - m_build.symbols.begin())];

    const CryptoList crypto;
    const Account account{100'000.0, 400'000.0, {}};
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, &metrics, nullptr};
    const auto r = sizeEnhanced({symbol.toStdString(), 100.0, {}, {}}, context);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
    // pandas printed 12 significant digits.
    const auto near = [](double a, double b) {
        return std::abs(a - b) <= 1e-10 * std::abs(b);
    };
    QVERIFY2(near(*r->sigmaDaily, sigmaDaily), QByteArray::number(*r->sigmaDaily, 'g', 15));
    QVERIFY2(near(*r->muDaily, muDaily), QByteArray::number(*r->muDaily, 'g', 15));
    QVERIFY2(near(*r->baseFraction, baseFraction), QByteArray::number(*r->baseFraction, 'g', 15));
    QCOMPARE(r->qty, expectedQty);
}

QTEST_APPLESS_MAIN(TestBundledForecast)
#include "tst_bundled_forecast.moc"
