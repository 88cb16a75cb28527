// Issue 25: the store keeps its read statements prepared across calls (a serve session).
// A kept statement must be finished after each read, so it holds no SQLite read snapshot
// between calls (a checkpoint could not complete behind it), and the kept statements must
// be dropped when a lost PostgreSQL connection is opened again (the new session has none of
// them prepared). On PostgreSQL every query is a round trip: a sizing call's are counted.

#include "SizingService.h"
#include "Store.h"
#include "StoreTestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>
#include <dlfcn.h>
#include <functional>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestStoreStatements : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keptReadsHoldNoSnapshot();
    void keptStatementsAreDroppedOnReconnect();
    void sizingCallRoundTrips();
    void theSnapshotReadKeepsItsPartsApart();
    void aOneShotCallPreparesNothing();
    void aFailedCommitInTheNotifysQueryIsReported();
    void aClearRetentionCheckHoldsForAMinute();
    void aDecisionInOneQueryIsWrittenWhole();
    void stampsAreTheTextQtWrites();

private:
    // A store with an account and three snapshots: the SPEC 4 reads stop at the first row.
    QString filledStore(Store* store);
    QTemporaryDir m_dir;
    const UtcTime m_now = utc(2026, 11, 25, 15);
};

QString TestStoreStatements::filledStore(Store* store)
{
    QString error;
    const QString name = testing::newStoreName(m_dir.path(), QStringLiteral("s.sqlite"), &error);
    if (name.isEmpty() || !store->open(name, &error) ||
        !store->setAccount(100000, 400000, m_now, &error))
        qFatal("%s", qPrintable(error));
    for (int hoursAgo : {1, 2, 30}) // the last one before New York's midnight
        if (!store->addSnapshot(
                PortfolioSnapshot{m_now - std::chrono::hours(hoursAgo), 100000.0 + hoursAgo},
                100000, 0, &error))
            qFatal("%s", qPrintable(error));
    return name;
}

// Each kept read runs twice (the second run reuses the statement), then another connection
// writes and checkpoints the WAL to its start: a reader left on an older snapshot makes it
// busy.
void TestStoreStatements::keptReadsHoldNoSnapshot()
{
    KELLY_SQLITE_ONLY("a WAL checkpoint shows a reader's snapshot");
    Store store;
    const QString name = filledStore(&store);
    QString error;
    for (int pass = 0; pass < 2; ++pass) {
        double threshold = 0;
        AccountRecord account;
        EffectiveSettings settings;
        MarginRates rates;
        std::optional<VolatilityMetrics> metrics;
        std::optional<QByteArray> answer;
        std::vector<PortfolioSnapshot> guard;
        QVERIFY2(store.riskThreshold(m_now, 2.0, &threshold, &error), qPrintable(error));
        QVERIFY2(store.loadAccount(&account, &error), qPrintable(error));
        QVERIFY2(store.effectiveSettings(Environment{}, &settings, &error), qPrintable(error));
        QVERIFY2(store.loadMarginRates(&rates, &error), qPrintable(error));
        QVERIFY2(store.loadLatestMetrics(QStringLiteral("NVDA"), &metrics, &error),
                 qPrintable(error));
        QVERIFY2(store.loadServeAnswer(QStringLiteral("r1"), &answer, &error), qPrintable(error));
        QVERIFY2(store.loadGuardSnapshots(m_now, &guard, &error), qPrintable(error));
        QCOMPARE(account.account.equityUsd, 100000.0);
        QCOMPARE(guard.size(), std::size_t(2));
    }
    {
        QSqlDatabase other =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("checkpointer"));
        other.setDatabaseName(name);
        other.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
        QVERIFY(other.open());
        QSqlQuery query(other);
        QVERIFY(query.exec(QStringLiteral("UPDATE account SET equity_usd = 90000")));
        QVERIFY(query.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 0); // busy: a reader kept an older snapshot
        query.finish();
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("checkpointer"));
    AccountRecord account;
    QVERIFY2(store.loadAccount(&account, &error), qPrintable(error));
    QCOMPARE(account.account.equityUsd, 90000.0); // and the kept reader sees the new commit
}

// The store's session is ended by the server; the reads after it reconnect and must prepare
// their statements again on the new session.
void TestStoreStatements::keptStatementsAreDroppedOnReconnect()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: a SQLite file has no session to lose");
    Store store;
    const QString name = filledStore(&store);
    QString error;
    const auto readAll = [&](QString* why) {
        double threshold = 0;
        AccountRecord account;
        EffectiveSettings settings;
        return store.effectiveSettings(Environment{}, &settings, why) &&
               store.loadAccount(&account, why) &&
               store.riskThreshold(m_now, 2.0, &threshold, why) &&
               account.account.equityUsd == 100000.0;
    };
    QVERIFY2(readAll(&error), qPrintable(error)); // prepares and keeps them
    for (int lost = 0; lost < 2; ++lost) {
        QVERIFY2(testing::execRawSql(name,
                                     QStringLiteral("SELECT pg_terminate_backend(pid) FROM"
                                                    " pg_stat_activity WHERE datname ="
                                                    " current_database() AND pid <>"
                                                    " pg_backend_pid()"),
                                     &error),
                 qPrintable(error));
        // The first read may find the connection gone (and say so); the next ones reconnect.
        readAll(&error);
        for (int again = 0; again < 3; ++again)
            QVERIFY2(readAll(&error), qPrintable(error));
    }
}

namespace {

// The queries the store's PostgreSQL connection sends while `work` runs, read from libpq's
// own trace of the protocol (QPSQL sends every statement as one simple query, so one
// "Query" message from the client is one round trip); with `containing`, only the queries
// holding that text. libpq is already loaded: QPSQL links it.
int queriesSent(const std::function<void()>& work, const QByteArray& containing = {})
{
    using Trace = void (*)(void*, FILE*);
    using Untrace = void (*)(void*);
    void* libpq = dlopen("libpq.so.5", RTLD_NOW | RTLD_NOLOAD);
    const auto trace = libpq ? reinterpret_cast<Trace>(dlsym(libpq, "PQtrace")) : nullptr;
    const auto untrace = libpq ? reinterpret_cast<Untrace>(dlsym(libpq, "PQuntrace")) : nullptr;
    const QStringList names = QSqlDatabase::connectionNames();
    if (!trace || !untrace || names.size() != 1)
        qFatal("no libpq, or not one store connection");
    const QVariant handle = QSqlDatabase::database(names.front(), false).driver()->handle();
    void* connection = *static_cast<void* const*>(handle.constData());
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("trace"));
    FILE* file = std::fopen(QFile::encodeName(path).constData(), "w");
    trace(connection, file);
    work();
    untrace(connection);
    std::fclose(file);
    QFile text(path);
    if (!text.open(QIODevice::ReadOnly))
        qFatal("no trace");
    int queries = 0;
    for (const QByteArray& line : text.readAll().split('\n'))
        queries += line.contains("\tF\t") && line.contains("\tQuery\t") &&
                           (containing.isEmpty() || line.contains(containing))
                       ? 1
                       : 0;
    return queries;
}

} // namespace

// Issue 25: a sizing call reads the order's correlation in the inputs' own read snapshot
// (was a transaction of its own: BEGIN and COMMIT more), the settings with the halt marker,
// the account with its positions and the guard's and SPEC 4's snapshots in one statement each
// (were eight), and a recorded one commits with its NOTIFY in one query. Counted on the
// third call: the second prepares the statements.
void TestStoreStatements::sizingCallRoundTrips()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: SQLite has no round trips");
    Store store;
    filledStore(&store);
    QString error;
    bool found = false;
    bool refused = false;
    // Both margin tables are read in one statement: an override must come back from it.
    QVERIFY2(store.writeMarginOverride(QStringLiteral("AMD"), 0.5, SettingOrigin::Cli, m_now,
                                       &found, &refused, &error),
             qPrintable(error));
    SizingService service(store, Environment{});
    SizingCall call;
    call.request.symbol = "NVDA";
    call.request.priceUsd = 150;
    SizingOutcome outcome;
    const auto size = [&](bool dryRun) {
        call.dryRun = dryRun;
        return queriesSent([&] {
            if (!service.size(call, m_now, &outcome, &error))
                qFatal("%s", qPrintable(error));
        });
    };
    for (bool dryRun : {true, false}) {
        size(dryRun);
        size(dryRun);
        const int queries = size(dryRun);
        qInfo("%s sizing call: %d queries", dryRun ? "dry-run" : "recorded", queries);
        // BEGIN, the settings with the halt's audit row, the account with its positions, the
        // margin rates, the snapshots, the metrics, the correlation, COMMIT; the decision.
        QVERIFY2(queries <= (dryRun ? 8 : 9), "more round trips than issue 25 left");
        QCOMPARE(outcome.marginRates.overrides.at("AMD"), 0.5);
    }
}

// Issue 25: the guard's and SPEC 4's snapshot reads are one statement of four parts. Each
// part must keep to its own rows: the high-water mark over all of them, the guard's day start
// and SPEC 4's latest before New York midnight (05:00 UTC) only before it, SPEC 4's latest
// over all of them.
void TestStoreStatements::theSnapshotReadKeepsItsPartsApart()
{
    Store store;
    // 100,001 at 14:00 UTC, 100,002 at 13:00, 100,030 the day before at 09:00.
    const QString name = filledStore(&store);
    QString error;
    const UtcTime dayBefore = m_now - std::chrono::hours(30);
    const std::vector<PortfolioSnapshot> guardExpected{{m_now, 100030.0}, {dayBefore, 100030.0}};
    // Below the day start: 2.0. Parts mixed up (the high-water mark as the latest) give 4.0.
    const std::vector<PortfolioSnapshot> thresholdInputs{{m_now - std::chrono::hours(1), 100001.0},
                                                         {dayBefore, 100030.0}};
    const double thresholdExpected = kelly::riskThreshold(thresholdInputs, 4.0, m_now);
    QCOMPARE(thresholdExpected, 2.0);
    for (int pass = 0; pass < 3; ++pass) { // unprepared, preparing, prepared
        for (const bool withGuard : {true, false}) {
            std::vector<PortfolioSnapshot> guard{{m_now, -1.0}};
            double threshold = -1;
            std::vector<StoreProblem> problems;
            QVERIFY2(store.loadSizingSnapshots(m_now, withGuard, 4.0, &guard, &threshold, &error,
                                               &problems),
                     qPrintable(error));
            QCOMPARE(guard.size(), withGuard ? std::size_t(2) : std::size_t(0));
            for (std::size_t i = 0; i < guard.size(); ++i) {
                QCOMPARE(guard[i].observedAt, guardExpected[i].observedAt);
                QCOMPARE(guard[i].portfolioValueUsd, guardExpected[i].portfolioValueUsd);
            }
            QCOMPARE(threshold, thresholdExpected);
            QVERIFY(problems.empty());
        }
        std::vector<PortfolioSnapshot> guard;
        QVERIFY2(store.loadGuardSnapshots(m_now, &guard, &error), qPrintable(error));
        QCOMPARE(guard.size(), std::size_t(2));
        QCOMPARE(guard[1].observedAt, dayBefore);
        double threshold = -1;
        QVERIFY2(store.riskThreshold(m_now, 4.0, &threshold, &error), qPrintable(error));
        QCOMPARE(threshold, thresholdExpected);
    }
}

// Issue 25: a one-shot process (`kellyctl size`) reads each statement once, and a PREPARE
// is a round trip of its own: a new connection's first sizing call sends its reads
// unprepared, with the values written in; one used again is prepared at its second use and
// then only executed (a serve session's counts above). Every use sizes the same.
void TestStoreStatements::aOneShotCallPreparesNothing()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: SQLite has no round trips");
    QString name;
    QString error;
    bool found = false;
    bool refused = false;
    {
        Store seed;
        name = filledStore(&seed);
        QVERIFY2(seed.writeMarginOverride(QStringLiteral("AMD"), 0.5, SettingOrigin::Cli, m_now,
                                          &found, &refused, &error),
                 qPrintable(error));
    }
    Store store;
    QVERIFY2(store.open(name, &error), qPrintable(error));
    SizingService service(store, Environment{});
    SizingCall call;
    call.request.symbol = "NVDA";
    call.request.priceUsd = 150;
    std::vector<SizingOutcome> outcomes;
    const auto size = [&](const QByteArray& containing) {
        SizingOutcome outcome;
        const int queries = queriesSent(
            [&] {
                if (!service.size(call, m_now, &outcome, &error))
                    qFatal("%s", qPrintable(error));
            },
            containing);
        outcomes.push_back(std::move(outcome));
        return queries;
    };
    const int oneShot = size({});
    qInfo("a new connection's recorded sizing call: %d queries", oneShot);
    // BEGIN and COMMIT of the read snapshot, its 6 reads, the retention check, the decision.
    QVERIFY2(oneShot <= 10, "more round trips than a one-shot call needs");
    QVERIFY(size("PREPARE") > 0); // the second use prepares the reads
    QCOMPARE(size("PREPARE"), 0);
    for (const SizingOutcome& outcome : outcomes) {
        QCOMPARE(outcome.marginRates.overrides.at("AMD"), 0.5);
        QCOMPARE(outcome.riskThreshold, outcomes.front().riskThreshold);
        QCOMPARE(outcome.result.qty, outcomes.front().result.qty);
        QCOMPARE(outcome.logLines, outcomes.front().logLines);
    }
}

// A write's NOTIFY and COMMIT go as one query: a COMMIT that fails (here a deferred trigger
// refuses the account's row, as a serialization failure would) must fail the write, and
// nothing is written.
void TestStoreStatements::aFailedCommitInTheNotifysQueryIsReported()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: SQLite has no NOTIFY");
    Store store;
    const QString name = filledStore(&store);
    QString error;
    QVERIFY2(testing::execRawSql(
                 name,
                 QStringLiteral("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE"
                                " plpgsql AS 'BEGIN RAISE EXCEPTION ''refused at commit''; END';\n"
                                "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER UPDATE ON"
                                " account DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE"
                                " FUNCTION refuse_at_commit()"),
                 &error),
             qPrintable(error));
    QVERIFY(!store.setAccount(200000, 400000, m_now, &error));
    QVERIFY2(error.contains(QLatin1String("refused at commit")), qPrintable(error));
    AccountRecord account;
    QVERIFY2(store.loadAccount(&account, &error), qPrintable(error));
    QCOMPARE(account.account.equityUsd, 100000.0);
}

// Issue 25: a serve session asked the store for expired rows before every recorded
// decision. A check that found nothing is trusted for a minute of later cutoffs; an
// "expired" answer is never kept (the prune it asks for may fail or be left to another
// process: the next call checks again).
void TestStoreStatements::aClearRetentionCheckHoldsForAMinute()
{
    Store store;
    filledStore(&store);
    QString error;
    const UtcTime cutoff = m_now - std::chrono::days(365);
    bool expired = true;
    QVERIFY2(store.hasExpired(cutoff, &expired, &error), qPrintable(error));
    QVERIFY(!expired);
    SizingDecision old; // written by another process, say
    old.decidedAt = cutoff - std::chrono::days(1);
    old.result.symbol = "OLD";
    old.origin = QStringLiteral("cli");
    old.host = QStringLiteral("bot");
    old.result.priceUsd = 1.0;
    QVERIFY2(store.recordDecision(old, nullptr, &error), qPrintable(error));
    QVERIFY2(store.hasExpired(cutoff + std::chrono::seconds(59), &expired, &error),
             qPrintable(error));
    QVERIFY(!expired); // the clear check a second ago stands
    QVERIFY2(store.hasExpired(cutoff - std::chrono::seconds(1), &expired, &error),
             qPrintable(error));
    QVERIFY(expired); // an earlier cutoff is not covered: asked again
    store.hasExpired(cutoff, &expired, &error);
    QVERIFY(expired);
    for (int seconds : {1, 60}) {
        QVERIFY2(store.hasExpired(cutoff + std::chrono::seconds(seconds), &expired, &error),
                 qPrintable(error));
        QVERIFY(expired); // found, and not forgotten by the next call
    }
}

// Issue 25: on PostgreSQL a decision's BEGIN, insert, NOTIFY and COMMIT are one query, its
// values written into it as literals. Text with quotes, a semicolon and a backslash comes
// back as given, figures to the bit; an insert refused at once or at the COMMIT fails the
// call with the server's reason, leaves nothing, and the connection takes the next write.
void TestStoreStatements::aDecisionInOneQueryIsWrittenWhole()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: SQLite binds the values");
    Store store;
    const QString name = filledStore(&store);
    QString error;
    QVERIFY2(testing::execRawSql(
                 name,
                 QStringLiteral(
                     "CREATE FUNCTION refuse_decision() RETURNS trigger LANGUAGE plpgsql AS"
                     " 'BEGIN RAISE EXCEPTION ''refused %'', NEW.symbol; END';\n"
                     "CREATE TRIGGER refuse_now BEFORE INSERT ON sizing_decisions FOR EACH ROW"
                     " WHEN (NEW.symbol = 'NOW') EXECUTE FUNCTION refuse_decision();\n"
                     "CREATE CONSTRAINT TRIGGER refuse_late AFTER INSERT ON sizing_decisions"
                     " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.symbol = 'LATE')"
                     " EXECUTE FUNCTION refuse_decision()"),
                 &error),
             qPrintable(error));
    SizingDecision decision;
    decision.decidedAt = m_now;
    decision.origin = QStringLiteral("it's; DROP TABLE account; --\\'");
    decision.host = QStringLiteral("h\u00f6st \"q\"");
    decision.result.priceUsd = 2.0 / 3.0;
    decision.result.qtyRaw = 1e-300;
    decision.equityUsd = 123456.78901234567;
    for (const char* refused : {"NOW", "LATE"}) {
        decision.result.symbol = refused;
        QVERIFY(!store.recordDecision(decision, nullptr, &error));
        QVERIFY2(error.contains(QStringLiteral("refused %1").arg(QLatin1String(refused))),
                 qPrintable(error));
    }
    decision.result.symbol = "NVDA";
    qint64 id = 0;
    QVERIFY2(store.recordDecision(decision, &id, &error), qPrintable(error));
    std::vector<SizingDecision> stored;
    QVERIFY2(store.loadDecisions(&stored, 0, &error), qPrintable(error));
    QCOMPARE(stored.size(), std::size_t(1));
    QCOMPARE(stored[0].id, id);
    QCOMPARE(stored[0].origin, decision.origin);
    QCOMPARE(stored[0].host, decision.host);
    QCOMPARE(stored[0].result.priceUsd, decision.result.priceUsd);
    QCOMPARE(stored[0].result.qtyRaw, decision.result.qtyRaw);
    QCOMPARE(stored[0].equityUsd, decision.equityUsd);
    QVERIFY(!stored[0].muGiven);
    // From its second use on a connection the insert is prepared under a name of ours (the
    // server parses and plans it once), in the use's own query, then only executed with the
    // same literals. The refused LATE try prepared it already: the NVDA one names it anew.
    for (int again = 0; again < 2; ++again) {
        const int executed = queriesSent(
            [&] {
                if (!store.recordDecision(decision, &id, &error))
                    qFatal("%s", qPrintable(error));
            },
            "EXECUTE kelly_insert_");
        QCOMPARE(executed, 1);
    }
    QVERIFY2(store.loadDecisions(&stored, 0, &error), qPrintable(error));
    QCOMPARE(stored.size(), std::size_t(3));
    for (const SizingDecision& row : stored) {
        QCOMPARE(row.origin, decision.origin);
        QCOMPARE(row.host, decision.host);
        QCOMPARE(row.result.priceUsd, decision.result.priceUsd);
        QCOMPARE(row.result.qtyRaw, decision.result.qtyRaw);
        QCOMPARE(row.equityUsd, decision.equityUsd);
        QVERIFY(!row.muGiven);
    }
}

// isoUtc formats years 1-9999 itself (a serve request stamps 7 times): the same text as
// QDateTime's Qt::ISODate, at the edges of each field, of leap years and of the range, and
// at 20,000 seconds spread over it; and every stamp reads back as the same time.
void TestStoreStatements::stampsAreTheTextQtWrites()
{
    std::vector<qint64> seconds{
        0,          -1,           59,           86399,        86400,        951782400, 951868799,
        4107542399, -62135596800, -62135596801, 253402300799, 253402300800, 1796601600};
    for (qint64 i = 0, from = -62135596800, to = 253402300799; i < 20000; ++i)
        seconds.push_back(from + (to - from) / 19999 * i + i % 86400);
    for (const qint64 second : seconds) {
        const UtcTime time{std::chrono::seconds(second)};
        const QString expected =
            QDateTime::fromSecsSinceEpoch(second, Qt::UTC).toString(Qt::ISODate);
        QCOMPARE(isoUtc(time), expected);
        if (!expected.isEmpty() && !expected.startsWith(QLatin1Char('-')))
            QCOMPARE(parseIsoUtc(isoUtc(time)), std::optional<UtcTime>(time));
    }
}

QTEST_GUILESS_MAIN(TestStoreStatements)
#include "tst_store_statements.moc"
