// Issue 6 through the real kellyctl binary: the mode matrix (enhanced/legacy/halt x add/reduce
// x stock/crypto/short), the drawdown guard tripping exactly at its threshold on a recorded
// snapshot history (account set / snapshot / size), resume restoring the earlier mode, and
// the environment lock that still allows a halt (safety wins over configuration).

#include "KellyctlFixture.h"
#include "StoreTestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestKellyctlHalt : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void modeMatrix_data();
    void modeMatrix();
    void reduceIsLoggedAndRecorded();
    void guardTripsExactlyAtTheThreshold_data();
    void guardTripsExactlyAtTheThreshold();
    void guardTripsOnTheSizeCallThatFindsTheBreach();
    void resumeRestoresTheEarlierMode_data();
    void resumeRestoresTheEarlierMode();
    void resumeWhenNotHaltedIsBadInput();
    void modeSwitchNeverLiftsAHalt_data();
    void modeSwitchNeverLiftsAHalt();
    void environmentLockStillAllowsAHalt();
    void statusJsonGuardFigures();

private:
    QJsonObject sizeJson(const QStringList& extra, const QProcessEnvironment& env = {}) const;
    QJsonArray audit() const;
};

void TestKellyctlHalt::init()
{
    QVERIFY(setUpStore());
    // A long stock, a long crypto and a short stock.
    for (const QStringList& position :
         {args({"position", "set", "NVDA", "--qty", "100", "--price", "150"}),
          args({"position", "set", "BTCUSD", "--qty", "0.25", "--price", "50000"}),
          args({"position", "set", "TSLA", "--qty", "-40", "--price", "250"})})
        QCOMPARE(run(position).exitCode, 0);
}

QJsonObject TestKellyctlHalt::sizeJson(const QStringList& extra,
                                       const QProcessEnvironment& env) const
{
    const KellyctlRun sized = run(
        QStringList{QStringLiteral("size")} + extra + QStringList{QStringLiteral("--json")}, env);
    if (sized.exitCode != 0)
        qWarning("size failed: %s", qPrintable(sized.err));
    return jsonObject(sized.out);
}

QJsonArray TestKellyctlHalt::audit() const
{
    return QJsonDocument::fromJson(run(args({"audit", "--json"})).out.toUtf8()).array();
}

void TestKellyctlHalt::modeMatrix_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("price");
    QTest::addColumn<bool>("reduce");
    QTest::addColumn<double>("heldQty"); // abs of the open position
    QTest::addColumn<QString>("assetClass");
    const struct
    {
        const char* tag;
        const char* symbol;
        const char* price;
        double held;
        const char* assetClass;
    } instruments[] = {{"stock", "NVDA", "150", 100.0, "stock"},
                       {"crypto", "BTCUSD", "50000", 0.25, "crypto"},
                       {"short", "TSLA", "250", 40.0, "stock"}};
    for (const char* mode : {"enhanced", "legacy", "halt"})
        for (bool reduce : {false, true})
            for (const auto& instrument : instruments)
                QTest::addRow("%s %s %s", mode, reduce ? "reduce" : "add", instrument.tag)
                    << QString::fromLatin1(mode) << QString::fromLatin1(instrument.symbol)
                    << QString::fromLatin1(instrument.price) << reduce << instrument.held
                    << QString::fromLatin1(instrument.assetClass);
}

void TestKellyctlHalt::modeMatrix()
{
    QFETCH(QString, mode);
    QFETCH(QString, symbol);
    QFETCH(QString, price);
    QFETCH(bool, reduce);
    QFETCH(double, heldQty);
    QFETCH(QString, assetClass);
    QCOMPARE(run({QStringLiteral("mode"), mode}).exitCode, 0);
    QCOMPARE(run({QStringLiteral("mode")}).out, mode + QLatin1Char('\n'));

    QStringList call{symbol, price};
    if (reduce)
        call << QStringLiteral("--reduce");
    const QJsonObject sized = sizeJson(call);
    QCOMPARE(sized.value(QLatin1String("method")).toString(), mode);
    QCOMPARE(sized.value(QLatin1String("asset_class")).toString(), assetClass);
    QCOMPARE(sized.value(QLatin1String("reduce")).toBool(), reduce);
    QCOMPARE(sized.value(QLatin1String("halted")).toBool(), mode == QLatin1String("halt"));
    const double qty = sized.value(QLatin1String("qty")).toDouble(-1.0);
    const QString binding = sized.value(QLatin1String("binding")).toString();
    if (reduce) {
        // Closing is never blocked: the whole open size, in every mode.
        QCOMPARE(qty, heldQty);
        QCOMPARE(binding, QStringLiteral("open position"));
        QCOMPARE(sized.value(QLatin1String("exposure_after_pct")).toDouble(-1.0), 0.0);
    } else if (mode == QLatin1String("halt")) {
        QCOMPARE(qty, 0.0);
        QCOMPARE(binding, QStringLiteral("halted"));
    } else {
        QVERIFY2(qty > 0.0, qPrintable(QString::number(qty)));
        QVERIFY2(binding != QLatin1String("halted") && binding != QLatin1String("open position"),
                 qPrintable(binding));
    }
}

void TestKellyctlHalt::reduceIsLoggedAndRecorded()
{
    QCOMPARE(run(args({"mode", "halt"})).exitCode, 0);
    const KellyctlRun reduced = run(args({"size", "TSLA", "250", "--reduce"}));
    QCOMPARE(reduced.exitCode, 0);
    QVERIFY2(reduced.out.contains(QLatin1String("TSLA: qty 40 (halt, binding: open position)")),
             qPrintable(reduced.out));
    const KellyctlRun added = run(args({"size", "NVDA", "150"}));
    QVERIFY2(added.out.contains(QLatin1String("NVDA: qty 0 (halt, binding: halted)")),
             qPrintable(added.out));

    QFile log(sizingLog());
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QString lines = QString::fromUtf8(log.readAll());
    QVERIFY2(lines.contains(QLatin1String("TSLA: Reduce-only sizing - closable qty=40")),
             qPrintable(lines));
    QVERIFY2(lines.contains(QLatin1String("NVDA: Sizing halted (reduce-only) - qty=0")),
             qPrintable(lines));
    QCOMPARE(kelly::testing::rawScalar(m_runner->storePath(),
                                       QStringLiteral("SELECT %1 FROM (SELECT binding FROM"
                                                      " sizing_decisions ORDER BY id) AS d")
                                           .arg(kelly::testing::joinedSql(QStringLiteral("binding"),
                                                                          QStringLiteral("|")))),
             QStringLiteral("open position|halted"));
}

void TestKellyctlHalt::guardTripsExactlyAtTheThreshold_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("limit");
    QTest::addColumn<QString>("equity");
    QTest::addColumn<bool>("trips");
    // History: 120,000 two days ago is the high-water mark; 110,000 yesterday at 16:00 New
    // York is the day's start (the last snapshot before midnight there).
    QTest::newRow("drawdown 12.5% at 12.5%") << "guard_drawdown_pct"
                                             << "12.5"
                                             << "105000" << true;
    QTest::newRow("drawdown 12.49% under 12.5%") << "guard_drawdown_pct"
                                                 << "12.5"
                                                 << "105010" << false;
    QTest::newRow("day loss 5% at 5%") << "guard_day_loss_pct"
                                       << "5"
                                       << "104500" << true;
    QTest::newRow("day loss under 5%") << "guard_day_loss_pct"
                                       << "5"
                                       << "104510" << false;
}

void TestKellyctlHalt::guardTripsExactlyAtTheThreshold()
{
    QFETCH(QString, key);
    QFETCH(QString, limit);
    QFETCH(QString, equity);
    QFETCH(bool, trips);
    QCOMPARE(run(args({"snapshot", "--value", "120000", "--at", "2026-11-23T21:00:00Z"})).exitCode,
             0);
    QCOMPARE(run(args({"snapshot", "--value", "110000", "--at", "2026-11-24T21:00:00Z"})).exitCode,
             0);
    QCOMPARE(run({QStringLiteral("set"), key, limit}).exitCode, 0);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("enhanced\n"));

    const KellyctlRun set =
        run({QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"), equity});
    QCOMPARE(set.exitCode, 0); // the write succeeded either way
    QCOMPARE(set.err.contains(QLatin1String("drawdown guard tripped")), trips);
    QCOMPARE(run(args({"mode"})).out,
             trips ? QStringLiteral("halt\n") : QStringLiteral("enhanced\n"));
    const QJsonObject newest = audit().first().toObject();
    if (trips) {
        QCOMPARE(newest.value(QLatin1String("origin")).toString(), QStringLiteral("guard"));
        QCOMPARE(newest.value(QLatin1String("key")).toString(), QStringLiteral("mode"));
        QCOMPARE(newest.value(QLatin1String("new")).toString(), QStringLiteral("halt"));
        QVERIFY2(newest.value(QLatin1String("detail")).toString().contains(limit),
                 qPrintable(newest.value(QLatin1String("detail")).toString()));
        // Never un-trips: a snapshot at a new high leaves the halt in force.
        QCOMPARE(run(args({"account", "set", "--equity", "130000"})).exitCode, 0);
        QCOMPARE(run(args({"snapshot"})).exitCode, 0);
        QCOMPARE(run(args({"mode"})).out, QStringLiteral("halt\n"));
        int guardRows = 0;
        for (const QJsonValue& row : audit())
            guardRows +=
                row.toObject().value(QLatin1String("origin")).toString() == QLatin1String("guard");
        QCOMPARE(guardRows, 1);
    } else {
        QCOMPARE(newest.value(QLatin1String("origin")).toString(), QStringLiteral("cli"));
    }
}

void TestKellyctlHalt::guardTripsOnTheSizeCallThatFindsTheBreach()
{
    QCOMPARE(run(args({"snapshot", "--at", "2026-11-24T21:00:00Z"})).exitCode, 0); // 100,000
    QCOMPARE(run(args({"set", "guard_drawdown_pct", "10"})).exitCode, 0);
    // A bot writing the account through the documented schema skips kellyctl's check; the
    // next size call still finds the breach and is itself halted.
    QString error;
    QVERIFY2(kelly::testing::execRawSql(m_runner->storePath(),
                                        QStringLiteral("UPDATE account SET equity_usd = 90000;"),
                                        &error),
             qPrintable(error));
    const KellyctlRun sized = run(args({"size", "NVDA", "150", "--json"}));
    QCOMPARE(sized.exitCode, 0);
    const QJsonObject json = jsonObject(sized.out);
    QCOMPARE(json.value(QLatin1String("binding")).toString(), QStringLiteral("halted"));
    QCOMPARE(json.value(QLatin1String("qty")).toDouble(-1.0), 0.0);
    QVERIFY(json.value(QLatin1String("guard_tripped")).toBool());
    QVERIFY2(sized.err.contains(QLatin1String("drawdown 10.00% >= 10.00%")), qPrintable(sized.err));
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("halt\n"));

    // A resume while the breach lasts is allowed, with a warning; the next check halts again.
    const KellyctlRun resumed = run(args({"resume"}));
    QCOMPARE(resumed.exitCode, 0);
    QVERIFY2(resumed.err.contains(QLatin1String("still breached")), qPrintable(resumed.err));
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("enhanced\n"));
    QCOMPARE(sizeJson(args({"NVDA", "150"})).value(QLatin1String("binding")).toString(),
             QStringLiteral("halted"));
    QCOMPARE(run(args({"set", "guard_drawdown_pct", ""})).exitCode, 0); // guard off
    QCOMPARE(run(args({"resume"})).exitCode, 0);
    QVERIFY(sizeJson(args({"NVDA", "150"})).value(QLatin1String("qty")).toDouble() > 0.0);
}

void TestKellyctlHalt::resumeRestoresTheEarlierMode_data()
{
    QTest::addColumn<QString>("before");
    QTest::newRow("legacy") << QStringLiteral("legacy");
    QTest::newRow("enhanced") << QStringLiteral("enhanced");
}

void TestKellyctlHalt::resumeRestoresTheEarlierMode()
{
    QFETCH(QString, before);
    QCOMPARE(run({QStringLiteral("mode"), before}).exitCode, 0);
    QCOMPARE(run(args({"mode", "halt"})).exitCode, 0);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("halt\n"));
    const KellyctlRun resumed = run(args({"resume"}));
    QCOMPARE(resumed.exitCode, 0);
    QCOMPARE(resumed.out, QStringLiteral("resumed: ") + before + QLatin1Char('\n'));
    QCOMPARE(run(args({"mode"})).out, before + QLatin1Char('\n'));
    const QJsonObject newest = audit().first().toObject();
    QCOMPARE(newest.value(QLatin1String("old")).toString(), QStringLiteral("halt"));
    QCOMPARE(newest.value(QLatin1String("new")).toString(), before);
    QCOMPARE(newest.value(QLatin1String("origin")).toString(), QStringLiteral("cli"));
}

void TestKellyctlHalt::resumeWhenNotHaltedIsBadInput()
{
    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    const KellyctlRun resumed = run(args({"resume"}));
    QCOMPARE(resumed.exitCode, 2);
    QVERIFY2(resumed.err.contains(QLatin1String("not halted")), qPrintable(resumed.err));
    QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
}

// Issue 24: `mode halt; mode legacy` lifted the halt; only resume may.
void TestKellyctlHalt::modeSwitchNeverLiftsAHalt_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::newRow("mode legacy") << QStringList{QStringLiteral("mode"), QStringLiteral("legacy")};
    QTest::newRow("mode enhanced")
        << QStringList{QStringLiteral("mode"), QStringLiteral("enhanced")};
    QTest::newRow("set mode legacy")
        << QStringList{QStringLiteral("set"), QStringLiteral("mode"), QStringLiteral("legacy")};
}

void TestKellyctlHalt::modeSwitchNeverLiftsAHalt()
{
    QFETCH(QStringList, command);
    QCOMPARE(run(args({"mode", "halt"})).exitCode, 0);
    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    const KellyctlRun switched = run(command);
    QCOMPARE(switched.exitCode, 2);
    QVERIFY2(switched.err.contains(QLatin1String("mode: refused")) &&
                 switched.err.contains(QLatin1String("kellyctl resume")),
             qPrintable(switched.err));
    QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("halt\n"));
    QCOMPARE(sizeJson(args({"NVDA", "150"})).value(QLatin1String("binding")).toString(),
             QStringLiteral("halted"));
    QCOMPARE(run(args({"resume"})).exitCode, 0);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("enhanced\n"));
}

void TestKellyctlHalt::environmentLockStillAllowsAHalt()
{
    const QProcessEnvironment locked = envWith({{"USE_ENHANCED_KELLY_SIZING", "true"}});
    QCOMPARE(run(args({"mode", "legacy"})).exitCode, 0); // stored legacy, env says enhanced
    QCOMPARE(run(args({"mode"}), locked).out, QStringLiteral("enhanced\n"));

    const KellyctlRun halt = run(args({"mode", "halt"}), locked);
    QCOMPARE(halt.exitCode, 0);
    QCOMPARE(halt.out, QStringLiteral("halt\n"));
    QVERIFY2(halt.err.contains(QLatin1String("safety wins")), qPrintable(halt.err));
    const QJsonObject sized = sizeJson(args({"NVDA", "150"}), locked);
    QCOMPARE(sized.value(QLatin1String("binding")).toString(), QStringLiteral("halted"));
    QCOMPARE(sized.value(QLatin1String("qty")).toDouble(-1.0), 0.0);
    QVERIFY(sized.value(QLatin1String("mode_locked_by_env")).toBool());
    const QJsonObject status = jsonObject(run(args({"status", "--json"}), locked).out);
    QCOMPARE(status.value(QLatin1String("mode")).toString(), QStringLiteral("halt"));
    QVERIFY(status.value(QLatin1String("halted")).toBool());

    // Resume goes back to the stored legacy; the lock then applies again.
    QCOMPARE(run(args({"resume"}), locked).exitCode, 0);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("legacy\n"));
    QCOMPARE(run(args({"mode"}), locked).out, QStringLiteral("enhanced\n"));
}

void TestKellyctlHalt::statusJsonGuardFigures()
{
    QJsonObject status = jsonObject(run(args({"status", "--json"})).out);
    QVERIFY(!status.value(QLatin1String("halted")).toBool(true));
    // No snapshot yet: the high-water mark is the live equity, no day start.
    QCOMPARE(status.value(QLatin1String("high_water_mark")).toDouble(), 100000.0);
    QCOMPARE(status.value(QLatin1String("drawdown_pct")).toDouble(-1.0), 0.0);
    QVERIFY(status.value(QLatin1String("day_loss_pct")).isNull());

    QCOMPARE(run(args({"snapshot", "--value", "125000", "--at", "2026-11-24T21:00:00Z"})).exitCode,
             0);
    status = jsonObject(run(args({"status", "--json"})).out);
    QCOMPARE(status.value(QLatin1String("high_water_mark")).toDouble(), 125000.0);
    QCOMPARE(status.value(QLatin1String("drawdown_pct")).toDouble(), 20.0);
    QCOMPARE(status.value(QLatin1String("day_loss_pct")).toDouble(), 20.0);
    QVERIFY(status.value(QLatin1String("guard_drawdown_pct")).isNull());
    QVERIFY(!status.value(QLatin1String("halted")).toBool(true)); // guard off: no trip
}

QTEST_GUILESS_MAIN(TestKellyctlHalt)
#include "tst_kellyctl_halt.moc"
