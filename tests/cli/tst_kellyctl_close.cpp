// Issue 22 (SPEC 17): `kellyctl close-plan` on SPEC 17's book (E 100,000, NVDA 1,600 @ 150,
// AAPL 600 @ 200), and its sending against the local Alpaca stand-in
// (tests/broker/alpaca_standin.py): every outcome, and that sending again sends nothing new.
// No test contacts the real service.

#include "AlpacaStandIn.h"
#include "KellyctlFixture.h"
#include "StoreTestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <cmath>

namespace {

const QString kKeyId = QStringLiteral("test-key-id");
const QString kSecret = QStringLiteral("test-secret-key");

QString linesOf(const QJsonObject& plan)
{
    QStringList parts;
    for (const QJsonValue& v : plan.value(QStringLiteral("lines")).toArray()) {
        const QJsonObject line = v.toObject();
        parts << QStringLiteral("%1 %2 %3")
                     .arg(line.value(QStringLiteral("symbol")).toString(),
                          line.value(QStringLiteral("side")).toString())
                     .arg(line.value(QStringLiteral("sell_qty")).toDouble());
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

class TestKellyctlClose : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void specExample_data();
    void specExample();
    void defaultMethodFollowsTheBuild();
    void badInputIsRefusedAndWritesNothing_data();
    void badInputIsRefusedAndWritesNothing();
    void haltBlocksNeither();
    void withoutYesNothingIsSent();
    void withoutKeysNothingIsSentOrWritten();
    void sendsOneOrderPerLineAndNeverTwice();
    void refusedOrderIsListedAndExitsOne();
    void failedOrderIsResentByItsOwnId();
    void timeoutThatReachedTheBrokerIsNotDoubled();
    void marketOnCloseAfterTheCutoffIsRefused();
    void cryptoLineGoesGtc();

private:
    QProcessEnvironment broker(const QString& scenario) const;
    QJsonObject brokerOrders(const QString& scenario) const;
    KellyctlRun submit(const QString& scenario, const QStringList& extra = {},
                       const QProcessEnvironment& env = {}) const;
    void writeFreshBuild();

    kelly::test::AlpacaStandIn m_standin;
    int m_run = 0;
};

void TestKellyctlClose::initTestCase()
{
    const QString whyNot = m_standin.start();
    QVERIFY2(whyNot.isEmpty(), qPrintable(whyNot));
}

void TestKellyctlClose::cleanupTestCase()
{
    m_standin.stop();
}

void TestKellyctlClose::init()
{
    QVERIFY(setUpStore());
    ++m_run;
    QCOMPARE(run(args({"position", "set", "NVDA", "--qty", "1600", "--price", "150"})).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "600", "--price", "200"})).exitCode, 0);
}

// Each test's orders under its own prefix: /SCENARIO/runN/v2/orders.
QProcessEnvironment TestKellyctlClose::broker(const QString& scenario) const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("APCA_API_KEY_ID"), kKeyId);
    env.insert(QStringLiteral("APCA_API_SECRET_KEY"), kSecret);
    env.insert(QStringLiteral("APCA_API_BASE_URL"),
               QStringLiteral("%1/%2/run%3").arg(m_standin.baseUrl(), scenario).arg(m_run));
    return env;
}

QJsonObject TestKellyctlClose::brokerOrders(const QString& scenario) const
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(
        QStringLiteral("%1/%2/run%3/v2/orders").arg(m_standin.baseUrl(), scenario).arg(m_run)));
    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return body;
}

KellyctlRun TestKellyctlClose::submit(const QString& scenario, const QStringList& extra,
                                      const QProcessEnvironment& env) const
{
    QProcessEnvironment all = broker(scenario);
    all.insert(env);
    return run(args({"close-plan", "--submit", "alpaca", "--tif", "cls", "--yes"}) + extra, all);
}

// A build whose data ends the day before kNow, covering both symbols: min-risk's default.
void TestKellyctlClose::writeFreshBuild()
{
    QByteArray nvda = "date,close\n", aapl = "date,close\n";
    double pn = 150, pa = 200;
    for (int i = 0; i < 80; ++i) {
        pn *= 1.0 + 0.02 * std::sin(i * 1.3);
        pa *= 1.0 + 0.01 * std::cos(i * 0.7);
        const QByteArray day = QDate(2026, 11, 24).addDays(i - 79).toString(Qt::ISODate).toUtf8();
        nvda += day + ',' + QByteArray::number(pn, 'f', 4) + '\n';
        aapl += day + ',' + QByteArray::number(pa, 'f', 4) + '\n';
    }
    QDir().mkpath(QFileInfo(writeFile(QStringLiteral("x"), {})).absolutePath() +
                  QStringLiteral("/prices"));
    const QString folder =
        QFileInfo(writeFile(QStringLiteral("prices/NVDA.csv"), nvda)).absolutePath();
    writeFile(QStringLiteral("prices/AAPL.csv"), aapl);
    const KellyctlRun built = run(args({"correlation", "build", "--prices"}) + QStringList{folder});
    QVERIFY2(built.exitCode == 0, qPrintable(built.err));
}

void TestKellyctlClose::specExample_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("lines");
    QTest::addColumn<double>("gross");
    QTest::addColumn<double>("maintenance");
    QTest::newRow("proportional") << QStringLiteral("proportional")
                                  << QStringLiteral("NVDA sell 712, AAPL sell 267") << 199'800.0
                                  << 59'940.0;
    QTest::newRow("fewest-orders") << QStringLiteral("fewest-orders")
                                   << QStringLiteral("NVDA sell 1067") << 199'950.0 << 59'985.0;
}

void TestKellyctlClose::specExample()
{
    QFETCH(QString, method);
    QFETCH(QString, lines);
    QFETCH(double, gross);
    QFETCH(double, maintenance);
    const KellyctlRun result =
        run(args({"close-plan", "--json", "--method"}) + QStringList{method});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject plan = jsonObject(result.out);
    QCOMPARE(linesOf(plan), lines);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), method);
    QVERIFY(plan.value(QStringLiteral("needed")).toBool());
    QVERIFY(plan.value(QStringLiteral("build_warning")).isNull());
    QVERIFY(
        plan.value(QStringLiteral("plan_id")).toString().startsWith(QStringLiteral("2026-11-25-")));
    const QJsonObject after = plan.value(QStringLiteral("after")).toObject();
    QCOMPARE(after.value(QStringLiteral("gross")).toDouble(), gross);
    QCOMPARE(after.value(QStringLiteral("leverage")).toDouble(), gross / 100'000.0);
    QVERIFY(std::abs(after.value(QStringLiteral("maintenance")).toDouble() - maintenance) < 1e-6);
    for (const char* key : {"excess", "margin_call_fall_pct", "var_95", "financing_tonight"})
        QVERIFY2(after.contains(QLatin1String(key)), key);
    QVERIFY(after.value(QStringLiteral("var_95")).isNull()); // no build
    for (const QJsonValue& v : plan.value(QStringLiteral("lines")).toArray())
        for (const char* key :
             {"symbol", "side", "qty", "sell_qty", "sell_usd", "qty_after", "weight_after"})
            QVERIFY2(v.toObject().contains(QLatin1String(key)), key);
    QVERIFY(plan.contains(QStringLiteral("est_cost")));
    const KellyctlRun text = run(args({"close-plan", "--method"}) + QStringList{method});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QStringLiteral("NVDA")), qPrintable(text.out));
}

void TestKellyctlClose::defaultMethodFollowsTheBuild()
{
    QJsonObject plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), QStringLiteral("proportional"));
    KellyctlRun refused = run(args({"close-plan", "--method", "min-risk"}));
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QStringLiteral("method:")), qPrintable(refused.err));

    // The bundled prices end on 2026-03-25: stale on 2026-11-25.
    QCOMPARE(run(args({"correlation", "build", "--prices", KELLY_SOURCE_DIR "/resources/prices"}))
                 .exitCode,
             0);
    plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), QStringLiteral("proportional"));
    QVERIFY(
        plan.value(QStringLiteral("build_warning")).toString().contains(QStringLiteral("stale")));
    QVERIFY(
        !plan.value(QStringLiteral("after")).toObject().value(QStringLiteral("var_95")).isNull());
    plan = jsonObject(run(args({"close-plan", "--json", "--method", "min-risk"})).out);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), QStringLiteral("min-risk"));
    QVERIFY(
        plan.value(QStringLiteral("build_warning")).toString().contains(QStringLiteral("stale")));

    writeFreshBuild();
    plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), QStringLiteral("min-risk"));
    QVERIFY(plan.value(QStringLiteral("build_warning")).isNull());
    QVERIFY(
        plan.value(QStringLiteral("after")).toObject().value(QStringLiteral("gross")).toDouble() <=
        200'000.0);

    // A held symbol outside the build: partial, so the default is proportional again.
    QCOMPARE(run(args({"position", "set", "KO", "--qty", "10", "--price", "60"})).exitCode, 0);
    plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QCOMPARE(plan.value(QStringLiteral("method")).toString(), QStringLiteral("proportional"));
    QVERIFY(
        plan.value(QStringLiteral("build_warning")).toString().contains(QStringLiteral("cover")));
}

void TestKellyctlClose::badInputIsRefusedAndWritesNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("field");
    QTest::newRow("method") << args({"--method", "cheapest"}) << QStringLiteral("method:");
    QTest::newRow("submit broker")
        << args({"--submit", "ibkr", "--yes"}) << QStringLiteral("submit:");
    QTest::newRow("tif alone") << args({"--tif", "cls"}) << QStringLiteral("tif:");
    QTest::newRow("tif value") << args({"--submit", "alpaca", "--tif", "gtc", "--yes"})
                               << QStringLiteral("tif:");
    QTest::newRow("yes alone") << args({"--yes"}) << QStringLiteral("yes:");
    QTest::newRow("history and method")
        << args({"--history", "--method", "min-risk"}) << QStringLiteral("method:");
}

void TestKellyctlClose::badInputIsRefusedAndWritesNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, field);
    const QString before = kelly::testing::dumpStore(storePath());
    const KellyctlRun result =
        run(args({"close-plan"}) + arguments, broker(QStringLiteral("orders")));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(field), qPrintable(result.err));
    QCOMPARE(kelly::testing::dumpStore(storePath()), before);
    QCOMPARE(brokerOrders(QStringLiteral("orders")).value(QStringLiteral("posts")).toInt(), 0);
}

void TestKellyctlClose::haltBlocksNeither()
{
    QCOMPARE(run(args({"mode", "halt"})).exitCode, 0);
    const QJsonObject plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QVERIFY(plan.value(QStringLiteral("halted")).toBool());
    QCOMPARE(linesOf(plan), QStringLiteral("NVDA sell 712, AAPL sell 267"));
    const KellyctlRun sent = submit(QStringLiteral("orders"));
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.err));
    QCOMPARE(
        brokerOrders(QStringLiteral("orders")).value(QStringLiteral("orders")).toArray().size(), 2);
}

void TestKellyctlClose::withoutYesNothingIsSent()
{
    const KellyctlRun result =
        run(args({"close-plan", "--submit", "alpaca"}), broker(QStringLiteral("orders")));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("add --yes to send")), qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("would send: sell 712 NVDA market, day")),
             qPrintable(result.out));
    QCOMPARE(brokerOrders(QStringLiteral("orders")).value(QStringLiteral("posts")).toInt(), 0);
    QVERIFY(run(args({"close-plan", "--history"})).out.contains(QStringLiteral("no close plan")));
}

void TestKellyctlClose::withoutKeysNothingIsSentOrWritten()
{
    const QString before = kelly::testing::dumpStore(storePath());
    KellyctlRun result = run(args({"close-plan", "--submit", "alpaca"}));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("add --yes to send")), qPrintable(result.err));
    result = run(args({"close-plan", "--submit", "alpaca", "--yes"}));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("APCA_API_KEY_ID")), qPrintable(result.err));
    QCOMPARE(kelly::testing::dumpStore(storePath()), before);
}

void TestKellyctlClose::sendsOneOrderPerLineAndNeverTwice()
{
    const QString planId = jsonObject(run(args({"close-plan", "--json"})).out)
                               .value(QStringLiteral("plan_id"))
                               .toString();
    KellyctlRun sent = submit(QStringLiteral("orders"));
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.err + sent.out));
    QVERIFY(!sent.out.contains(kKeyId) && !sent.out.contains(kSecret));
    QJsonObject atBroker = brokerOrders(QStringLiteral("orders"));
    const QJsonArray orders = atBroker.value(QStringLiteral("orders")).toArray();
    QCOMPARE(orders.size(), 2);
    QHash<QString, QJsonObject> bySymbol;
    for (const QJsonValue& o : orders)
        bySymbol.insert(o.toObject().value(QStringLiteral("symbol")).toString(), o.toObject());
    const QJsonObject nvda = bySymbol.value(QStringLiteral("NVDA"));
    QCOMPARE(nvda.value(QStringLiteral("client_order_id")).toString(),
             QStringLiteral("kd-close-") + planId + QStringLiteral("-NVDA"));
    QCOMPARE(nvda.value(QStringLiteral("qty")).toString(), QStringLiteral("712"));
    QCOMPARE(nvda.value(QStringLiteral("side")).toString(), QStringLiteral("sell"));
    QCOMPARE(nvda.value(QStringLiteral("time_in_force")).toString(), QStringLiteral("cls"));
    QCOMPARE(nvda.value(QStringLiteral("type")).toString(), QStringLiteral("market"));

    // Sending again, before and after the fills reach the book: nothing new.
    sent = submit(QStringLiteral("orders"));
    QCOMPARE(sent.exitCode, 0);
    QVERIFY2(sent.out.contains(QStringLiteral("nothing to send")), qPrintable(sent.out));
    QCOMPARE(run(args({"position", "set", "NVDA", "--qty", "888", "--price", "150"})).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "333", "--price", "200"})).exitCode, 0);
    sent = submit(QStringLiteral("orders"));
    QCOMPARE(sent.exitCode, 0);
    QCOMPARE(brokerOrders(QStringLiteral("orders")).value(QStringLiteral("posts")).toInt(), 2);
    const QJsonObject after = jsonObject(run(args({"close-plan", "--json"})).out);
    QVERIFY(!after.value(QStringLiteral("needed")).toBool());
    QVERIFY(after.value(QStringLiteral("pending_sold_qty")).toObject().isEmpty());

    const QJsonArray history =
        QJsonDocument::fromJson(run(args({"close-plan", "--history", "--json"})).out.toUtf8())
            .array();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history[0].toObject().value(QStringLiteral("orders")).toArray().size(), 2);
    const QString audit = run(args({"audit"})).out;
    QVERIFY2(audit.contains(QStringLiteral("close_order:NVDA")), qPrintable(audit));
}

void TestKellyctlClose::refusedOrderIsListedAndExitsOne()
{
    const KellyctlRun sent = submit(QStringLiteral("orders-refuse-2"));
    QCOMPARE(sent.exitCode, 1);
    QVERIFY2(sent.out.contains(QStringLiteral("sent: sell 712 NVDA: accepted")),
             qPrintable(sent.out));
    QVERIFY2(sent.out.contains(QStringLiteral("NOT sent: sell 267 AAPL: refused")),
             qPrintable(sent.out));
    const QString history = run(args({"close-plan", "--history"})).out;
    QVERIFY2(history.contains(QStringLiteral("refused")), qPrintable(history));
    // A refusal is final: the next plan counts only NVDA's 712 as sold (888 left, AAPL 600:
    // 253,200, cut by 53,200 / 253,200) and sells AAPL again under a new plan id.
    const QJsonObject plan = jsonObject(run(args({"close-plan", "--json"})).out);
    QCOMPARE(linesOf(plan), QStringLiteral("NVDA sell 187, AAPL sell 127"));
    QCOMPARE(plan.value(QStringLiteral("pending_sold_qty"))
                 .toObject()
                 .value(QStringLiteral("NVDA"))
                 .toDouble(),
             712.0);
}

void TestKellyctlClose::failedOrderIsResentByItsOwnId()
{
    KellyctlRun sent = submit(QStringLiteral("orders-fail-1"));
    QCOMPARE(sent.exitCode, 1);
    QVERIFY2(sent.out.contains(QStringLiteral("NOT sent: sell 712 NVDA: failed")),
             qPrintable(sent.out));
    QVERIFY2(sent.out.contains(QStringLiteral("sent: sell 267 AAPL: accepted")),
             qPrintable(sent.out));
    // The outcome was unknown: it counts as sent, and the next --submit sends it by its id.
    QVERIFY(!jsonObject(run(args({"close-plan", "--json"})).out)
                 .value(QStringLiteral("needed"))
                 .toBool());
    sent = submit(QStringLiteral("orders-fail-1"));
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.out + sent.err));
    const QJsonArray orders =
        brokerOrders(QStringLiteral("orders-fail-1")).value(QStringLiteral("orders")).toArray();
    QCOMPARE(orders.size(), 2);
}

void TestKellyctlClose::timeoutThatReachedTheBrokerIsNotDoubled()
{
    QProcessEnvironment fast = brokerTimeoutForTests(500);
    KellyctlRun sent = submit(QStringLiteral("orders-slow-1"), {}, fast);
    QCOMPARE(sent.exitCode, 1);
    QVERIFY2(sent.out.contains(QStringLiteral("timeout")), qPrintable(sent.out));
    sent = submit(QStringLiteral("orders-slow-1"), {}, fast);
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.out + sent.err));
    QVERIFY2(sent.out.contains(QStringLiteral("already sent")), qPrintable(sent.out));
    QCOMPARE(brokerOrders(QStringLiteral("orders-slow-1"))
                 .value(QStringLiteral("orders"))
                 .toArray()
                 .size(),
             2);
}

void TestKellyctlClose::marketOnCloseAfterTheCutoffIsRefused()
{
    KellyctlRunner late(storePath());
    QProcessEnvironment env = broker(QStringLiteral("orders"));
    const QStringList base{QStringLiteral("close-plan"), QStringLiteral("--submit"),
                           QStringLiteral("alpaca"), QStringLiteral("--yes"),
                           QStringLiteral("--tif")};
    // 15:51 New York (EST: 20:51 UTC).
    KellyctlRun result =
        late.run(QStringList{QStringLiteral("--now"), QStringLiteral("2026-11-25T20:51:00Z")} +
                     base + QStringList{QStringLiteral("cls")},
                 env);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("use --tif day")), qPrintable(result.err));
    QCOMPARE(brokerOrders(QStringLiteral("orders")).value(QStringLiteral("posts")).toInt(), 0);
    result = late.run(QStringList{QStringLiteral("--now"), QStringLiteral("2026-11-25T20:51:00Z")} +
                          base + QStringList{QStringLiteral("day")},
                      env);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonArray orders =
        brokerOrders(QStringLiteral("orders")).value(QStringLiteral("orders")).toArray();
    QCOMPARE(orders.size(), 2);
    QCOMPARE(orders[0].toObject().value(QStringLiteral("time_in_force")).toString(),
             QStringLiteral("day"));
}

void TestKellyctlClose::cryptoLineGoesGtc()
{
    QCOMPARE(run(args({"position", "rm", "AAPL"})).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "BTCUSD", "--qty", "1.5", "--price", "60000"})).exitCode,
             0);
    // NVDA 240,000 + BTC 90,000 (at 100%): the margin target binds; both are cut.
    const KellyctlRun sent = submit(QStringLiteral("orders"),
                                    {QStringLiteral("--method"), QStringLiteral("proportional")});
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.out + sent.err));
    const QJsonArray orders =
        brokerOrders(QStringLiteral("orders")).value(QStringLiteral("orders")).toArray();
    QCOMPARE(orders.size(), 2);
    bool sawCrypto = false;
    for (const QJsonValue& o : orders) {
        if (o.toObject().value(QStringLiteral("symbol")).toString() != QLatin1String("BTC/USD"))
            continue;
        sawCrypto = true;
        QCOMPARE(o.toObject().value(QStringLiteral("time_in_force")).toString(),
                 QStringLiteral("gtc"));
        QVERIFY(o.toObject().value(QStringLiteral("qty")).toString().toDouble() > 0.0);
    }
    QVERIFY(sawCrypto);
}

QTEST_MAIN(TestKellyctlClose)
#include "tst_kellyctl_close.moc"
