// `kellyctl backtest` (SPEC 9, 12) through the real binary: a run on the bundled prices is
// printed, written as a curve and recorded in the store with the settings it used; --list
// and --show read it back; bad input is exit 2 naming the field, and nothing is recorded.

#include "KellyctlFixture.h"

#include <QJsonArray>
#include <QTest>

namespace {

const QString kBundled = QStringLiteral(KELLY_SOURCE_DIR "/resources/prices");

} // namespace

class TestKellyctlBacktest : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void runsTheBundledPricesAndRecordsTheRun();
    void recordsTheSettingsItUsed();
    void checkLookaheadPasses();
    void kellySweepRunsEnhancedPerFraction();
    void badInputNamesTheFieldAndRecordsNothing_data();
    void badInputNamesTheFieldAndRecordsNothing();

private:
    QJsonArray recordedRuns() const;
};

void TestKellyctlBacktest::init()
{
    QVERIFY(setUpStore());
}

QJsonArray TestKellyctlBacktest::recordedRuns() const
{
    const KellyctlRun listed = run(args({"backtest", "--list", "--json"}));
    if (listed.exitCode != 0)
        qWarning("list failed: %s", qPrintable(listed.err));
    return QJsonDocument::fromJson(listed.out.toUtf8()).array();
}

void TestKellyctlBacktest::runsTheBundledPricesAndRecordsTheRun()
{
    const QString curvePath = m_dir->filePath(QStringLiteral("curve.csv"));
    const KellyctlRun ran =
        run(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"), kBundled,
                        QStringLiteral("--json"), QStringLiteral("--curve"), curvePath});
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
    const QJsonObject result = jsonObject(ran.out);
    const QJsonObject methods = result.value(QStringLiteral("methods")).toObject();
    QCOMPARE(methods.keys(),
             QStringList({QStringLiteral("enhanced"), QStringLiteral("enhanced-corr"),
                          QStringLiteral("equal-weight"), QStringLiteral("legacy")}));
    for (const QString& key :
         {QStringLiteral("total_return"), QStringLiteral("cagr"), QStringLiteral("sharpe"),
          QStringLiteral("sortino"), QStringLiteral("max_drawdown"), QStringLiteral("calmar"),
          QStringLiteral("worst_day"), QStringLiteral("financing"), QStringLiteral("costs"),
          QStringLiteral("turnover"), QStringLiteral("avg_gross_leverage"),
          QStringLiteral("max_gross_leverage"), QStringLiteral("longest_drawdown_days"),
          QStringLiteral("ruined"), QStringLiteral("final_equity")})
        QVERIFY2(methods.value(QStringLiteral("enhanced")).toObject().contains(key),
                 qPrintable(key));
    QCOMPARE(result.value(QStringLiteral("from")).toString(), QStringLiteral("2024-03-25"));
    QCOMPARE(result.value(QStringLiteral("symbols")).toArray().size(), 12);

    QFile curve(curvePath);
    QVERIFY(curve.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = curve.readAll().trimmed().split('\n');
    QCOMPARE(lines.front(), QByteArray("date,method,equity,gross,cash,financing,costs"));
    QCOMPARE(lines.size(), 1 + 4 * 731); // every calendar date (crypto trades daily), 4 methods

    const QJsonArray runs = recordedRuns();
    QCOMPARE(runs.size(), 1);
    const qint64 id = runs[0].toObject().value(QStringLiteral("run_id")).toInteger();
    QCOMPARE(id, result.value(QStringLiteral("run_id")).toInteger());
    const KellyctlRun shown = run(QStringList{QStringLiteral("backtest"), QStringLiteral("--show"),
                                              QString::number(id), QStringLiteral("--json")});
    QCOMPARE(shown.exitCode, 0);
    QCOMPARE(jsonObject(shown.out).value(QStringLiteral("methods")), QJsonValue(methods));
    const KellyctlRun table = run(args({"backtest", "--show", "1"}));
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.contains(QStringLiteral("equal-weight")));
}

void TestKellyctlBacktest::recordsTheSettingsItUsed()
{
    QCOMPARE(run(args({"set", "max_intraday_leverage", "3"})).exitCode, 0);
    QCOMPARE(run(args({"set", "leverage_cost_annual", "0.08"})).exitCode, 0);
    const KellyctlRun ran = run(QStringList{
        QStringLiteral("backtest"), QStringLiteral("--prices"), kBundled,
        QStringLiteral("--symbols"), QStringLiteral("nvda,btc/usd"), QStringLiteral("--from"),
        QStringLiteral("2025-01-01"), QStringLiteral("--methods"), QStringLiteral("legacy"),
        QStringLiteral("--equity"), QStringLiteral("50000"), QStringLiteral("--cost-bps"),
        QStringLiteral("2"), QStringLiteral("--json")});
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
    const QJsonObject stored = recordedRuns()[0].toObject();
    QCOMPARE(stored.value(QStringLiteral("intraday_limit")).toDouble(), 3.0);
    QCOMPARE(stored.value(QStringLiteral("leverage_cost_annual")).toDouble(), 0.08);
    QCOMPARE(stored.value(QStringLiteral("equity")).toDouble(), 50000.0);
    QCOMPARE(stored.value(QStringLiteral("cost_bps")).toDouble(), 2.0);
    QCOMPARE(stored.value(QStringLiteral("from")).toString(), QStringLiteral("2025-01-01"));
    QCOMPARE(stored.value(QStringLiteral("symbols")).toArray(),
             QJsonArray({QStringLiteral("BTCUSD"), QStringLiteral("NVDA")}));
    QCOMPARE(stored.value(QStringLiteral("methods")).toObject().keys(),
             QStringList{QStringLiteral("legacy")});
}

void TestKellyctlBacktest::checkLookaheadPasses()
{
    const KellyctlRun ran =
        run(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"), kBundled,
                        QStringLiteral("--check-lookahead"), QStringLiteral("--json")});
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
    const QJsonObject lookahead = jsonObject(ran.out).value(QStringLiteral("lookahead")).toObject();
    QCOMPARE(lookahead.value(QStringLiteral("passed")).toBool(), true);
    QCOMPARE(lookahead.value(QStringLiteral("cut_after")).toString(), QStringLiteral("2025-03-25"));
    QVERIFY(ran.err.contains(QStringLiteral("check-lookahead: passed")));
}

// SPEC 18: enhanced once per fraction beside --methods, recorded, read back and checked
// for look-ahead like any run.
void TestKellyctlBacktest::kellySweepRunsEnhancedPerFraction()
{
    const QString curvePath = m_dir->filePath(QStringLiteral("sweep.csv"));
    const KellyctlRun ran =
        run(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"), kBundled,
                        QStringLiteral("--methods"), QStringLiteral("enhanced"),
                        QStringLiteral("--kelly-fractions"), QStringLiteral("0.25,0.5,1"),
                        QStringLiteral("--check-lookahead"), QStringLiteral("--json"),
                        QStringLiteral("--curve"), curvePath});
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.err));
    const QJsonObject result = jsonObject(ran.out);
    const QJsonObject methods = result.value(QStringLiteral("methods")).toObject();
    QCOMPARE(methods.keys(),
             QStringList({QStringLiteral("enhanced"), QStringLiteral("enhanced@0.25"),
                          QStringLiteral("enhanced@0.5"), QStringLiteral("enhanced@1")}));
    // The store's c is the default 0.5: plain enhanced and enhanced@0.5 are one run.
    QCOMPARE(methods.value(QStringLiteral("enhanced@0.5")),
             methods.value(QStringLiteral("enhanced")));
    QVERIFY(methods.value(QStringLiteral("enhanced@1")) !=
            methods.value(QStringLiteral("enhanced")));
    QCOMPARE(result.value(QStringLiteral("lookahead")).toObject().value(QStringLiteral("passed")),
             QJsonValue(true));
    QFile curve(curvePath);
    QVERIFY(curve.open(QIODevice::ReadOnly));
    QCOMPARE(curve.readAll().count(",enhanced@1,"), 731);

    const QJsonArray runs = recordedRuns();
    QCOMPARE(runs.size(), 1);
    const KellyctlRun shown = run(
        QStringList{QStringLiteral("backtest"), QStringLiteral("--show"),
                    QString::number(runs[0].toObject().value(QStringLiteral("run_id")).toInteger()),
                    QStringLiteral("--json")});
    QCOMPARE(shown.exitCode, 0);
    QCOMPARE(jsonObject(shown.out).value(QStringLiteral("methods")), QJsonValue(methods));

    // Without --methods the sweep runs alone; the table names each run.
    const KellyctlRun alone =
        run(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"), kBundled,
                        QStringLiteral("--kelly-fractions"), QStringLiteral("0.125,1")});
    QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
    QVERIFY(alone.out.contains(QStringLiteral("\nenhanced@0.125 ")));
    QVERIFY(alone.out.contains(QStringLiteral("\nenhanced@1 ")));
    QVERIFY(!alone.out.contains(QStringLiteral("legacy")));
}

void TestKellyctlBacktest::badInputNamesTheFieldAndRecordsNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString bundled = kBundled;
    QTest::newRow("unknown method")
        << QStringList{QStringLiteral("--prices"), bundled, QStringLiteral("--methods"),
                       QStringLiteral("enhanced,kelly")}
        << QStringLiteral("methods: unknown method 'kelly'");
    QTest::newRow("equity 0") << QStringList{QStringLiteral("--prices"), bundled,
                                             QStringLiteral("--equity"), QStringLiteral("0")}
                              << QStringLiteral("equity");
    QTest::newRow("equity negative")
        << QStringList{QStringLiteral("--prices"), bundled, QStringLiteral("--equity=-5")}
        << QStringLiteral("equity");
    QTest::newRow("lookback 19") << QStringList{QStringLiteral("--prices"), bundled,
                                                QStringLiteral("--lookback"), QStringLiteral("19")}
                                 << QStringLiteral("lookback: '19'");
    QTest::newRow("bad date") << QStringList{QStringLiteral("--prices"), bundled,
                                             QStringLiteral("--from"), QStringLiteral("2025-02-30")}
                              << QStringLiteral("from: '2025-02-30'");
    QTest::newRow("range without dates")
        << QStringList{QStringLiteral("--prices"), bundled, QStringLiteral("--from"),
                       QStringLiteral("2030-01-01")}
        << QStringLiteral("from: no price dates");
    QTest::newRow("missing folder")
        << QStringList{QStringLiteral("--prices"), QStringLiteral("/nonexistent/prices")}
        << QStringLiteral("prices: /nonexistent/prices");
    QTest::newRow("unknown symbol")
        << QStringList{QStringLiteral("--prices"), bundled, QStringLiteral("--symbols"),
                       QStringLiteral("NVDA,ZZZZ")}
        << QStringLiteral("symbols: ZZZZ");
    QTest::newRow("forecast bad row")
        << QStringList{QStringLiteral("--prices"), bundled, QStringLiteral("--forecast"),
                       QStringLiteral("@forecast.csv")}
        << QStringLiteral("forecast.csv:3: mu: 'abc'");
    for (const char* list : {"0", "1.5", "-0.5", "half", "0.25,0.25", "0.5,"})
        QTest::newRow(qPrintable(QStringLiteral("kelly fractions ") + QLatin1String(list)))
            << QStringList{QStringLiteral("--prices"), bundled,
                           QStringLiteral("--kelly-fractions=") + QLatin1String(list)}
            << QStringLiteral("kelly-fractions: ");
    QTest::newRow("no prices") << QStringList{} << QStringLiteral("--prices: required");
    QTest::newRow("show unknown") << QStringList{QStringLiteral("--show"), QStringLiteral("99")}
                                  << QStringLiteral("show: no backtest run 99");
}

void TestKellyctlBacktest::badInputNamesTheFieldAndRecordsNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString forecast =
        writeFile(QStringLiteral("forecast.csv"),
                  "date,symbol,mu\n2025-01-02,NVDA,0.001\n2025-01-03,NVDA,abc\n");
    for (QString& argument : arguments)
        if (argument == QLatin1String("@forecast.csv"))
            argument = forecast;
    const QString curvePath = m_dir->filePath(QStringLiteral("never.csv"));
    const KellyctlRun ran = run(QStringList{QStringLiteral("backtest")} + arguments +
                                QStringList{QStringLiteral("--curve"), curvePath});
    QCOMPARE(ran.exitCode, 2);
    QVERIFY2(ran.err.contains(message), qPrintable(ran.err));
    QVERIFY(ran.out.isEmpty());
    QVERIFY(!QFile::exists(curvePath));
    QCOMPARE(recordedRuns().size(), 0);
}

QTEST_APPLESS_MAIN(TestKellyctlBacktest)
#include "tst_kellyctl_backtest.moc"
