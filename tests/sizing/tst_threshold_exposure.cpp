// SPEC 4 (risk threshold across New York midnight) and SPEC 6 (leverage, close, financing).
#include "sizing/Exposure.h"
#include "sizing/RiskThreshold.h"

#include <QTest>

using namespace kelly;
using namespace std::chrono;

namespace {

UtcTime utc(int y, unsigned m, unsigned d, int hh, int mm = 0, int ss = 0)
{
    return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

} // namespace

class TestThresholdExposure : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newYorkClock();
    void threshold_data();
    void threshold();
    void exposureFigures();
    void fridayCloseWarningAndThreeNights();
    void cashAccountLimitOfOne();
    void noEquityHasNoRatios();
};

void TestThresholdExposure::newYorkClock()
{
    // Winter: EST, UTC-5. Summer: EDT, UTC-4. Switch days of 2026: Mar 8 and Nov 1.
    QCOMPARE(newyork::utcOffset(utc(2026, 1, 15, 12)), seconds{hours{-5}});
    QCOMPARE(newyork::utcOffset(utc(2026, 7, 15, 12)), seconds{hours{-4}});
    QCOMPARE(newyork::utcOffset(utc(2026, 3, 8, 6, 59, 59)), seconds{hours{-5}});
    QCOMPARE(newyork::utcOffset(utc(2026, 3, 8, 7)), seconds{hours{-4}});
    QCOMPARE(newyork::utcOffset(utc(2026, 11, 1, 5, 59, 59)), seconds{hours{-4}});
    QCOMPARE(newyork::utcOffset(utc(2026, 11, 1, 6)), seconds{hours{-5}});
    // 22:00 in New York on Nov 24 is 03:00 UTC on Nov 25; its midnight is 05:00 UTC Nov 24.
    QCOMPARE(newyork::startOfDay(utc(2026, 11, 25, 3)), utc(2026, 11, 24, 5));
    QCOMPARE(newyork::startOfDay(utc(2026, 7, 1, 4)), utc(2026, 7, 1, 4));
    QCOMPARE(newyork::startOfDay(utc(2026, 7, 1, 3, 59)), utc(2026, 6, 30, 4));
    // Closes: 16:00 New York, weekdays only.
    QCOMPARE(newyork::nextClose(utc(2026, 11, 27, 20, 45)), utc(2026, 11, 27, 21));
    QCOMPARE(newyork::nextClose(utc(2026, 11, 27, 21, 0, 1)), utc(2026, 11, 30, 21));
    QCOMPARE(newyork::nextClose(utc(2026, 7, 1, 12)), utc(2026, 7, 1, 20));
    QCOMPARE(newyork::financedDaysAfterClose(utc(2026, 11, 27, 21)), 3); // Friday
    QCOMPARE(newyork::financedDaysAfterClose(utc(2026, 11, 24, 21)), 1); // Tuesday
}

void TestThresholdExposure::threshold_data()
{
    QTest::addColumn<QList<double>>("values");  // portfolio values
    QTest::addColumn<QList<qint64>>("offsets"); // seconds relative to NY midnight
    QTest::addColumn<double>("maxGross");
    QTest::addColumn<double>("expected");

    QTest::newRow("no snapshots") << QList<double>{} << QList<qint64>{} << 4.0 << 2.0;
    QTest::newRow("defaults always 2.0")
        << QList<double>{100.0, 120.0} << QList<qint64>{-60, 60} << 2.0 << 2.0;
    QTest::newRow("up since midnight")
        << QList<double>{100.0, 101.0} << QList<qint64>{-1800, 1800} << 4.0 << 4.0;
    QTest::newRow("down since midnight")
        << QList<double>{100.0, 99.0} << QList<qint64>{-1800, 1800} << 4.0 << 2.0;
    QTest::newRow("flat counts as up")
        << QList<double>{100.0, 100.0} << QList<qint64>{-1800, 1800} << 3.0 << 3.0;
    QTest::newRow("exactly at midnight is today")
        << QList<double>{100.0, 90.0, 95.0} << QList<qint64>{-1, 0, 10} << 4.0 << 2.0;
    QTest::newRow("latest of yesterday is the reference")
        << QList<double>{80.0, 100.0, 95.0} << QList<qint64>{-7200, -1, 100} << 4.0 << 2.0;
    QTest::newRow("none before midnight: latest is its own reference")
        << QList<double>{100.0, 50.0} << QList<qint64>{60, 120} << 4.0 << 4.0;
    QTest::newRow("setting below 2 counts as 2")
        << QList<double>{100.0, 110.0} << QList<qint64>{-60, 60} << 1.0 << 2.0;
    QTest::newRow("order of rows does not matter")
        << QList<double>{101.0, 100.0} << QList<qint64>{1800, -1800} << 4.0 << 4.0;
}

void TestThresholdExposure::threshold()
{
    QFETCH(QList<double>, values);
    QFETCH(QList<qint64>, offsets);
    QFETCH(double, maxGross);
    QFETCH(double, expected);
    const UtcTime now = utc(2026, 11, 25, 3); // 22:00 New York, Nov 24
    const UtcTime midnight = utc(2026, 11, 24, 5);
    std::vector<PortfolioSnapshot> snapshots;
    for (int i = 0; i < values.size(); ++i)
        snapshots.push_back({midnight + seconds{offsets[i]}, values[i]});
    QCOMPARE(riskThreshold(snapshots, maxGross, now), expected);
}

void TestThresholdExposure::exposureFigures()
{
    // E 100k, gross 250k: 2.5x, reduce_by 50k, borrowed 150k, 150k x 0.065 / 360 per night.
    const Account account{
        100'000.0, 150'000.0, {{"NVDA", 1000.0, 150.0, 120.0}, {"BTCUSD", 2.0, 50'000.0, 0.0}}};
    const CryptoList crypto;
    const auto report =
        computeExposure(account, RiskLimits{}, crypto, 0.065, utc(2026, 11, 24, 15));
    QCOMPARE(report.grossUsd, 250'000.0);
    QCOMPARE(*report.leverage, 2.5);
    QCOMPARE(report.reduceByUsd, 50'000.0);
    QCOMPARE(report.borrowedUsd, 150'000.0);
    QVERIFY(std::abs(report.financingPerNightUsd - 150'000.0 * 0.065 / 360.0) < 1e-9);
    QCOMPARE(report.financedDaysTonight, 1);
    QCOMPARE(report.intradayState, LimitState::Ok);
    QCOMPARE(report.overnightState, LimitState::Over);
    QCOMPARE(report.timeToClose, seconds{hours{6}}); // 10:00 -> 16:00 New York
    QVERIFY(!report.closeWarning);
    QCOMPARE(report.positions.size(), size_t(2));
    QCOMPARE(*report.positions[0].exposurePct, 150.0);
    QCOMPARE(*report.positions[0].capUsedPct, 250.0); // 150k of 60% x 100k: no add
    QCOMPARE(report.positions[0].unrealizedPnlUsd, 30'000.0);
    QCOMPARE(*report.positions[1].capUsedPct, 100.0 * 100'000.0 / 60'000.0); // same rule
    QCOMPARE(report.positions[1].assetClass, AssetClass::Crypto);
}

void TestThresholdExposure::fridayCloseWarningAndThreeNights()
{
    const Account account{100'000.0, 150'000.0, {{"NVDA", 1500.0, 150.0, 150.0}}};
    const CryptoList crypto;
    // 15:45 New York on Friday Nov 27, 2026 (EST).
    const auto report =
        computeExposure(account, RiskLimits{}, crypto, 0.065, utc(2026, 11, 27, 20, 45));
    QCOMPARE(report.timeToClose, seconds{minutes{15}});
    QVERIFY(report.closeWarning);
    QCOMPARE(report.reduceByUsd, 25'000.0);
    QCOMPARE(report.financedDaysTonight, 3);
    QVERIFY(std::abs(report.financingTonightUsd - 3 * 125'000.0 * 0.065 / 360.0) < 1e-9);
    QCOMPARE(report.intradayState, LimitState::Ok);
    QCOMPARE(report.overnightState, LimitState::Over);
    // Issue 12: right after Friday's close the next close is Monday's, but the night held
    // now is Friday's, three days; on Saturday two remain, on Sunday one.
    for (const auto& [now, days] :
         {std::pair{utc(2026, 11, 27, 21, 30), 3}, std::pair{utc(2026, 11, 28, 15), 2},
          std::pair{utc(2026, 11, 29, 15), 1}, std::pair{utc(2026, 11, 30, 21, 30), 1}})
        QCOMPARE(computeExposure(account, RiskLimits{}, crypto, 0.065, now).financedDaysTonight,
                 days);
}

void TestThresholdExposure::cashAccountLimitOfOne()
{
    const Account account{100'000.0, 0.0, {{"SPY", 190.0, 500.0, 500.0}}};
    RiskLimits cash;
    cash.intradayLeverage = 1.0;
    cash.overnightLeverage = 1.0;
    const CryptoList crypto;
    const auto report = computeExposure(account, cash, crypto, 0.065, utc(2026, 11, 24, 15));
    QCOMPARE(*report.leverage, 0.95);
    QCOMPARE(report.intradayState, LimitState::Near);
    QCOMPARE(report.reduceByUsd, 0.0);
    QCOMPARE(report.financingPerNightUsd, 0.0);
}

void TestThresholdExposure::noEquityHasNoRatios()
{
    const Account account{0.0, 0.0, {{"SPY", 10.0, 500.0, 500.0}}};
    const CryptoList crypto;
    const auto report =
        computeExposure(account, RiskLimits{}, crypto, 0.065, utc(2026, 11, 24, 15));
    QVERIFY(!report.leverage);
    QVERIFY(!report.positions[0].exposurePct);
    QCOMPARE(report.reduceByUsd, 5'000.0);
    QCOMPARE(report.intradayState, LimitState::Over);
}

QTEST_APPLESS_MAIN(TestThresholdExposure)
#include "tst_threshold_exposure.moc"
