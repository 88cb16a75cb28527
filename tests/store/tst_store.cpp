// Store round trips (issue 3): account and positions, settings and their audit, snapshots
// into the SPEC 4 threshold, sizing decisions, correlation builds, change detection.

#include "ClosePlanTables.h"
#include "Store.h"
#include "StoreTestSupport.h"
#include "risk/Correlation.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

CorrelationBuild makeBuild(size_t n)
{
    CorrelationBuild build;
    build.lookback = 250;
    build.shrinkage = 0.25;
    for (size_t i = 0; i < n; ++i) {
        build.symbols.push_back("S" + std::to_string(i));
        build.metrics.push_back(VolatilityMetrics{
            0.2 + 0.001 * double(i), 0.15, i % 7 == 0 ? std::nullopt : std::optional<double>(0.5),
            -0.03, -0.2, 249});
        build.quality.push_back(
            SymbolQuality{build.symbols.back(), 249, int(i % 3), "2025-01-02", "2026-11-24"});
    }
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
            const bool blank = (i + j) % 11 == 5 && i != j;
            build.correlation.push_back(
                blank ? std::nullopt
                      : std::optional<double>(
                            i == j ? 1.0 : std::cos(double(std::min(i, j) * n + std::max(i, j)))));
            build.observations.push_back(blank ? 12 : 249);
        }
    }
    for (size_t i = 0; i < n; ++i)
        build.dailyVolatility.push_back(0.02 + 0.0001 * double(i));
    if (n > 2) // a repair lift of two columns, as a gappy build has
        for (size_t k = 0; k < 2 * n; ++k)
            build.covarianceLift.push_back(0.01 * std::sin(double(k)));
    build.covarianceDaily = assembleCovariance(build);
    return build;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_store.close(); }
    void accountAndPositionsRoundTrip();
    void importReplacesAllOrNothing();
    void removeAndMarkReportWhetherHeld();
    void refusesNonFiniteInput_data();
    void refusesNonFiniteInput();
    void settingsDefaultsAndAudit();
    void settingValidation_data();
    void settingValidation();
    void environmentOverridesAndLocks();
    void snapshotsDriveThreshold_data();
    void snapshotsDriveThreshold();
    void decisionsNewestFirst();
    void correlationBuildRoundTrip();
    void correlationBuild500SymbolsIsFast();
    void walStaysBoundedAcrossShortSessions();
    void changeStampSeesOtherConnections();
    void closePlansRoundTrip() { testing::checkClosePlanTables(m_store); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    Store m_store;
};

void TestStore::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_path = testing::newStoreName(
        m_dir.path(), QStringLiteral("%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())),
        &error);
    QVERIFY2(!m_path.isEmpty(), qPrintable(error));
    QFile::remove(m_path);
    QVERIFY2(m_store.open(m_path, &error), qPrintable(error));
}

void TestStore::accountAndPositionsRoundTrip()
{
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    AccountRecord record;
    QVERIFY(m_store.loadAccount(&record, &error));
    QVERIFY(!record.updatedAt);
    QCOMPARE(record.account.equityUsd, 0.0);

    QVERIFY(m_store.setAccount(100000, 400000, now, &error));
    QVERIFY(m_store.setPosition(Position{"btc/usd", 0.25, 50000, 48000}, now, &error));
    QVERIFY(m_store.setPosition(Position{"NVDA", -10.5, 150, 0}, now, &error));
    QVERIFY(m_store.setPosition(Position{"NVDA", 20, 151, 149}, now, &error)); // upsert
    QVERIFY(m_store.loadAccount(&record, &error));
    QCOMPARE(*record.updatedAt, now);
    QCOMPARE(record.account.buyingPowerUsd, 400000.0);
    QCOMPARE(record.account.positions.size(), size_t(2));
    QCOMPARE(record.account.positions[0].symbol, std::string("BTCUSD"));
    QCOMPARE(record.account.positions[0].avgEntryUsd, 48000.0);
    QCOMPARE(record.account.positions[1].qty, 20.0);
    QCOMPARE(record.account.positions[1].lastPriceUsd, 151.0);

    QVERIFY(m_store.setPosition(Position{"NVDA", 0, 151, 0}, now, &error)); // 0 removes
    QVERIFY(m_store.loadAccount(&record, &error));
    QCOMPARE(record.account.positions.size(), size_t(1));
}

void TestStore::importReplacesAllOrNothing()
{
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    QVERIFY(m_store.setPosition(Position{"AAPL", 5, 100, 0}, now, &error));
    const QString before = testing::dumpStore(m_path);
    // One bad row: nothing changes.
    QVERIFY(!m_store.setPositions({{"MSFT", 1, 300, 0}, {"TSLA", 1, kNaN, 0}}, true, now, &error));
    QVERIFY2(error.startsWith(QLatin1String("price")), qPrintable(error));
    QCOMPARE(testing::dumpStore(m_path), before);

    QVERIFY(m_store.setPositions({{"MSFT", 1, 300, 0}, {"TSLA", 2, 200, 0}}, true, now, &error));
    AccountRecord record;
    QVERIFY(m_store.loadAccount(&record, &error));
    QCOMPARE(record.account.positions.size(), size_t(2));
    QVERIFY(!record.account.find("AAPL"));
}

void TestStore::removeAndMarkReportWhetherHeld()
{
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    QVERIFY(m_store.setPosition(Position{"AAPL", 5, 100, 0}, now, &error));
    bool found = true;
    QVERIFY(m_store.markPrice(QStringLiteral("MSFT"), 10, now, &found, &error));
    QVERIFY(!found);
    QVERIFY(m_store.markPrice(QStringLiteral("aapl"), 110, now, &found, &error));
    QVERIFY(found);
    QVERIFY(m_store.removePosition(QStringLiteral("MSFT"), &found, &error));
    QVERIFY(!found);
    QVERIFY(m_store.removePosition(QStringLiteral("AAPL"), &found, &error));
    QVERIFY(found);
}

void TestStore::refusesNonFiniteInput_data()
{
    QTest::addColumn<int>("what"); // 0 account, 1 position, 2 mark, 3 snapshot
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("equity NaN") << 0 << kNaN << QStringLiteral("equity");
    QTest::newRow("equity inf") << 0 << kInf << QStringLiteral("equity");
    QTest::newRow("equity beyond 1e15") << 0 << -2e15 << QStringLiteral("equity");
    QTest::newRow("price NaN") << 1 << kNaN << QStringLiteral("price");
    QTest::newRow("price zero") << 1 << 0.0 << QStringLiteral("price");
    QTest::newRow("price negative") << 1 << -3.0 << QStringLiteral("price");
    QTest::newRow("mark inf") << 2 << kInf << QStringLiteral("price");
    QTest::newRow("snapshot NaN") << 3 << kNaN << QStringLiteral("value");
}

void TestStore::refusesNonFiniteInput()
{
    QFETCH(int, what);
    QFETCH(double, value);
    QFETCH(QString, field);
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    QVERIFY(m_store.setPosition(Position{"AAPL", 5, 100, 0}, now, &error));
    const QString before = testing::dumpStore(m_path);
    bool found = false;
    bool ok = true;
    switch (what) {
    case 0:
        ok = m_store.setAccount(value, 1, now, &error);
        break;
    case 1:
        ok = m_store.setPosition(Position{"AAPL", 1, value, 0}, now, &error);
        break;
    case 2:
        ok = m_store.markPrice(QStringLiteral("AAPL"), value, now, &found, &error);
        break;
    default:
        ok = m_store.addSnapshot(PortfolioSnapshot{now, value}, 1, 1, &error);
        break;
    }
    QVERIFY(!ok);
    QVERIFY2(error.startsWith(field), qPrintable(error));
    QCOMPARE(testing::dumpStore(m_path), before);
}

void TestStore::settingsDefaultsAndAudit()
{
    QString error;
    QString value;
    QVERIFY(m_store.readSetting(SettingKey::MaxIntradayLeverage, &value, &error));
    QCOMPARE(value, QStringLiteral("4"));
    QVERIFY(m_store.readSetting(SettingKey::LeverageCostAnnual, &value, &error));
    QCOMPARE(value, QStringLiteral("0.065"));

    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("Legacy"),
                                 SettingOrigin::Dashboard, utc(2026, 11, 25, 15), &error));
    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("legacy"), SettingOrigin::Cli,
                                 utc(2026, 11, 25, 16), &error)); // unchanged: no row
    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("enhanced"), SettingOrigin::Guard,
                                 utc(2026, 11, 25, 17), &error));
    std::vector<AuditEntry> audit;
    QVERIFY(m_store.loadAudit(&audit, 0, &error));
    QCOMPARE(audit.size(), size_t(2));
    QCOMPARE(audit[0].origin, QStringLiteral("guard")); // newest first
    QCOMPARE(*audit[0].oldValue, QStringLiteral("legacy"));
    QCOMPARE(audit[0].newValue, QStringLiteral("enhanced"));
    QCOMPARE(audit[0].changedAt, utc(2026, 11, 25, 17));
    QCOMPARE(audit[1].origin, QStringLiteral("dashboard"));
    QVERIFY(!audit[1].oldValue);
    QVERIFY(m_store.loadAudit(&audit, 1, &error));
    QCOMPARE(audit.size(), size_t(1));
}

void TestStore::settingValidation_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("canonical"); // empty: refused
    QTest::newRow("intraday 10 ok") << "max_intraday_leverage"
                                    << "10.0"
                                    << "10";
    QTest::newRow("overnight 1") << "max_overnight_leverage"
                                 << "1"
                                 << "1";
    QTest::newRow("rate zero ok") << "leverage_cost_annual"
                                  << "0"
                                  << "0";
    QTest::newRow("rate") << "leverage_cost_annual"
                          << " 0.0725 "
                          << "0.0725";
    QTest::newRow("cap") << "symbol_cap_pct"
                         << "50"
                         << "50";
    QTest::newRow("NaN") << "max_intraday_leverage"
                         << "nan"
                         << "";
    QTest::newRow("inf") << "max_overnight_leverage"
                         << "inf"
                         << "";
    QTest::newRow("negative") << "symbol_cap_pct"
                              << "-5"
                              << "";
    QTest::newRow("zero limit") << "max_intraday_leverage"
                                << "0"
                                << "";
    QTest::newRow("negative rate") << "leverage_cost_annual"
                                   << "-0.01"
                                   << "";
    // SPEC 7's ranges (issue 12 item 1).
    QTest::newRow("intraday 50x") << "max_intraday_leverage"
                                  << "50"
                                  << "";
    QTest::newRow("overnight below 1") << "max_overnight_leverage"
                                       << "0.5"
                                       << "";
    QTest::newRow("cap 500%") << "symbol_cap_pct"
                              << "500"
                              << "";
    QTest::newRow("cap 100% ok") << "symbol_cap_pct"
                                 << "100"
                                 << "100";
    QTest::newRow("rate as percent") << "leverage_cost_annual"
                                     << "6.5"
                                     << "";
    // Issue 21 (SPEC 7): kelly_fraction in (0, 1], margin_call_fall_pct in [0, 50],
    // maintenance_floor in (0, 1].
    QTest::newRow("kelly fraction 0.25") << "kelly_fraction"
                                         << "0.25"
                                         << "0.25";
    QTest::newRow("kelly fraction 1") << "kelly_fraction"
                                      << "1"
                                      << "1";
    QTest::newRow("kelly fraction 0") << "kelly_fraction"
                                      << "0"
                                      << "";
    QTest::newRow("kelly fraction 1.5") << "kelly_fraction"
                                        << "1.5"
                                        << "";
    QTest::newRow("safety fall 0") << "margin_call_fall_pct"
                                   << "0"
                                   << "0";
    QTest::newRow("safety fall 50") << "margin_call_fall_pct"
                                    << "50"
                                    << "50";
    QTest::newRow("safety fall 51") << "margin_call_fall_pct"
                                    << "51"
                                    << "";
    QTest::newRow("safety fall negative") << "margin_call_fall_pct"
                                          << "-1"
                                          << "";
    QTest::newRow("floor 0.3") << "maintenance_floor"
                               << "0.3"
                               << "0.3";
    QTest::newRow("floor 0") << "maintenance_floor"
                             << "0"
                             << "";
    QTest::newRow("floor 1.01") << "maintenance_floor"
                                << "1.01"
                                << "";
    QTest::newRow("text") << "max_gross_leverage"
                          << "lots"
                          << "";
    QTest::newRow("mode") << "mode"
                          << "LEGACY"
                          << "legacy";
    QTest::newRow("bad mode") << "mode"
                              << "yolo"
                              << "";
    QTest::newRow("crypto list") << "crypto_list"
                                 << "btc/usd, eth-usd ETHUSD"
                                 << "BTCUSD ETHUSD";
    QTest::newRow("bad crypto") << "crypto_list"
                                << "BTC$"
                                << "";
}

void TestStore::settingValidation()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, canonical);
    const SettingSpec* spec = findSetting(key);
    QVERIFY(spec);
    QString error;
    const bool ok =
        m_store.writeSetting(spec->key, value, SettingOrigin::Cli, utc(2026, 11, 25, 15), &error);
    QCOMPARE(ok, !canonical.isEmpty());
    if (!ok) {
        QVERIFY2(error.startsWith(key + QLatin1Char(':')), qPrintable(error));
        std::vector<AuditEntry> audit;
        QVERIFY(m_store.loadAudit(&audit, 0, &error));
        QVERIFY(audit.empty());
        return;
    }
    QString stored;
    QVERIFY(m_store.readSetting(spec->key, &stored, &error));
    QCOMPARE(stored, canonical);
}

void TestStore::environmentOverridesAndLocks()
{
    QString error;
    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("legacy"), SettingOrigin::Cli,
                                 utc(2026, 11, 25, 15), &error));
    EffectiveSettings settings;
    QVERIFY(m_store.effectiveSettings({}, &settings, &error));
    QCOMPARE(settings.mode, SizingMode::Legacy);
    QVERIFY(!settings.lockedByEnv(SettingKey::Mode));
    QCOMPARE(settings.limits.intradayLeverage, 4.0);
    QCOMPARE(settings.cryptoList.symbols().size(), size_t(25));

    const Environment environment{
        {QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("TRUE")},
        {QStringLiteral("MAX_INTRADAY_LEVERAGE"), QStringLiteral("2")},
        {QStringLiteral("MAX_OVERNIGHT_LEVERAGE"), QStringLiteral("1.5")}};
    QVERIFY2(m_store.effectiveSettings(environment, &settings, &error), qPrintable(error));
    QCOMPARE(settings.mode, SizingMode::Enhanced);
    QVERIFY(settings.lockedByEnv(SettingKey::Mode));
    QCOMPARE(settings.entry(SettingKey::Mode).storedValue, QStringLiteral("legacy"));
    QCOMPARE(settings.limits.intradayLeverage, 2.0);
    QCOMPARE(settings.limits.overnightLeverage, 1.5);
    QVERIFY(settings.lockedByEnv(SettingKey::MaxOvernightLeverage));
    QVERIFY(!settings.lockedByEnv(SettingKey::SymbolCapPct));

    for (const auto& [name, value] :
         {std::pair{QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("maybe")},
          std::pair{QStringLiteral("MAX_INTRADAY_LEVERAGE"), QStringLiteral("nan")},
          std::pair{QStringLiteral("MAX_OVERNIGHT_LEVERAGE"), QStringLiteral("-2")},
          // SPEC 7: implausible or contradicting the stored intraday 4 (issue 12 item 1).
          std::pair{QStringLiteral("MAX_INTRADAY_LEVERAGE"), QStringLiteral("0.3")},
          std::pair{QStringLiteral("MAX_OVERNIGHT_LEVERAGE"), QStringLiteral("8")}}) {
        QVERIFY(!m_store.effectiveSettings({{name, value}}, &settings, &error));
        QVERIFY2(error.contains(name), qPrintable(error));
    }
}

void TestStore::snapshotsDriveThreshold_data()
{
    // now = Wed 2026-11-25 15:00 UTC (10:00 New York, EST); New York midnight = 05:00 UTC.
    QTest::addColumn<QList<qint64>>("hoursFromMidnight");
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("expected");
    QTest::newRow("no snapshots") << QList<qint64>{} << QList<double>{} << 2.0;
    QTest::newRow("up since yesterday") << QList<qint64>{-8, 4} << QList<double>{100, 105} << 3.0;
    QTest::newRow("down since yesterday") << QList<qint64>{-8, 4} << QList<double>{100, 95} << 2.0;
    QTest::newRow("latest before midnight wins")
        << QList<qint64>{-30, -1, 5} << QList<double>{90, 110, 100} << 2.0;
    QTest::newRow("midnight itself is today")
        << QList<qint64>{-2, 0, 3} << QList<double>{100, 50, 99} << 2.0;
    QTest::newRow("only today: latest vs latest")
        << QList<qint64>{1, 2} << QList<double>{100, 50} << 3.0;
}

void TestStore::snapshotsDriveThreshold()
{
    QFETCH(QList<qint64>, hoursFromMidnight);
    QFETCH(QList<double>, values);
    QFETCH(double, expected);
    const UtcTime now = utc(2026, 11, 25, 15);
    const UtcTime midnight = utc(2026, 11, 25, 5);
    QString error;
    for (qsizetype i = 0; i < values.size(); ++i)
        QVERIFY(m_store.addSnapshot(
            PortfolioSnapshot{midnight + std::chrono::hours(hoursFromMidnight[i]), values[i]},
            values[i], 0, &error));
    double threshold = 0;
    QVERIFY(m_store.riskThreshold(now, 3.0, &threshold, &error));
    QCOMPARE(threshold, expected);

    // Same answer as the core over every stored snapshot.
    std::vector<SnapshotRecord> records;
    QVERIFY(m_store.loadSnapshots(&records, 0, &error));
    std::vector<PortfolioSnapshot> snapshots;
    for (const auto& r : records)
        snapshots.push_back(r.snapshot);
    QCOMPARE(kelly::riskThreshold(snapshots, 3.0, now), expected);
}

void TestStore::decisionsNewestFirst()
{
    QString error;
    SizingDecision first;
    first.decidedAt = utc(2026, 11, 25, 15);
    first.origin = QStringLiteral("cli");
    first.muGiven = 0.001;
    first.equityUsd = 100000;
    first.buyingPowerUsd = 400000;
    first.limits.intradayLeverage = 1.0;
    first.result.symbol = "NVDA";
    first.result.priceUsd = 150;
    first.result.qty = 1600;
    first.result.qtyRaw = 2666.67;
    first.result.baseFraction = 1.0;
    first.result.binding = BindingLimit::SymbolCap;
    first.result.exposureAfterPct = 240.0;
    SizingDecision second = first;
    second.decidedAt = utc(2026, 11, 25, 15, 0, 1);
    second.origin = QStringLiteral("dashboard");
    second.requestedMode = SizingMode::Enhanced;
    second.result.method = SizingMode::Legacy;
    second.result.fallbackReason = "invalid stored annualized_volatility for NVDA";
    second.result.baseFraction.reset();
    second.result.binding = BindingLimit::GrossLeverage;
    qint64 id = 0;
    QVERIFY(m_store.recordDecision(first, &id, &error));
    QVERIFY(m_store.recordDecision(second, &id, &error));
    SizingDecision bad = first;
    bad.result.qty = kNaN;
    QVERIFY(!m_store.recordDecision(bad, &id, &error));

    std::vector<SizingDecision> decisions;
    QVERIFY(m_store.loadDecisions(&decisions, 0, &error));
    QCOMPARE(decisions.size(), size_t(2));
    QCOMPARE(decisions[0].origin, QStringLiteral("dashboard"));
    QCOMPARE(decisions[0].result.method, SizingMode::Legacy);
    QCOMPARE(*decisions[0].result.fallbackReason, *second.result.fallbackReason);
    QVERIFY(!decisions[0].result.baseFraction);
    QCOMPARE(decisions[0].result.binding, BindingLimit::GrossLeverage);
    QCOMPARE(decisions[1].result.qty, 1600.0);
    QCOMPARE(*decisions[1].muGiven, 0.001);
    QVERIFY(!decisions[1].sigmaGiven);
    QCOMPARE(decisions[1].limits.intradayLeverage, 1.0);
    QCOMPARE(*decisions[1].result.exposureAfterPct, 240.0);
    QVERIFY(!decisions[1].result.fallbackReason);
}

void TestStore::correlationBuildRoundTrip()
{
    QString error;
    std::optional<StoredCorrelationBuild> loaded;
    QVERIFY(m_store.loadLatestCorrelationBuild(&loaded, &error));
    QVERIFY(!loaded);

    const CorrelationBuild build = makeBuild(4);
    qint64 id = 0;
    QVERIFY2(m_store.saveCorrelationBuild(build, utc(2026, 11, 25, 15), &id, &error),
             qPrintable(error));
    QVERIFY(m_store.loadLatestCorrelationBuild(&loaded, &error));
    QVERIFY(loaded);
    QCOMPARE(loaded->id, id);
    QCOMPARE(loaded->builtAt, utc(2026, 11, 25, 15));
    QCOMPARE(loaded->build.symbols, build.symbols);
    QCOMPARE(loaded->build.correlation, build.correlation);
    QCOMPARE(loaded->build.observations, build.observations);
    QCOMPARE(loaded->build.covarianceDaily, build.covarianceDaily);
    QVERIFY(!loaded->build.metrics[0].sharpeRatio);
    QCOMPARE(loaded->build.quality[2].missing, 2);

    std::optional<VolatilityMetrics> metrics;
    QVERIFY(m_store.loadLatestMetrics(QStringLiteral("s1"), &metrics, &error));
    QVERIFY(metrics);
    QCOMPARE(metrics->annualizedVolatility, 0.201);
    QVERIFY(m_store.loadLatestMetrics(QStringLiteral("NOPE"), &metrics, &error));
    QVERIFY(!metrics);

    CorrelationBuild broken = build;
    broken.covarianceDaily[3] = kNaN;
    QVERIFY(!m_store.saveCorrelationBuild(broken, utc(2026, 11, 25, 16), &id, &error));
    broken = build;
    broken.metrics.pop_back();
    QVERIFY(!m_store.saveCorrelationBuild(broken, utc(2026, 11, 25, 16), &id, &error));
    // Stored as one triangle, so a matrix that is not symmetric is refused, not mangled.
    broken = build;
    broken.correlation[1] = 0.5;
    QVERIFY(!m_store.saveCorrelationBuild(broken, utc(2026, 11, 25, 16), &id, &error));
    QVERIFY2(error.contains(QLatin1String("not symmetric")), qPrintable(error));
    QVERIFY(m_store.loadLatestCorrelationBuild(&loaded, &error));
    QCOMPARE(loaded->id, id);

    // Damage written behind our back is reported, never read as numbers (4 symbols: 4 sds
    // and a one-column lift whose last value is NaN).
    QVERIFY(
        testing::execRawSql(m_path,
                            QStringLiteral("UPDATE correlation_builds SET covariance_daily = ") +
                                testing::blobLiteral(QString(7 * 16, QLatin1Char('0')) +
                                                     QStringLiteral("000000000000F87F")),
                            &error));
    QVERIFY(!m_store.loadLatestCorrelationBuild(&loaded, &error));
    QVERIFY2(error.contains(QLatin1String("not finite")), qPrintable(error));
    QVERIFY(testing::execRawSql(m_path,
                                QStringLiteral("UPDATE correlation_builds SET observations = ") +
                                    testing::blobLiteral(QStringLiteral("0000000A0102")),
                                &error));
    QVERIFY(!m_store.loadLatestCorrelationBuild(&loaded, &error));
    QVERIFY2(error.contains(QLatin1String("truncated")), qPrintable(error));
}

void TestStore::correlationBuild500SymbolsIsFast()
{
    const CorrelationBuild build = makeBuild(500);
    QString error;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(m_store.saveCorrelationBuild(build, utc(2026, 11, 25, 15), nullptr, &error),
             qPrintable(error));
    const qint64 saveMs = timer.restart();
    std::optional<StoredCorrelationBuild> loaded;
    QVERIFY(m_store.loadLatestCorrelationBuild(&loaded, &error));
    const qint64 loadMs = timer.elapsed();
    qInfo("500-symbol build: save %lld ms, load %lld ms", saveMs, loadMs);
    QVERIFY(loaded);
    QCOMPARE(loaded->build.correlation, build.correlation);
    QCOMPARE(loaded->build.metrics.size(), size_t(500));
    QVERIFY2(saveMs < 2000 && loadMs < 2000, "a 500-symbol build must save and load fast");

    // Only the newest builds are kept.
    for (int i = 0; i < 6; ++i)
        QVERIFY(m_store.saveCorrelationBuild(makeBuild(3), utc(2026, 11, 26, i), nullptr, &error));
    QCOMPARE(testing::rawScalar(m_path, QStringLiteral("SELECT count(*) FROM correlation_builds")),
             QStringLiteral("5"));
    QCOMPARE(testing::rawScalar(m_path, QStringLiteral("SELECT count(*) FROM correlation_symbols")),
             QStringLiteral("15"));
}

// kellyctl opens, writes once and closes, with SQLite's checkpoint-on-close off. The next
// opener recovers a leftover WAL as if nothing in it were checkpointed, so without
// Store::close truncating it the WAL never restarts: here it would pass 25 MB.
void TestStore::walStaysBoundedAcrossShortSessions()
{
    KELLY_SQLITE_ONLY("the write-ahead log file");
    m_store.close();
    const CorrelationBuild build = makeBuild(150); // ~190 KB of matrices, ~50 pages
    const QString wal = m_path + QStringLiteral("-wal");
    qint64 largestWal = 0;
    for (int session = 0; session < 130; ++session) {
        Store store;
        QString error;
        QVERIFY2(store.open(m_path, &error), qPrintable(error));
        QVERIFY2(store.saveCorrelationBuild(build, utc(2026, 11, 25, 15), nullptr, &error),
                 qPrintable(error));
        store.close();
        largestWal = std::max(largestWal, QFileInfo(wal).size());
    }
    qInfo("largest WAL over 130 sessions: %.1f MB", double(largestWal) / (1024 * 1024));
    QVERIFY2(largestWal < 6 * 1024 * 1024, "the WAL must stay near the autocheckpoint size");
    QString error;
    QVERIFY2(m_store.open(m_path, &error), qPrintable(error));
    QCOMPARE(testing::rawScalar(m_path, QStringLiteral("PRAGMA integrity_check")),
             QStringLiteral("ok"));
}

void TestStore::changeStampSeesOtherConnections()
{
    Store other; // a second connection in the same process and thread
    QString error;
    QVERIFY2(other.open(m_path, &error), qPrintable(error));
    ChangeStamp before;
    ChangeStamp mine;
    QVERIFY(other.changeStamp(&before, &error));
    QVERIFY(m_store.changeStamp(&mine, &error));
    ChangeStamp same;
    QVERIFY(other.changeStamp(&same, &error));
    QCOMPARE(same, before); // nothing changed, nothing moves

    QVERIFY(m_store.setAccount(5, 5, utc(2026, 11, 25, 15), &error));
    ChangeStamp after;
    QVERIFY(other.changeStamp(&after, &error));
    QVERIFY(!(after == before));
    ChangeStamp mineAfter;
    QVERIFY(m_store.changeStamp(&mineAfter, &error));
    QVERIFY(!(mineAfter == mine)); // own commits count too
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
