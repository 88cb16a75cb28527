// SPEC 11 through the real kellyctl: `size --json` keys, every correlation_reason as the
// store decides it (setting, build presence and age by the injected clock, coverage), the
// audited setting, sizing.log's exact line and the recorded decision.
#include "../sizing/CorrelationFixture.h"
#include "KellyctlFixture.h"
#include "Store.h"
#include "StoreTestSupport.h"

#include <QJsonArray>

using kelly::store::Store;

class TestKellyctlCorrelation : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(setUpStore()); }
    void workedExample_data();
    void workedExample();
    void reasons_data();
    void reasons();
    void settingIsAudited();
    void decisionAndLogRecordTheAdjustment();
    void uncoveredAndLargestShares();
    void staleDataIsShownWithItsDate();

private:
    // Saves SPEC 11's build (or `build`) with the given age relative to kNow.
    void saveBuild(std::chrono::hours age,
                   const kelly::CorrelationBuild& build = kelly::testing::nvdaAaplBuild())
    {
        Store store;
        QString error;
        QVERIFY2(store.open(storePath(), &error), qPrintable(error));
        const kelly::UtcTime now = *kelly::store::parseIsoUtc(kNow);
        QVERIFY2(store.saveCorrelationBuild(build, now - age, nullptr, &error), qPrintable(error));
    }

    void holdAapl()
    {
        QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "500", "--price", "200"})).exitCode,
                 0);
    }

    QJsonObject sizeNvda(const char* mu)
    {
        const KellyctlRun sized =
            run(args({"size", "NVDA", "150", "--mu", mu, "--sigma", "0.02", "--json"}));
        if (sized.exitCode != 0)
            qWarning("%s", qPrintable(sized.err));
        return jsonObject(sized.out);
    }
};

void TestKellyctlCorrelation::workedExample_data()
{
    QTest::addColumn<QString>("mu");
    QTest::addColumn<double>("qty");
    QTest::addColumn<double>("base");
    QTest::addColumn<QString>("binding");
    QTest::addColumn<double>("uncorrelatedBase");

    // SPEC 11's example: the margin room (MR 30,000 -> 198,507.46) binds the larger add.
    QTest::newRow("mu 0.001") << "0.001" << 1323.0 << 0.947628 << "maintenance margin" << 1.0;
    QTest::newRow("mu 0.0005") << "0.0005" << 860.0 << 0.322628 << "kelly" << 0.625;
}

void TestKellyctlCorrelation::workedExample()
{
    QFETCH(QString, mu);
    QFETCH(double, qty);
    QFETCH(double, base);
    QFETCH(QString, binding);
    QFETCH(double, uncorrelatedBase);

    holdAapl();
    saveBuild(std::chrono::hours(48));
    const QJsonObject sized = sizeNvda(mu.toLatin1().constData());
    QCOMPARE(sized.value(QLatin1String("method")).toString(), QStringLiteral("enhanced"));
    QCOMPARE(sized.value(QLatin1String("qty")).toDouble(), qty);
    QVERIFY(qAbs(sized.value(QLatin1String("base_fraction")).toDouble() - base) < 1e-6);
    QCOMPARE(sized.value(QLatin1String("binding")).toString(), binding);
    QCOMPARE(sized.value(QLatin1String("correlation_aware")).toBool(), true);
    QVERIFY(sized.value(QLatin1String("correlation_reason")).isNull());
    QVERIFY(qAbs(sized.value(QLatin1String("book_cov")).toDouble() - 0.0002419) < 5e-8);
    QCOMPARE(sized.value(QLatin1String("base_fraction_uncorrelated")).toDouble(), uncorrelatedBase);
    QCOMPARE(sized.value(QLatin1String("qty_uncorrelated")).toDouble(), 1323.0);
    QCOMPARE(sized.value(QLatin1String("uncovered")).toArray(), QJsonArray());
}

void TestKellyctlCorrelation::reasons_data()
{
    QTest::addColumn<bool>("settingOn");
    QTest::addColumn<int>("buildAgeHours"); // < 0: no build
    QTest::addColumn<QString>("dataDate");  // the data's last date (kNow is 2026-11-25)
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("reason");

    QTest::newRow("setting off") << false << 48 << "2026-11-24"
                                 << "NVDA"
                                 << "setting off";
    QTest::newRow("no build") << true << -1 << "2026-11-24"
                              << "NVDA"
                              << "no build";
    // Issue 24 item 14 (SPEC 5): staleness follows the data's date, not the build time.
    QTest::newRow("built an hour ago from data 8 days old") << true << 1 << "2026-11-17"
                                                            << "NVDA"
                                                            << "stale build";
    QTest::newRow("symbol not in build") << true << 48 << "2026-11-24"
                                         << "MSFT"
                                         << "symbol not in build";
    QTest::newRow("data exactly 7 days old is not stale") << true << 1 << "2026-11-18"
                                                          << "NVDA"
                                                          << "";
    QTest::newRow("built 10 days ago from yesterday's data is fresh") << true << 240 << "2026-11-24"
                                                                      << "NVDA"
                                                                      << "";
}

void TestKellyctlCorrelation::reasons()
{
    QFETCH(bool, settingOn);
    QFETCH(int, buildAgeHours);
    QFETCH(QString, dataDate);
    QFETCH(QString, symbol);
    QFETCH(QString, reason);

    holdAapl();
    if (buildAgeHours >= 0)
        saveBuild(
            std::chrono::hours(buildAgeHours),
            kelly::testing::withDataDate(kelly::testing::nvdaAaplBuild(), dataDate.toStdString()));
    if (!settingOn)
        QCOMPARE(run(args({"set", "correlation_aware", "false"})).exitCode, 0);
    const KellyctlRun sized =
        run(QStringList{QStringLiteral("size"), symbol, QStringLiteral("150"),
                        QStringLiteral("--mu"), QStringLiteral("0.0005"), QStringLiteral("--sigma"),
                        QStringLiteral("0.02"), QStringLiteral("--json")});
    QVERIFY2(sized.exitCode == 0, qPrintable(sized.err));
    const QJsonObject json = jsonObject(sized.out);
    if (reason.isEmpty()) {
        QVERIFY(json.value(QLatin1String("correlation_aware")).toBool());
        QVERIFY(json.value(QLatin1String("correlation_reason")).isNull());
        QCOMPARE(json.value(QLatin1String("qty")).toDouble(), 860.0);
        return;
    }
    QCOMPARE(json.value(QLatin1String("correlation_aware")).toBool(), false);
    QCOMPARE(json.value(QLatin1String("correlation_reason")).toString(), reason);
    QVERIFY(json.value(QLatin1String("book_cov")).isNull());
    QVERIFY(json.value(QLatin1String("base_fraction_uncorrelated")).isNull());
    // SPEC 2 exactly: base 0.625; the margin room binds at 1,323 (SPEC 11's example).
    QCOMPARE(json.value(QLatin1String("base_fraction")).toDouble(), 0.625);
    QCOMPARE(json.value(QLatin1String("qty")).toDouble(), 1323.0);
}

void TestKellyctlCorrelation::settingIsAudited()
{
    QCOMPARE(run(args({"get", "correlation_aware"})).out.trimmed(), QStringLiteral("true"));
    const KellyctlRun bad = run(args({"set", "correlation_aware", "maybe"}));
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QLatin1String("correlation_aware: must be true or false")),
             qPrintable(bad.err));
    QCOMPARE(run(args({"set", "correlation_aware", "OFF"})).exitCode, 0);
    QCOMPARE(run(args({"get", "correlation_aware"})).out.trimmed(), QStringLiteral("false"));
    const QJsonArray audit =
        QJsonDocument::fromJson(run(args({"audit", "--json"})).out.toUtf8()).array();
    QCOMPARE(audit.size(), 1);
    const QJsonObject row = audit.first().toObject();
    QCOMPARE(row.value(QLatin1String("key")).toString(), QStringLiteral("correlation_aware"));
    QVERIFY(row.value(QLatin1String("old")).isNull());
    QCOMPARE(row.value(QLatin1String("new")).toString(), QStringLiteral("false"));
    QCOMPARE(row.value(QLatin1String("origin")).toString(), QStringLiteral("cli"));
}

void TestKellyctlCorrelation::decisionAndLogRecordTheAdjustment()
{
    holdAapl();
    saveBuild(std::chrono::hours(1));
    const QJsonObject sized = sizeNvda("0.0005");
    QCOMPARE(sized.value(QLatin1String("qty")).toDouble(), 860.0);

    // sizing.log keeps SPEC 2.9's exact line, with the adjusted base.
    const QString log = QString::fromUtf8(kelly::testing::readBytes(sizingLog()));
    QCOMPARE(log,
             kNow + QStringLiteral(" INFO NVDA: Enhanced Kelly sizing with 4.0x leverage - "
                                   "base_fraction=0.323, qty=860, exposure: 0.0% -> 129.0%\n"));

    Store store;
    QString error;
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    std::vector<kelly::store::SizingDecision> decisions;
    QVERIFY2(store.loadDecisions(&decisions, 0, &error), qPrintable(error));
    QCOMPARE(decisions.size(), size_t(1));
    const kelly::SizingResult& r = decisions.front().result;
    QVERIFY(r.correlationAware);
    QVERIFY(!r.correlationReason);
    QCOMPARE(*r.bookCov, sized.value(QLatin1String("book_cov")).toDouble());
    QCOMPARE(*r.baseFractionUncorrelated, 0.625);
    QCOMPARE(*r.qtyUncorrelated, 1323.0);
    QCOMPARE(r.qty, 860.0);

    // The text output says what the term did.
    const KellyctlRun text =
        run(args({"size", "NVDA", "150", "--mu", "0.0005", "--sigma", "0.02", "--dry-run"}));
    QVERIFY2(text.out.contains(QLatin1String("correlation-aware (SPEC 11): book_cov 0.0002419, "
                                             "base 0.625 -> 0.323, qty 1323 -> 860")),
             qPrintable(text.out));

    // A call where it did not apply records its reason.
    QCOMPARE(run(args({"size", "MSFT", "100"})).exitCode, 0);
    QVERIFY2(store.loadDecisions(&decisions, 1, &error), qPrintable(error));
    QCOMPARE(decisions.front().result.correlationReason,
             std::optional(kelly::CorrelationReason::SymbolNotInBuild));
    QVERIFY(!decisions.front().result.bookCov);
}

void TestKellyctlCorrelation::uncoveredAndLargestShares()
{
    holdAapl();
    QCOMPARE(run(args({"position", "set", "TSLA", "--qty", "-10", "--price", "300"})).exitCode, 0);
    saveBuild(std::chrono::hours(1));
    const QJsonObject sized = sizeNvda("0.0005");
    QCOMPARE(sized.value(QLatin1String("uncovered")).toArray(), QJsonArray{QStringLiteral("TSLA")});
    const QJsonArray largest = sized.value(QLatin1String("book_cov_largest")).toArray();
    QCOMPARE(largest.size(), 1);
    const QJsonObject aapl = largest.first().toObject();
    QCOMPARE(aapl.value(QLatin1String("symbol")).toString(), QStringLiteral("AAPL"));
    QCOMPARE(aapl.value(QLatin1String("rho")).toDouble(), 0.6);
    QCOMPARE(aapl.value(QLatin1String("weight")).toDouble(), 1.0);
}

// Issue 24 item 14 (SPEC 5): a build made now from the bundled prices, which end on
// 2026-03-25, is stale, and every face says the data's date.
void TestKellyctlCorrelation::staleDataIsShownWithItsDate()
{
    const KellyctlRun built =
        run(args({"correlation", "build", "--prices"}) +
            QStringList{QStringLiteral(KELLY_SOURCE_DIR "/resources/prices")});
    QVERIFY2(built.exitCode == 0, qPrintable(built.err));
    QVERIFY2(built.out.contains(QLatin1String("data of 2026-03-25 (stale")), qPrintable(built.out));

    const QJsonObject status = jsonObject(run(args({"status", "--json"})).out);
    QCOMPARE(status.value(QLatin1String("correlation_built_at")).toString(), kNow);
    QCOMPARE(status.value(QLatin1String("correlation_data_date")).toString(),
             QStringLiteral("2026-03-25"));
    QVERIFY(status.value(QLatin1String("correlation_stale")).toBool());
    const QString statusText = run(args({"status"})).out;
    QVERIFY2(statusText.contains(QLatin1String("stale: data of 2026-03-25")),
             qPrintable(statusText));

    const QJsonObject shown = jsonObject(run(args({"correlation", "show", "--json"})).out);
    QCOMPARE(shown.value(QLatin1String("data_date")).toString(), QStringLiteral("2026-03-25"));
    QVERIFY(shown.value(QLatin1String("stale")).toBool());
    QVERIFY(run(args({"correlation", "show"})).out.contains(QLatin1String("data of 2026-03-25")));

    holdAapl();
    const QJsonObject sized = sizeNvda("0.0005");
    QCOMPARE(sized.value(QLatin1String("correlation_aware")).toBool(), false);
    QCOMPARE(sized.value(QLatin1String("correlation_reason")).toString(),
             QStringLiteral("stale build"));
}

QTEST_GUILESS_MAIN(TestKellyctlCorrelation)
#include "tst_kellyctl_correlation.moc"
