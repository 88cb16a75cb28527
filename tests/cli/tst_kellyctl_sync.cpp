// Issue 16 (SPEC 14): `kellyctl sync alpaca` against a local stand-in for Alpaca's API
// (tests/broker/alpaca_standin.py on 127.0.0.1), and `kellyctl serve`. No test contacts
// the real service.

#include "AlpacaStandIn.h"
#include "KellyctlFixture.h"
#include "Store.h"
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <cmath>

using namespace kelly;

namespace {

const QString kKeyId = QStringLiteral("test-key-id");
const QString kSecret = QStringLiteral("test-secret-key");

} // namespace

class TestKellyctlSync : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init() { QVERIFY(setUpStore()); }

    void syncFillsAccountPositionsAndSnapshot();
    void syncRemovesWhatTheBrokerNoLongerLists();
    void rateLimitWaitsRetryAfterThenSucceeds();
    void rateLimitRetriesThreeTimesAfterTheFirst();
    void rateLimitReadsRetryAfterAsAnHttpDate();
    void failureLeavesTheStoreUnchanged_data();
    void failureLeavesTheStoreUnchanged();
    void intervalIsValidated();
    void withoutOnceItSyncsOnScheduleAndOutlivesFailures();
    void dashboardIntervalSettingIsValidated_data();
    void dashboardIntervalSettingIsValidated();
    void applyBrokerSyncIsAllOrNothing();
    void syncReadsTheBrokersMarginAndRates();
    void syncReadsEachAssetAtMostOnceADay();
    void failedAssetReadKeepsTheLastGoodRate();
    void negativeEquitySyncsAndSizesAsNoEquity();

    void serveAnswersLikeSizeAndStatus();
    void serveSeesAModeSwitchBetweenRequests();
    void serveAnswersBadRequestsAndGoesOn();
    void serveRepeatedRequestIdRecordsOnce();
    void serveRequestIdOutlivesTheProcess();
    void serveRefusesALineOverOneMebibyteAndGoesOn();
    void serveSizesAgainstTheBookItIsGiven();

private:
    KellyctlRun sync(const QString& scenario, const QProcessEnvironment& extra = {}) const;
    QProcessEnvironment brokerEnvironment(const QString& scenario) const;
    void verifyNoKeysAnywhere(const KellyctlRun& run) const;

    kelly::test::AlpacaStandIn m_standin;
};

void TestKellyctlSync::initTestCase()
{
    const QString whyNot = m_standin.start();
    QVERIFY2(whyNot.isEmpty(), qPrintable(whyNot));
}

void TestKellyctlSync::cleanupTestCase()
{
    m_standin.stop();
}

QProcessEnvironment TestKellyctlSync::brokerEnvironment(const QString& scenario) const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("APCA_API_KEY_ID"), kKeyId);
    env.insert(QStringLiteral("APCA_API_SECRET_KEY"), kSecret);
    env.insert(QStringLiteral("APCA_API_BASE_URL"),
               m_standin.baseUrl() + QLatin1Char('/') + scenario);
    return env;
}

KellyctlRun TestKellyctlSync::sync(const QString& scenario, const QProcessEnvironment& extra) const
{
    QProcessEnvironment env = brokerEnvironment(scenario);
    env.insert(extra);
    return run(args({"sync", "alpaca", "--once"}), env);
}

void TestKellyctlSync::verifyNoKeysAnywhere(const KellyctlRun& result) const
{
    for (const QString& text : {result.out, result.err}) {
        QVERIFY2(!text.contains(kKeyId), qPrintable(text));
        QVERIFY2(!text.contains(kSecret), qPrintable(text));
    }
    const QString dump = testing::dumpStore(storePath());
    QVERIFY(!dump.contains(kKeyId));
    QVERIFY(!dump.contains(kSecret));
    QFile log(sizingLog());
    if (log.open(QIODevice::ReadOnly))
        QVERIFY(!log.readAll().contains(kSecret.toUtf8()));
}

void TestKellyctlSync::syncFillsAccountPositionsAndSnapshot()
{
    const KellyctlRun result = sync(QStringLiteral("ok"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("3 positions")), qPrintable(result.out));
    verifyNoKeysAnywhere(result);

    const QJsonObject account = jsonObject(run(args({"account", "show", "--json"})).out);
    QCOMPARE(account.value(QStringLiteral("equity")).toDouble(), 100000.5);
    QCOMPARE(account.value(QStringLiteral("buying_power")).toDouble(), 400000.75);

    const QJsonArray positions =
        QJsonDocument::fromJson(run(args({"positions", "--json"})).out.toUtf8()).array();
    QCOMPARE(positions.size(), 3);
    QHash<QString, QJsonObject> bySymbol;
    for (const QJsonValue& p : positions)
        bySymbol.insert(p.toObject().value(QStringLiteral("symbol")).toString(), p.toObject());
    QCOMPARE(bySymbol.value(QStringLiteral("NVDA")).value(QStringLiteral("qty")).toDouble(), 100.0);
    QCOMPARE(bySymbol.value(QStringLiteral("NVDA")).value(QStringLiteral("price")).toDouble(),
             150.5);
    QCOMPARE(bySymbol.value(QStringLiteral("NVDA")).value(QStringLiteral("avg_entry")).toDouble(),
             140.25);
    // A short has side "short" and a negative quantity; crypto symbols normalise (SPEC 1).
    QCOMPARE(bySymbol.value(QStringLiteral("TSLA")).value(QStringLiteral("qty")).toDouble(), -20.0);
    QCOMPARE(bySymbol.value(QStringLiteral("BTCUSD")).value(QStringLiteral("qty")).toDouble(), 0.5);

    store::Store store;
    QString error;
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    std::vector<store::SnapshotRecord> snapshots;
    QVERIFY(store.loadSnapshots(&snapshots, 0, &error));
    QCOMPARE(snapshots.size(), size_t(1));
    QCOMPARE(snapshots.front().snapshot.portfolioValueUsd, 100000.5);
    QCOMPARE(snapshots.front().grossUsd, 100 * 150.5 + 20 * 250.0 + 0.5 * 50000.0);
    std::optional<store::BrokerSyncRecord> last;
    QVERIFY(store.loadLastBrokerSync(&last, &error));
    QVERIFY(last);
    QCOMPARE(last->origin, QStringLiteral("alpaca"));
    QCOMPARE(last->positionCount, 3);
    QCOMPARE(store::isoUtc(last->syncedAt), kNow);
}

void TestKellyctlSync::syncRemovesWhatTheBrokerNoLongerLists()
{
    QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "10", "--price", "200"})).exitCode, 0);
    QCOMPARE(sync(QStringLiteral("ok")).exitCode, 0);
    const KellyctlRun later = sync(QStringLiteral("later"));
    QVERIFY2(later.exitCode == 0, qPrintable(later.err));
    QVERIFY2(later.out.contains(QStringLiteral("removed: TSLA")), qPrintable(later.out));

    const QJsonArray positions =
        QJsonDocument::fromJson(run(args({"positions", "--json"})).out.toUtf8()).array();
    QStringList symbols;
    for (const QJsonValue& p : positions)
        symbols << p.toObject().value(QStringLiteral("symbol")).toString();
    QCOMPARE(symbols, (QStringList{QStringLiteral("BTCUSD"), QStringLiteral("NVDA")}));
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT removed FROM broker_syncs"
                                                            " ORDER BY id LIMIT 1")),
             QStringLiteral("AAPL"));
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM snapshots")),
             QStringLiteral("2"));
}

void TestKellyctlSync::rateLimitWaitsRetryAfterThenSucceeds()
{
    QElapsedTimer timer;
    timer.start();
    // Two 429s with Retry-After: 1, then the account: the third try succeeds.
    const KellyctlRun result = sync(QStringLiteral("ratelimited-2-1/retry-test"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(timer.elapsed() >= 2000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(jsonObject(run(args({"account", "show", "--json"})).out)
                 .value(QStringLiteral("equity"))
                 .toDouble(),
             100000.5);
}

// Issue 24 (SPEC 14): three retries after the first try; the client made three tries in all.
void TestKellyctlSync::rateLimitRetriesThreeTimesAfterTheFirst()
{
    const KellyctlRun result = sync(QStringLiteral("ratelimited-3-0/three-retries"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const KellyctlRun gaveUp = sync(QStringLiteral("ratelimited-4-0/four-429s"));
    QCOMPARE(gaveUp.exitCode, 1);
    QVERIFY2(gaveUp.err.contains(QLatin1String("HTTP 429 (rate limited) 4 times")),
             qPrintable(gaveUp.err));
}

// Issue 24: a Retry-After given as an HTTP date was counted as 1 s. Three seconds after the
// reply's Date (two or three by the second the stand-in's Date falls in).
void TestKellyctlSync::rateLimitReadsRetryAfterAsAnHttpDate()
{
    QElapsedTimer timer;
    timer.start();
    const KellyctlRun result = sync(QStringLiteral("ratelimited-date-1-3/date-test"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(timer.elapsed() >= 1900, qPrintable(QString::number(timer.elapsed())));
}

void TestKellyctlSync::failureLeavesTheStoreUnchanged_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("401") << QStringLiteral("unauthorized") << kKeyId << 2
                         << QStringLiteral("credentials rejected (HTTP 401)");
    QTest::newRow("403") << QStringLiteral("forbidden") << kKeyId << 2
                         << QStringLiteral("credentials rejected (HTTP 403)");
    QTest::newRow("wrong key") << QStringLiteral("ok") << QStringLiteral("not-the-key") << 2
                               << QStringLiteral("credentials rejected");
    QTest::newRow("no key") << QStringLiteral("ok") << QStringLiteral("") << 2
                            << QStringLiteral("APCA_API_KEY_ID: not set");
    QTest::newRow("500") << QStringLiteral("error500") << kKeyId << 1
                         << QStringLiteral("GET /v2/account: HTTP 500");
    QTest::newRow("429 three times")
        << QStringLiteral("ratelimited-9-0/give-up") << kKeyId << 1 << QStringLiteral("HTTP 429");
    QTest::newRow("truncated JSON")
        << QStringLiteral("truncated") << kKeyId << 1 << QStringLiteral("not valid JSON");
    QTest::newRow("reply cut off")
        << QStringLiteral("cutoff") << kKeyId << 1 << QStringLiteral("GET /v2/positions");
    QTest::newRow("missing field") << QStringLiteral("missing-field") << kKeyId << 1
                                   << QStringLiteral("buying_power: missing");
    QTest::newRow("slow reply") << QStringLiteral("slow") << kKeyId << 1
                                << QStringLiteral("timeout");
    QTest::newRow("not http") << QStringLiteral("::bad") << kKeyId << 2
                              << QStringLiteral("APCA_API_BASE_URL");
}

void TestKellyctlSync::failureLeavesTheStoreUnchanged()
{
    QFETCH(QString, scenario);
    QFETCH(QString, keyId);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    QCOMPARE(sync(QStringLiteral("ok")).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "10", "--price", "200"})).exitCode, 0);
    const QString before = testing::dumpStore(storePath());

    QProcessEnvironment extra;
    if (keyId.isEmpty())
        extra.insert(QStringLiteral("APCA_API_KEY_ID"), QString());
    else
        extra.insert(QStringLiteral("APCA_API_KEY_ID"), keyId);
    if (scenario.startsWith(QLatin1String("::")))
        extra.insert(QStringLiteral("APCA_API_BASE_URL"), QStringLiteral("ftp://127.0.0.1/"));
    // The test runner shortens the 10 s timeout; the rule is the same.
    extra.insert(brokerTimeoutForTests(500));
    QElapsedTimer timer;
    timer.start();
    const KellyctlRun result = sync(scenario, extra);
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(timer.elapsed() < 20000);
    QCOMPARE(testing::dumpStore(storePath()), before);
    verifyNoKeysAnywhere(result);
}

void TestKellyctlSync::intervalIsValidated()
{
    const KellyctlRun result =
        run(args({"sync", "alpaca", "--interval", "0.5"}), brokerEnvironment(QStringLiteral("ok")));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("interval:")), qPrintable(result.err));
}

// The long-running form: a sync every S seconds; a failed one is reported and the next runs.
void TestKellyctlSync::withoutOnceItSyncsOnScheduleAndOutlivesFailures()
{
    qsizetype okSyncs = 0;
    for (const QString& scenario : {QStringLiteral("ok"), QStringLiteral("error500")}) {
        QProcess sync;
        QProcessEnvironment env = KellyctlRunner::environment(brokerEnvironment(scenario));
        sync.setProcessEnvironment(env);
        sync.start(QStringLiteral(KELLYCTL_PATH),
                   processArguments(args({"sync", "alpaca", "--interval", "1"})));
        QVERIFY(sync.waitForStarted());
        QByteArray out, err;
        QElapsedTimer timer;
        timer.start();
        while ((out + err).count('\n') < 2 && timer.elapsed() < 15000) {
            sync.waitForReadyRead(500);
            out += sync.readAllStandardOutput();
            err += sync.readAllStandardError();
        }
        QCOMPARE(sync.state(), QProcess::Running); // still going after two rounds
        sync.kill();
        sync.waitForFinished();
        out += sync.readAllStandardOutput();
        err += sync.readAllStandardError();
        if (scenario == QLatin1String("ok")) {
            okSyncs = out.count("synced from alpaca");
            QVERIFY2(okSyncs >= 2, out.constData());
        } else {
            QVERIFY2(err.count("HTTP 500 (store unchanged; next try in 1 s)") >= 2,
                     err.constData());
        }
    }
    // Only the successful rounds wrote (one audit row each).
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM broker_syncs")),
             QString::number(okSyncs));
}

void TestKellyctlSync::dashboardIntervalSettingIsValidated_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stored");
    QTest::newRow("every 30 s") << QStringLiteral("30") << 0 << QStringLiteral("30");
    QTest::newRow("off") << QString() << 0 << QString();
    QTest::newRow("too often") << QStringLiteral("1") << 2 << QString();
    QTest::newRow("over a day") << QStringLiteral("86401") << 2 << QString();
    QTest::newRow("not a number") << QStringLiteral("nan") << 2 << QString();
}

void TestKellyctlSync::dashboardIntervalSettingIsValidated()
{
    QFETCH(QString, value);
    QFETCH(int, exitCode);
    QFETCH(QString, stored);
    const KellyctlRun set =
        run(QStringList{QStringLiteral("set"), QStringLiteral("broker_sync_interval_s"), value});
    QCOMPARE(set.exitCode, exitCode);
    if (exitCode != 0)
        QVERIFY2(set.err.contains(QStringLiteral("broker_sync_interval_s:")), qPrintable(set.err));
    QCOMPARE(run(args({"get", "broker_sync_interval_s"})).out.trimmed(), stored);
}

// The store refuses a sync it cannot write whole, and writes nothing of it.
void TestKellyctlSync::applyBrokerSyncIsAllOrNothing()
{
    QCOMPARE(sync(QStringLiteral("ok")).exitCode, 0);
    const QString before = testing::dumpStore(storePath());
    store::Store store;
    QString error;
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    const UtcTime now = *store::parseIsoUtc(kNow);
    store::BrokerSync twice{QStringLiteral("alpaca"),
                            1000.0,
                            1000.0,
                            {Position{"AAPL", 1, 100, 90}, Position{"aapl", 2, 100, 90}}};
    QVERIFY(!store.applyBrokerSync(twice, now, nullptr, &error));
    QVERIFY2(error.contains(QStringLiteral("listed twice")), qPrintable(error));
    store::BrokerSync badPrice{
        QStringLiteral("alpaca"), 1000.0, 1000.0, {Position{"AAPL", 1, std::nan(""), 90}}};
    QVERIFY(!store.applyBrokerSync(badPrice, now, nullptr, &error));
    QVERIFY2(error.startsWith(QStringLiteral("price:")), qPrintable(error));
    store::BrokerSync notFinite{QStringLiteral("alpaca"), std::nan(""), 1000.0, {}};
    QVERIFY(!store.applyBrokerSync(notFinite, now, nullptr, &error));
    QVERIFY2(error.startsWith(QStringLiteral("equity:")), qPrintable(error));
    store::BrokerSync badRate{QStringLiteral("alpaca"), 1000.0, 1000.0, {}};
    badRate.assetRates.emplace_back(QStringLiteral("NVDA"), BrokerMarginRate{true, 1.5, 0.3});
    QVERIFY(!store.applyBrokerSync(badRate, now, nullptr, &error));
    QVERIFY2(error.startsWith(QStringLiteral("margin_requirement of NVDA")), qPrintable(error));
    store.close();
    QCOMPARE(testing::dumpStore(storePath()), before);
}

// SPEC 14/15: the account's maintenance_margin and each held stock's /v2/assets rates, from
// an account without the day-trading fields Alpaca removed on 2026-07-06.
void TestKellyctlSync::syncReadsTheBrokersMarginAndRates()
{
    const KellyctlRun result = sync(QStringLiteral("ok"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
    const QJsonObject status = jsonObject(run(args({"status", "--json"})).out);
    QCOMPARE(status.value(QStringLiteral("broker_maintenance")).toDouble(), 31200.0);
    const QJsonObject margin = jsonObject(run(args({"margin", "--json"})).out);
    QHash<QString, QJsonObject> bySymbol;
    for (const QJsonValue& p : margin.value(QStringLiteral("positions")).toArray())
        bySymbol.insert(p.toObject().value(QStringLiteral("symbol")).toString(), p.toObject());
    // TSLA is short: the broker's short requirement (50%) applies.
    QCOMPARE(bySymbol.value(QStringLiteral("TSLA")).value(QStringLiteral("rate")).toDouble(), 0.5);
    QCOMPARE(bySymbol.value(QStringLiteral("TSLA")).value(QStringLiteral("source")).toString(),
             QStringLiteral("broker"));
    QCOMPARE(bySymbol.value(QStringLiteral("TSLA")).value(QStringLiteral("req_usd")).toDouble(),
             0.5 * 20 * 250.0);
    QCOMPARE(bySymbol.value(QStringLiteral("NVDA")).value(QStringLiteral("source")).toString(),
             QStringLiteral("broker"));
    // Crypto is never read from the broker: always 100%, from the table.
    QCOMPARE(bySymbol.value(QStringLiteral("BTCUSD")).value(QStringLiteral("rate")).toDouble(),
             1.0);
    QCOMPARE(bySymbol.value(QStringLiteral("BTCUSD")).value(QStringLiteral("source")).toString(),
             QStringLiteral("default"));
}

void TestKellyctlSync::syncReadsEachAssetAtMostOnceADay()
{
    // The stand-in counts asset reads per scenario prefix: each run gets its own.
    const QString scenario = QStringLiteral("ok/daily%1").arg(QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(sync(scenario).exitCode, 0);
    store::Store store;
    QString error;
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    QHash<QString, UtcTime> fetched;
    QVERIFY(store.loadBrokerRateTimes(&fetched, &error));
    QCOMPARE(fetched.keys().size(), 2); // NVDA and TSLA; never BTCUSD
    QCOMPARE(store::isoUtc(fetched.value(QStringLiteral("NVDA"))), kNow);
    // Overwrite the stored rate: a second sync the same day must not read it again.
    store.close();
    QVERIFY2(testing::execRawSql(storePath(),
                                 QStringLiteral("UPDATE broker_margin_rates SET long_rate = 0.45"
                                                " WHERE symbol = 'NVDA'"),
                                 &error),
             qPrintable(error));
    QCOMPARE(sync(scenario).exitCode, 0);
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    MarginRates rates;
    QVERIFY(store.loadMarginRates(&rates, &error));
    QCOMPARE(rates.broker.at("NVDA").longRate, 0.45);
}

void TestKellyctlSync::failedAssetReadKeepsTheLastGoodRate()
{
    QCOMPARE(sync(QStringLiteral("ok")).exitCode, 0);
    QString error;
    QVERIFY2(testing::execRawSql(storePath(),
                                 QStringLiteral("UPDATE broker_margin_rates SET fetched_at ="
                                                " '2020-01-01T00:00:00Z'"),
                                 &error),
             qPrintable(error));
    const KellyctlRun failed = sync(QStringLiteral("assetfail"));
    QVERIFY2(failed.exitCode == 0, qPrintable(failed.err));
    QVERIFY2(failed.err.contains(QStringLiteral("TSLA: margin rate not read")),
             qPrintable(failed.err));
    store::Store store;
    QVERIFY2(store.open(storePath(), &error), qPrintable(error));
    MarginRates rates;
    QVERIFY(store.loadMarginRates(&rates, &error));
    QCOMPARE(rates.broker.at("TSLA").shortRate, 0.5); // the last good rate
    QHash<QString, UtcTime> fetched;
    QVERIFY(store.loadBrokerRateTimes(&fetched, &error));
    QCOMPARE(store::isoUtc(fetched.value(QStringLiteral("TSLA"))),
             QStringLiteral("2020-01-01T00:00:00Z"));
    QCOMPARE(store::isoUtc(fetched.value(QStringLiteral("NVDA"))), kNow); // read again
}

void TestKellyctlSync::negativeEquitySyncsAndSizesAsNoEquity()
{
    const KellyctlRun result = sync(QStringLiteral("deficit"));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject account = jsonObject(run(args({"account", "show", "--json"})).out);
    QCOMPARE(account.value(QStringLiteral("equity")).toDouble(), -5000.5);
    const QJsonObject size = jsonObject(run(args({"size", "AAPL", "200", "--json"})).out);
    QCOMPARE(size.value(QStringLiteral("qty")).toDouble(), 0.0);
    QCOMPARE(size.value(QStringLiteral("binding")).toString(), QStringLiteral("no equity"));
}

namespace {

// A running `kellyctl serve`: one request line in, one answer line out.
class ServeProcess
{
public:
    explicit ServeProcess(const QStringList& arguments)
    {
        m_process.setProcessEnvironment(KellyctlRunner::environment({}));
        m_process.start(QStringLiteral(KELLYCTL_PATH), arguments);
    }
    ~ServeProcess()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }
    QJsonObject ask(const QByteArray& line)
    {
        m_process.write(line + '\n');
        while (!m_process.canReadLine())
            if (!m_process.waitForReadyRead(10000))
                return {};
        return QJsonDocument::fromJson(m_process.readLine()).object();
    }
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
};

} // namespace

void TestKellyctlSync::serveAnswersLikeSizeAndStatus()
{
    QCOMPARE(run(args({"position", "set", "AAPL", "--qty", "10", "--price", "200"})).exitCode, 0);
    ServeProcess serve(processArguments(args({"serve"})));
    const QJsonObject sized =
        serve.ask(R"({"id": 7, "command": "size", "symbol": "NVDA", "price": 150, "mu": null,)"
                  R"( "sigma": null, "mode": null, "dry_run": true, "reduce": false})");
    QCOMPARE(sized.value(QStringLiteral("id")).toInt(), 7);
    const QJsonObject result = sized.value(QStringLiteral("result")).toObject();
    const QJsonObject viaSize =
        jsonObject(run(args({"size", "NVDA", "150", "--dry-run", "--json"})).out);
    QCOMPARE(result, viaSize); // same keys, same figures (SPEC 8: 1600)
    QCOMPARE(result.value(QStringLiteral("qty")).toDouble(), 1600.0);

    const QJsonObject status = serve.ask(R"({"id": "s", "command": "status"})");
    QCOMPARE(status.value(QStringLiteral("id")).toString(), QStringLiteral("s"));
    QCOMPARE(status.value(QStringLiteral("result")).toObject(),
             jsonObject(run(args({"status", "--json"})).out));

    // Recorded like a kellyctl size: the decision (origin serve) and the log line.
    const QJsonObject recorded =
        serve.ask(R"({"id": 8, "command": "size", "symbol": "BTC/USD", "price": 50000})");
    QCOMPARE(
        recorded.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        1.2);
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT origin || ' ' || symbol FROM"
                                                            " sizing_decisions")),
             QStringLiteral("serve BTCUSD"));
    QFile log(sizingLog());
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("BTCUSD: Enhanced Kelly sizing with no leverage (crypto)"));
}

void TestKellyctlSync::serveSeesAModeSwitchBetweenRequests()
{
    ServeProcess serve(processArguments(args({"serve"})));
    const QByteArray request = R"({"id": 1, "command": "size", "symbol": "NVDA", "price": 150})";
    QCOMPARE(serve.ask(request)
                 .value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("qty"))
                 .toDouble(),
             1600.0);
    QCOMPARE(run(args({"mode", "legacy"})).exitCode, 0);
    const QJsonObject legacy = serve.ask(request).value(QStringLiteral("result")).toObject();
    QCOMPARE(legacy.value(QStringLiteral("method")).toString(), QStringLiteral("legacy"));
    QCOMPARE(legacy.value(QStringLiteral("qty")).toDouble(), 800.0);
}

void TestKellyctlSync::serveAnswersBadRequestsAndGoesOn()
{
    ServeProcess serve(processArguments(args({"serve"})));
    const QJsonObject badPrice =
        serve.ask(R"({"id": 3, "command": "size", "symbol": "NVDA", "price": -1})");
    QCOMPARE(badPrice.value(QStringLiteral("id")).toInt(), 3);
    const QJsonObject error = badPrice.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), 2);
    QCOMPARE(error.value(QStringLiteral("field")).toString(), QStringLiteral("price"));
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());

    const QJsonObject notJson = serve.ask("this is not json");
    QVERIFY(notJson.contains(QStringLiteral("id")));
    QVERIFY(notJson.value(QStringLiteral("id")).isNull());
    QCOMPARE(
        notJson.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), 2);

    const QJsonObject badMu =
        serve.ask(R"({"id": 4, "command": "size", "symbol": "NVDA", "price": 150, "mu": "x"})");
    QCOMPARE(
        badMu.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
        QStringLiteral("mu"));
    const QJsonObject unknown = serve.ask(R"({"id": 5, "command": "buy"})");
    QCOMPARE(
        unknown.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
        QStringLiteral("command"));

    // Still serving, and nothing was recorded for the refused requests.
    const QJsonObject fine =
        serve.ask(R"({"id": 6, "command": "size", "symbol": "NVDA", "price": 150})");
    QCOMPARE(
        fine.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        1600.0);
    QCOMPARE(
        testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("1"));
    serve.process().closeWriteChannel();
    QVERIFY(serve.process().waitForFinished(10000));
    QCOMPARE(serve.process().exitCode(), 0);
}

// Issue 24 (SPEC 14): a client that retries after a lost answer never records twice.
void TestKellyctlSync::serveRepeatedRequestIdRecordsOnce()
{
    ServeProcess serve(processArguments(args({"serve"})));
    const QByteArray request =
        R"({"id": 1, "request_id": "bot-1", "command": "size", "symbol": "NVDA", "price": 150})";
    const QJsonObject first = serve.ask(request);
    QCOMPARE(first.value(QStringLiteral("id")).toInt(), 1);
    const QJsonObject result = first.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("qty")).toDouble(), 1600.0);
    const QJsonObject again = serve.ask(request);
    QCOMPARE(again, first);
    // The same request_id under another id answers the first answer with the new id.
    const QJsonObject retried = serve.ask(
        R"({"id": 2, "request_id": "bot-1", "command": "size", "symbol": "NVDA", "price": 150})");
    QCOMPARE(retried.value(QStringLiteral("id")).toInt(), 2);
    QCOMPARE(retried.value(QStringLiteral("result")).toObject(), result);
    QCOMPARE(
        testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("1"));
    // Another request_id, or none, records again; a bad one is refused by name.
    QVERIFY(serve
                .ask(R"({"id": 3, "request_id": "bot-2", "command": "size", "symbol": "NVDA",)"
                     R"( "price": 150})")
                .contains(QStringLiteral("result")));
    QVERIFY(serve.ask(R"({"id": 4, "command": "size", "symbol": "NVDA", "price": 150})")
                .contains(QStringLiteral("result")));
    const QJsonObject badId = serve.ask(
        R"({"id": 5, "request_id": 7, "command": "size", "symbol": "NVDA", "price": 150})");
    QCOMPARE(
        badId.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
        QStringLiteral("request_id"));
    QCOMPARE(
        testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("3"));
}

// Issue 24 item 8: the serve that recorded the decision died before its answer reached the
// bot; the retry goes to a new serve process, which answers the first answer from the store
// and records nothing more.
void TestKellyctlSync::serveRequestIdOutlivesTheProcess()
{
    const QByteArray request =
        R"({"id": 1, "request_id": "bot-7", "command": "size", "symbol": "NVDA", "price": 150})";
    QJsonObject first;
    {
        ServeProcess serve(processArguments(args({"serve"})));
        first = serve.ask(request);
        serve.process().kill();
        QVERIFY(serve.process().waitForFinished(10000));
    }
    QCOMPARE(
        first.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        1600.0);
    // The book moved in between: a new sizing would differ, the replay must not.
    QCOMPARE(
        run(args({"account", "set", "--equity", "50000", "--buying-power", "200000"})).exitCode, 0);
    ServeProcess retry(processArguments(args({"serve"})));
    const QJsonObject again = retry.ask(request);
    QCOMPARE(again, first);
    QCOMPARE(
        testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("1"));
    // A dry run with a request_id records nothing, so nothing is kept for it.
    QVERIFY(retry
                .ask(R"({"id": 2, "request_id": "bot-8", "command": "size", "symbol": "NVDA",)"
                     R"( "price": 150, "dry_run": true})")
                .contains(QStringLiteral("result")));
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM serve_answers")),
             QStringLiteral("1"));
    retry.process().closeWriteChannel();
    QVERIFY(retry.process().waitForFinished(10000));
}

// Issue 24 (SPEC 14): refused with code 2, read in chunks, and the server goes on.
void TestKellyctlSync::serveRefusesALineOverOneMebibyteAndGoesOn()
{
    ServeProcess serve(processArguments(args({"serve"})));
    QByteArray huge = R"({"id": 9, "command": "size", "symbol": "NVDA", "price": 150, "pad": ")";
    huge += QByteArray(4 * 1024 * 1024, 'x') + R"("})";
    const QJsonObject refused = serve.ask(huge);
    const QJsonObject error = refused.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), 2);
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("1 MiB")),
             qPrintable(error.value(QStringLiteral("message")).toString()));
    QVERIFY(refused.value(QStringLiteral("id")).isNull());
    const QJsonObject fine =
        serve.ask(R"({"id": 10, "command": "size", "symbol": "NVDA", "price": 150})");
    QCOMPARE(fine.value(QStringLiteral("id")).toInt(), 10);
    QCOMPARE(
        fine.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        1600.0);
    QCOMPARE(
        testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("1"));
}

// Issue 24 item 16 (SPEC 14): a request's `positions` is the book that call sizes against
// (the drop-in's argument), read as `import` reads Alpaca's; the store's book is untouched.
void TestKellyctlSync::serveSizesAgainstTheBookItIsGiven()
{
    ServeProcess serve(processArguments(args({"serve"})));
    const QJsonObject filled =
        serve.ask(R"({"id": 1, "command": "size", "symbol": "NVDA", "price": 150, "dry_run": true,)"
                  R"( "positions": [{"symbol": "NVDA", "qty": "300", "side": "long",)"
                  R"( "market_value": "45000"}]})");
    // (60% x 100,000 - 45,000) x 4 / 150 = 400 instead of SPEC 8's 1600.
    QCOMPARE(
        filled.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        400.0);
    QCOMPARE(testing::rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM positions")),
             QStringLiteral("0"));
    const QJsonObject bad = serve.ask(
        R"({"id": 2, "command": "size", "symbol": "NVDA", "price": 150, "positions": 7})");
    QCOMPARE(
        bad.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
        QStringLiteral("positions"));
    const QJsonObject plain =
        serve.ask(R"({"id": 3, "command": "size", "symbol": "NVDA", "price": 150,)"
                  R"( "dry_run": true, "positions": null})");
    QCOMPARE(
        plain.value(QStringLiteral("result")).toObject().value(QStringLiteral("qty")).toDouble(),
        1600.0);
}

QTEST_GUILESS_MAIN(TestKellyctlSync)
#include "tst_kellyctl_sync.moc"
