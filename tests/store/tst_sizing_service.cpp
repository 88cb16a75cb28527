// The sizing service (SPEC 2-4, 7, 9) against a real store: mode read at every call,
// environment overrides, dry runs, recorded decisions, sizing.log, metrics and fallback.

#include "SizingService.h"
#include "StoreTestSupport.h"
#include "risk/Correlation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestSizingService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_store.close(); }
    void specExamples_data();
    void specExamples();
    void rollbackAppliesToTheNextCall();
    void environmentLocksTheMode();
    void dryRunRecordsNothing();
    void badInputIsReportedAndNotRecorded_data();
    void badInputIsReportedAndNotRecorded();
    void storedMetricsDriveTheForecast();
    void corruptMetricsFallBackToLegacy();
    void tooShortMetricsUseTheDefaults();
    void snapshotsRaiseLegacyThreshold();
    void concurrentCallsLogOneLineEach();
    void impossibleDatesAreRefusedAndOldOnesSkipped();

private:
    SizingOutcome size(const Environment& environment, const QString& symbol, double price,
                       bool dryRun = false);
    QStringList logLines() const;

    QTemporaryDir m_dir;
    Store m_store;
    const UtcTime m_now = utc(2026, 11, 25, 15);
};

void TestSizingService::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    const QString path =
        testing::newStoreName(m_dir.filePath(QLatin1String(QTest::currentTestFunction())),
                              QStringLiteral("store.sqlite"), &error);
    QVERIFY2(!path.isEmpty(), qPrintable(error));
    QFile::remove(path);
    QFile::remove(m_store.sizingLogPath());
    QVERIFY2(m_store.open(path, &error), qPrintable(error));
    QVERIFY(m_store.setAccount(100000, 400000, m_now, &error)); // SPEC 8
}

SizingOutcome TestSizingService::size(const Environment& environment, const QString& symbol,
                                      double price, bool dryRun)
{
    SizingService service(m_store, environment);
    SizingCall call;
    call.request.symbol = symbol.toStdString();
    call.request.priceUsd = price;
    call.dryRun = dryRun;
    SizingOutcome outcome;
    QString error;
    if (!service.size(call, m_now, &outcome, &error))
        qWarning("size failed: %s", qPrintable(error));
    return outcome;
}

QStringList TestSizingService::logLines() const
{
    QFile file(m_store.sizingLogPath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void TestSizingService::specExamples_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<double>("qty");
    QTest::addColumn<QString>("binding");
    QTest::newRow("enhanced NVDA") << "enhanced"
                                   << "NVDA" << 150.0 << 1600.0 << "symbol cap";
    QTest::newRow("enhanced BTC") << "enhanced"
                                  << "BTC/USD" << 50000.0 << 1.2 << "symbol cap";
    QTest::newRow("legacy NVDA") << "legacy"
                                 << "NVDA" << 150.0 << 800.0 << "symbol cap";
    QTest::newRow("legacy BTC") << "legacy"
                                << "BTCUSD" << 50000.0 << 1.2 << "symbol cap";
}

void TestSizingService::specExamples()
{
    QFETCH(QString, mode);
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(double, qty);
    QFETCH(QString, binding);
    QString error;
    QVERIFY(m_store.writeSetting(SettingKey::Mode, mode, SettingOrigin::Cli, m_now, &error));
    const SizingOutcome outcome = size({}, symbol, price);
    QCOMPARE(outcome.result.qty, qty);
    QCOMPARE(QString::fromLatin1(bindingLimitName(outcome.result.binding)), binding);
    QCOMPARE(QString::fromLatin1(sizingModeName(outcome.result.method)), mode);
    QVERIFY(outcome.decisionId > 0);
    QCOMPARE(logLines().size(), 1);
}

void TestSizingService::rollbackAppliesToTheNextCall()
{
    QString error;
    QCOMPARE(size({}, QStringLiteral("NVDA"), 150).result.method, SizingMode::Enhanced);
    // Another connection (the dashboard) flips the switch; the very next call obeys it.
    Store dashboard;
    QVERIFY(dashboard.open(m_store.path(), &error));
    QVERIFY(dashboard.writeSetting(SettingKey::Mode, QStringLiteral("legacy"),
                                   SettingOrigin::Dashboard, m_now, &error));
    const SizingOutcome outcome = size({}, QStringLiteral("NVDA"), 150);
    QCOMPARE(outcome.result.method, SizingMode::Legacy);
    QCOMPARE(outcome.result.qty, 800.0);
    const QStringList lines = logLines();
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].contains(
        QLatin1String("NVDA: Enhanced Kelly sizing with 4.0x leverage - base_fraction=1.000, "
                      "qty=1600, exposure: 0.0% -> 240.0%")));
    QVERIFY(lines[1].contains(
        QLatin1String("NVDA: Legacy sizing - current=0.0%, new=120.0%, risk_multiplier=2.00")));
    QVERIFY(lines[1].startsWith(QLatin1String("2026-11-25T15:00:00Z INFO ")));
}

void TestSizingService::environmentLocksTheMode()
{
    QString error;
    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("enhanced"), SettingOrigin::Cli,
                                 m_now, &error));
    const SizingOutcome outcome =
        size({{QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("false")}},
             QStringLiteral("NVDA"), 150);
    QVERIFY(outcome.modeLockedByEnv);
    QCOMPARE(outcome.result.method, SizingMode::Legacy);
    // Issue 17: the decision records that this caller's environment chose the mode, and
    // where it ran, so the dashboard can name a bot that ignores the switch.
    std::vector<SizingDecision> decisions;
    QVERIFY(m_store.loadDecisions(&decisions, 1, &error));
    QCOMPARE(decisions.size(), size_t(1));
    QVERIFY(decisions.front().modeLockedByEnv);
    QCOMPARE(decisions.front().host, QSysInfo::machineHostName());
    QVERIFY(!size({}, QStringLiteral("NVDA"), 150).modeLockedByEnv);
    QVERIFY(m_store.loadDecisions(&decisions, 1, &error));
    QVERIFY(!decisions.front().modeLockedByEnv);

    // A cash account through the environment: L = 1, so NVDA's room is 60% of equity.
    const SizingOutcome cash =
        size({{QStringLiteral("MAX_INTRADAY_LEVERAGE"), QStringLiteral("1")},
              {QStringLiteral("MAX_OVERNIGHT_LEVERAGE"), QStringLiteral("1")}},
             QStringLiteral("NVDA"), 150);
    QCOMPARE(cash.result.qty, 400.0);
    QCOMPARE(cash.settings.limits.intradayLeverage, 1.0);
}

void TestSizingService::dryRunRecordsNothing()
{
    QString error;
    const QString before = testing::dumpStore(m_store.path());
    const SizingOutcome outcome = size({}, QStringLiteral("NVDA"), 150, true);
    QCOMPARE(outcome.result.qty, 1600.0);
    QCOMPARE(outcome.decisionId, 0);
    QCOMPARE(outcome.logLines.size(), 1);
    QCOMPARE(testing::dumpStore(m_store.path()), before);
    QVERIFY(!QFile::exists(m_store.sizingLogPath()));
}

void TestSizingService::badInputIsReportedAndNotRecorded_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<QString>("field");
    QTest::newRow("zero price") << "NVDA" << 0.0 << 0.01 << "price";
    QTest::newRow("negative price") << "NVDA" << -1.0 << 0.01 << "price";
    QTest::newRow("NaN price") << "NVDA" << std::nan("") << 0.01 << "price";
    QTest::newRow("negative sigma") << "NVDA" << 150.0 << -0.01 << "sigma";
    QTest::newRow("bad symbol") << "NV$DA" << 150.0 << 0.01 << "symbol";
}

void TestSizingService::badInputIsReportedAndNotRecorded()
{
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(double, sigma);
    QFETCH(QString, field);
    const QString before = testing::dumpStore(m_store.path());
    SizingService service(m_store, {});
    SizingCall call;
    call.request = SizingRequest{symbol.toStdString(), price, std::nullopt, sigma};
    SizingOutcome outcome;
    QString error;
    SizingFailure failure = SizingFailure::None;
    QVERIFY(!service.size(call, m_now, &outcome, &error, &failure));
    QCOMPARE(failure, SizingFailure::BadInput);
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
    QCOMPARE(testing::dumpStore(m_store.path()), before);
    QVERIFY(!QFile::exists(m_store.sizingLogPath()));
}

void TestSizingService::storedMetricsDriveTheForecast()
{
    // SPEC 2.4: sigma = annualized_volatility / sqrt(252); mu = sharpe / sqrt(252) x sigma.
    CorrelationBuild build;
    build.symbols = {"NVDA"};
    build.correlation = {1.0};
    build.observations = {250};
    build.dailyVolatility = {0.02};
    build.covarianceDaily = assembleCovariance(build);
    build.metrics = {VolatilityMetrics{0.80, 0.5, 0.1, -0.05, -0.3, 250}};
    build.quality = {SymbolQuality{"NVDA", 250, 0, "2025-01-01", "2026-11-24"}};
    QString error;
    QVERIFY(m_store.saveCorrelationBuild(build, m_now, nullptr, &error));
    const SizingOutcome outcome = size({}, QStringLiteral("NVDA"), 150);
    const double sigma = 0.80 / std::sqrt(252.0);
    QCOMPARE(*outcome.result.sigmaDaily, sigma);
    QCOMPARE(*outcome.result.muDaily, 0.1 / std::sqrt(252.0) * sigma);
    // full = sharpe / annualized_volatility = 0.125; base = 0.0625: the size scales with
    // volatility instead of sitting at the cap.
    QVERIFY(qAbs(*outcome.result.baseFraction - 0.5 * 0.1 / 0.80) < 1e-12);
}

void TestSizingService::corruptMetricsFallBackToLegacy()
{
    CorrelationBuild build;
    build.symbols = {"NVDA"};
    build.correlation = {1.0};
    build.observations = {250};
    build.dailyVolatility = {0.02};
    build.covarianceDaily = assembleCovariance(build);
    build.metrics = {VolatilityMetrics{-0.2, 0.1, 0.5, -0.05, -0.3, 250}}; // negative vol
    build.quality = {SymbolQuality{"NVDA", 250, 0, "2025-01-01", "2026-11-24"}};
    QString error;
    QVERIFY(m_store.saveCorrelationBuild(build, m_now, nullptr, &error));
    const SizingOutcome outcome = size({}, QStringLiteral("NVDA"), 150);
    QCOMPARE(outcome.result.method, SizingMode::Legacy);
    QVERIFY(outcome.result.fallbackReason);
    const QStringList lines = logLines();
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].contains(QLatin1String("NVDA: Enhanced sizing failed (")));
    QVERIFY(lines[0].contains(QLatin1String("), falling back to legacy")));
    QVERIFY(lines[1].contains(QLatin1String("NVDA: Legacy sizing - ")));
    std::vector<SizingDecision> decisions;
    QVERIFY(m_store.loadDecisions(&decisions, 0, &error));
    QCOMPARE(decisions.size(), size_t(1));
    QCOMPARE(decisions[0].requestedMode, SizingMode::Enhanced);
    QCOMPARE(decisions[0].result.method, SizingMode::Legacy);
    QCOMPARE(decisions[0].result.fallbackReason, outcome.result.fallbackReason);
}

void TestSizingService::tooShortMetricsUseTheDefaults()
{
    CorrelationBuild build;
    build.symbols = {"NEWCO"};
    build.correlation = {std::nullopt};
    build.observations = {1};
    build.dailyVolatility = {0.0};
    build.covarianceDaily = assembleCovariance(build);
    build.metrics = {VolatilityMetrics{0.0, 0.0, std::nullopt, 0.0, 0.0, 1}}; // one return
    build.quality = {SymbolQuality{"NEWCO", 1, 0, "2026-11-23", "2026-11-24"}};
    QString error;
    QVERIFY(m_store.saveCorrelationBuild(build, m_now, nullptr, &error));
    const SizingOutcome outcome = size({}, QStringLiteral("NEWCO"), 10);
    QCOMPARE(outcome.result.method, SizingMode::Enhanced);
    QCOMPARE(*outcome.result.sigmaDaily, 0.25 / std::sqrt(252.0)); // SPEC 2.4 stock default
    QCOMPARE(*outcome.result.muDaily, 0.005);
}

void TestSizingService::snapshotsRaiseLegacyThreshold()
{
    QString error;
    QVERIFY(m_store.writeSetting(SettingKey::Mode, QStringLiteral("legacy"), SettingOrigin::Cli,
                                 m_now, &error));
    QVERIFY(m_store.writeSetting(SettingKey::MaxGrossLeverage, QStringLiteral("3"),
                                 SettingOrigin::Cli, m_now, &error));
    QVERIFY(
        m_store.addSnapshot(PortfolioSnapshot{utc(2026, 11, 24, 21), 100000}, 100000, 0, &error));
    QVERIFY(
        m_store.addSnapshot(PortfolioSnapshot{utc(2026, 11, 25, 14), 101000}, 101000, 0, &error));
    const SizingOutcome outcome = size({}, QStringLiteral("NVDA"), 150);
    QCOMPARE(outcome.riskThreshold, 3.0);
    QCOMPARE(outcome.result.riskMultiplier, 3.0);
    // qty_bp = 0.5 x 400,000 x 3 / 150 = 4000; room 0.6 x 100,000 x 3 = 180,000 -> 1200.
    QCOMPARE(outcome.result.qty, 1200.0);
}

// Issue 24 item 6: 16 bots size 200 times each at once, while decisions, broker syncs and log
// lines past decision_retention_days wait to be pruned. Every call succeeds, each recorded
// decision has exactly one log line, and the prune (in batches, one process at a time) left
// only what the retention keeps. On PostgreSQL the old code (the prune inside every decision,
// the log written before the commit and cut back after a failed one) duplicated and lost
// lines and gave up on calls.
void TestSizingService::concurrentCallsLogOneLineEach()
{
    constexpr int kSizers = 16;
    constexpr int kCalls = 200;
    constexpr int kOld = 2500; // two and a half prune batches
    QString error;
    SizingDecision old;
    old.decidedAt = m_now - std::chrono::days(400);
    old.result.symbol = "OLD";
    old.origin = QStringLiteral("cli");
    old.host = QStringLiteral("bot");
    old.result.priceUsd = 1.0;
    for (int i = 0; i < kOld; ++i)
        QVERIFY2(m_store.recordDecision(old, nullptr, &error), qPrintable(error));
    QVERIFY2(testing::execRawSql(
                 m_store.path(),
                 QStringLiteral("INSERT INTO broker_syncs (synced_at, origin, equity_usd,"
                                " buying_power_usd, position_count, removed) VALUES"
                                " ('2025-06-01T00:00:00Z', 'alpaca', 1, 1, 0, '');\n"
                                "INSERT INTO broker_syncs (synced_at, origin, equity_usd,"
                                " buying_power_usd, position_count, removed) VALUES"
                                " ('2026-11-25T14:00:00Z', 'alpaca', 1, 1, 0, '')"),
                 &error),
             qPrintable(error));
    {
        QFile log(m_store.sizingLogPath());
        QVERIFY(QDir().mkpath(QFileInfo(log).absolutePath())); // PostgreSQL: app-data
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write("2025-06-01T00:00:00Z INFO OLD: a line past the retention\n");
    }
    std::vector<std::unique_ptr<QProcess>> sizers;
    for (int k = 1; k <= kSizers; ++k) {
        auto sizer = std::make_unique<QProcess>();
        sizer->start(QStringLiteral(STORE_SIZER_PATH),
                     {m_store.path(), QString::number(k), QString::number(kCalls), isoUtc(m_now)});
        sizers.push_back(std::move(sizer));
    }
    for (auto& sizer : sizers) {
        QVERIFY(sizer->waitForFinished(600000));
        QVERIFY2(sizer->exitCode() == 0, sizer->readAllStandardError().constData());
    }
    const auto scalar = [&](const char* sql) {
        return testing::rawScalar(m_store.path(), QString::fromLatin1(sql));
    };
    const QString calls = QString::number(kSizers * kCalls);
    QCOMPARE(scalar("SELECT count(*) FROM sizing_decisions"), calls);
    QCOMPARE(scalar("SELECT count(*) FROM sizing_decisions WHERE symbol <> 'NVDA'"),
             QStringLiteral("0"));
    QCOMPARE(scalar("SELECT count(*) FROM broker_syncs"), QStringLiteral("1")); // item 12
    // A line appended by a call that opened the log just before another rotated it is in
    // the previous file: both are counted. The old line left with the rotation.
    QByteArray lines = testing::readBytes(m_store.sizingLogPath());
    const QByteArray previous = testing::readBytes(m_store.sizingLogPath() + QStringLiteral(".1"));
    QVERIFY(previous.startsWith("2025-06-01T00:00:00Z INFO OLD"));
    lines += previous;
    const QByteArray stamp = (isoUtc(m_now) + QStringLiteral(" INFO NVDA: ")).toUtf8();
    QCOMPARE(lines.count(stamp), qsizetype(kSizers * kCalls));
    QCOMPARE(lines.count('\n'), qsizetype(kSizers * kCalls + 1));
}

// Issue 24 item 10: schema 11 let a bot store 2026-11-31T15:00:00Z, and every sizing call
// then failed on it. Schema 12 refuses such a date on both backends; the row already stored
// survives the migration and is skipped, by name, at every read.
void TestSizingService::impossibleDatesAreRefusedAndOldOnesSkipped()
{
    QString error;
    const QString path = m_store.path();
    QVERIFY2(m_store.addSnapshot(PortfolioSnapshot{m_now - std::chrono::days(2), 100000}, 100000, 0,
                                 &error),
             qPrintable(error));
    m_store.close();
    const QString downgrade =
        testing::onPostgres()
            ? QStringLiteral("DROP TABLE serve_answers;\n" // schema 13
                             "ALTER TABLE snapshots DROP CONSTRAINT snapshots_rule_5;\n"
                             "DROP INDEX broker_syncs_by_time;\n"
                             "UPDATE kellydesk_schema SET version = 11")
            : QStringLiteral("DROP TABLE serve_answers;\n" // schema 13
                             "DROP TRIGGER snapshots_calendar_insert;\n"
                             "DROP TRIGGER snapshots_calendar_update;\n"
                             "DROP INDEX broker_syncs_by_time;\n"
                             "PRAGMA user_version = 11");
    QVERIFY2(testing::execRawSql(path, downgrade, &error), qPrintable(error));
    const auto insert = [&](const char* observedAt) {
        return testing::execRawSql(
            path,
            QStringLiteral("INSERT INTO snapshots (observed_at, portfolio_value_usd, equity_usd,"
                           " gross_usd) VALUES ('%1', 50000, 50000, 0)")
                .arg(QLatin1String(observedAt)),
            &error);
    };
    QVERIFY2(insert("2026-11-31T15:00:00Z"), qPrintable(error)); // schema 11 took it
    QVERIFY2(m_store.open(path, &error), qPrintable(error));
    QCOMPARE(m_store.schemaVersion(), Store::kSchemaVersion);
    QCOMPARE(testing::rawScalar(path, QStringLiteral("SELECT count(*) FROM snapshots")),
             QStringLiteral("2"));

    SizingService service(m_store, {});
    SizingCall call;
    call.request.symbol = "NVDA";
    call.request.priceUsd = 150;
    SizingOutcome outcome;
    QVERIFY2(service.size(call, m_now, &outcome, &error), qPrintable(error));
    QCOMPARE(outcome.result.qty, 1600.0);
    QCOMPARE(outcome.problems.size(), size_t(1));
    QCOMPARE(outcome.problems.front().describe(),
             QStringLiteral("snapshots row '2026-11-31T15:00:00Z': observed_at: not a real UTC"
                            " time"));

    for (const char* impossible : {"2026-02-30T15:00:00Z", "2027-02-29T15:00:00Z",
                                   "2026-04-31T15:00:00Z", "2100-02-29T15:00:00Z"}) {
        QVERIFY2(!insert(impossible), impossible);
        QVERIFY2(error.contains(testing::onPostgres() ? QLatin1String("snapshots_rule_5")
                                                      : QLatin1String("real UTC time")),
                 qPrintable(error));
    }
    for (const char* real :
         {"2028-02-29T15:00:00Z", "2000-02-29T15:00:00Z", "2026-12-31T15:00:00Z"})
        QVERIFY2(insert(real), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestSizingService)
#include "tst_sizing_service.moc"
