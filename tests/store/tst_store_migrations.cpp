// Issue 3: a v1 file is upgraded in one transaction; a newer file, a non-SQLite file and a
// foreign SQLite database are refused and left byte-for-byte untouched.

#include "ClosePlanTables.h"
#include "Store.h"
#include "StoreTestSupport.h"
#include "risk/Correlation.h"
#include "risk/OrderCorrelation.h"
#include "risk/PriceFile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::readBytes;

class TestStoreMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void newFileGetsCurrentSchema();
    void reopeningIsANoOp();
    void version1FileIsUpgradedWithItsData();
    void version2FileGainsAuditDetail();
    void version3BuildReadsBackAfterPacking();
    void version4DecisionReadsAsNotCorrelationAware();
    void orderCorrelationMatchesTheLoadedBuild();
    void version3FileGainsTheCloseTables();
    void version9RowsGainNoMarginAndTheMarginTablesStartEmpty();
    void everyVersionReachesTheCalendarRule_data();
    void everyVersionReachesTheCalendarRule();
    void version3FileKeepsServeAnswersWithTheirDecision();
    void refusesUntouched_data();
    void refusesUntouched();
    void createsMissingFolder();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    // A store file as schema `version` wrote it, from tests/store/fixtures/store_vN.sql;
    // `copy` names another file of the same fixture.
    bool fixtureStore(int version, QString* file, const QString& copy = {}) const
    {
        *file = path(QStringLiteral("v%1%2.sqlite").arg(version).arg(copy));
        QFile fixture(
            QStringLiteral(KELLY_SOURCE_DIR "/tests/store/fixtures/store_v%1.sql").arg(version));
        QString error;
        if (!fixture.open(QIODevice::ReadOnly) ||
            !testing::execRawSql(*file, QString::fromUtf8(fixture.readAll()), &error)) {
            qWarning("fixture v%d: %s", version, qPrintable(error));
            return false;
        }
        return testing::rawScalar(*file, QStringLiteral("PRAGMA user_version")) ==
               QString::number(version);
    }
    // One sizing decision as the v3 schema holds it, before any later column existed.
    static bool insertOldDecision(const QString& file, QString* error)
    {
        return testing::execRawSql(
            file,
            QStringLiteral(
                "INSERT INTO sizing_decisions (decided_at, origin, symbol, asset_class,"
                " price_usd, requested_mode, method, qty, qty_raw, base_fraction,"
                " target_fraction, risk_multiplier, binding, equity_usd, buying_power_usd,"
                " risk_threshold, intraday_limit, overnight_limit, symbol_cap_pct) VALUES"
                " ('2026-11-20T15:00:00Z', 'cli', 'NVDA', 'stock', 150, 'enhanced',"
                " 'enhanced', 1600, 2666.67, 1, 4, 4, 'symbol cap', 100000, 400000, 2, 4,"
                " 2, 60);\n"),
            error);
    }
    QTemporaryDir m_dir;
};

void TestStoreMigrations::newFileGetsCurrentSchema()
{
    Store store;
    QString error;
    QVERIFY2(store.open(path(QStringLiteral("new.sqlite")), &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    QCOMPARE(testing::rawScalar(store.path(), QStringLiteral("PRAGMA user_version")),
             QString::number(Store::kSchemaVersion));
    QCOMPARE(testing::rawScalar(store.path(), QStringLiteral("PRAGMA journal_mode")),
             QStringLiteral("wal"));
}

void TestStoreMigrations::reopeningIsANoOp()
{
    const QString file = path(QStringLiteral("again.sqlite"));
    QString error;
    {
        Store store;
        QVERIFY2(store.open(file, &error), qPrintable(error));
        QVERIFY(store.setAccount(1000, 2000, testing::utc(2026, 11, 25, 15), &error));
    }
    const QString before = testing::dumpStore(file);
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    store.close();
    QCOMPARE(testing::dumpStore(file), before);
}

void TestStoreMigrations::version1FileIsUpgradedWithItsData()
{
    QString file;
    QVERIFY(fixtureStore(1, &file));
    QString error;

    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);

    AccountRecord record;
    QVERIFY2(store.loadAccount(&record, &error), qPrintable(error));
    QCOMPARE(record.account.equityUsd, 100000.0);
    QCOMPARE(record.account.positions.size(), size_t(2));
    QCOMPARE(record.account.positions[0].symbol, std::string("BTCUSD"));
    QCOMPARE(record.account.positions[0].qty, -0.5);
    QCOMPARE(record.account.positions[1].avgEntryUsd, 140.0);

    QString mode;
    QVERIFY(store.readSetting(SettingKey::Mode, &mode, &error));
    QCOMPARE(mode, QStringLiteral("legacy"));
    std::vector<AuditEntry> audit;
    QVERIFY(store.loadAudit(&audit, 0, &error));
    QCOMPARE(audit.size(), size_t(1));
    QVERIFY(!audit[0].oldValue.has_value());

    // The tables version 2 added work.
    SizingDecision decision;
    decision.decidedAt = testing::utc(2026, 11, 25, 15);
    decision.origin = QStringLiteral("cli");
    decision.result.symbol = "NVDA";
    decision.result.priceUsd = 150;
    qint64 id = 0;
    QVERIFY2(store.recordDecision(decision, &id, &error), qPrintable(error));
    QVERIFY(id > 0);
}

// Issue 6: v2 -> v3 adds settings_audit.detail; old rows read back with no detail, and the
// mode history they hold still drives a resume.
void TestStoreMigrations::version2FileGainsAuditDetail()
{
    QString file;
    QVERIFY(fixtureStore(2, &file));
    QString error;

    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);

    std::vector<AuditEntry> audit;
    QVERIFY2(store.loadAudit(&audit, 0, &error), qPrintable(error));
    QCOMPARE(audit.size(), size_t(3));
    QCOMPARE(audit[0].newValue, QStringLiteral("legacy"));
    QCOMPARE(audit[1].key, QStringLiteral("symbol_cap_pct"));
    for (const AuditEntry& entry : audit)
        QVERIFY(!entry.detail.has_value());

    const UtcTime now = testing::utc(2026, 11, 25, 15);
    QVERIFY2(store.writeSetting(SettingKey::Mode, QStringLiteral("halt"), SettingOrigin::Guard, now,
                                &error, QStringLiteral("drawdown 10.00% >= 10.00%")),
             qPrintable(error));
    QVERIFY2(store.loadAudit(&audit, 1, &error), qPrintable(error));
    QCOMPARE(audit[0].origin, QStringLiteral("guard"));
    QCOMPARE(audit[0].oldValue, std::optional<QString>(QStringLiteral("legacy")));
    QCOMPARE(audit[0].detail, std::optional<QString>(QStringLiteral("drawdown 10.00% >= 10.00%")));

    bool wasHalted = false;
    SizingMode resumed = SizingMode::Enhanced;
    QVERIFY2(store.resumeFromHalt(SettingOrigin::Cli, now, &wasHalted, &resumed, &error),
             qPrintable(error));
    QVERIFY(wasHalted);
    QCOMPARE(resumed, SizingMode::Legacy);
}

// Issue 4: v3 -> v4 packs correlation builds (one triangle, compressed counts, the
// covariance's parts). A build written in the old full layout still reads back exactly, and
// the next build is packed and reads back exactly too.
void TestStoreMigrations::version3BuildReadsBackAfterPacking()
{
    QString file;
    QVERIFY(fixtureStore(3, &file));
    QString error;

    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    std::optional<StoredCorrelationBuild> loaded;
    QVERIFY2(store.loadLatestCorrelationBuild(&loaded, &error), qPrintable(error));
    QVERIFY(loaded);
    QCOMPARE(loaded->id, qint64(7));
    const CorrelationBuild old = loaded->build;
    QCOMPARE(old.symbols, (std::vector<std::string>{"AAPL", "BTCUSD", "NVDA"}));
    const std::vector<std::optional<double>> correlation{
        1.0, 0.25, -0.5, 0.25, 1.0, std::nullopt, -0.5, std::nullopt, 1.0};
    QCOMPARE(old.correlation, correlation);
    QCOMPARE(old.observations, (std::vector<int>{249, 180, 249, 180, 365, 12, 249, 12, 249}));
    QCOMPARE(old.covarianceDaily,
             (std::vector<double>{4e-4, 5e-5, -1e-4, 5e-5, 9e-4, 0.0, -1e-4, 0.0, 6.25e-4}));
    QCOMPARE(old.shrinkage, 0.125);
    QVERIFY(!old.metrics[1].sharpeRatio);
    QCOMPARE(old.quality[2].missing, 116);

    const auto prices = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    QVERIFY(prices.ok());
    const CorrelationBuild fresh = buildCorrelation(prices.value());
    qint64 id = 0;
    QVERIFY2(store.saveCorrelationBuild(fresh, testing::utc(2026, 11, 25, 21), &id, &error),
             qPrintable(error));
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT group_concat(layout, ',') FROM"
                                                     " (SELECT layout FROM correlation_builds"
                                                     " ORDER BY id)")),
             QStringLiteral("1,2"));
    QVERIFY2(store.loadLatestCorrelationBuild(&loaded, &error), qPrintable(error));
    QCOMPARE(loaded->id, id);
    QCOMPARE(loaded->build.correlation, fresh.correlation);
    QCOMPARE(loaded->build.observations, fresh.observations);
    QCOMPARE(loaded->build.covarianceDaily, fresh.covarianceDaily);
    QCOMPARE(loaded->build.dailyVolatility, fresh.dailyVolatility);
}

// Issue 14: v4 -> v5 adds SPEC 11's figures to sizing_decisions. A decision recorded before
// reads back as not correlation-aware, with no reason (the feature did not exist), and the
// next decision keeps its figures.
void TestStoreMigrations::version4DecisionReadsAsNotCorrelationAware()
{
    QString file;
    QVERIFY(fixtureStore(3, &file, QStringLiteral("-decisions")));
    QString error;
    QVERIFY2(insertOldDecision(file, &error), qPrintable(error));

    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    std::vector<SizingDecision> decisions;
    QVERIFY2(store.loadDecisions(&decisions, 0, &error), qPrintable(error));
    QCOMPARE(decisions.size(), size_t(1));
    const SizingResult& old = decisions.front().result;
    QCOMPARE(old.qty, 1600.0);
    QVERIFY(!old.correlationAware);
    QVERIFY(!old.correlationReason && !old.bookCov && !old.baseFractionUncorrelated &&
            !old.qtyUncorrelated);
    QVERIFY(old.uncovered.empty());

    SizingDecision decision;
    decision.decidedAt = testing::utc(2026, 11, 25, 15);
    decision.origin = QStringLiteral("cli");
    decision.result.symbol = "NVDA";
    decision.result.priceUsd = 150;
    decision.result.qty = 860;
    decision.result.correlationAware = true;
    decision.result.bookCov = 0.000241897;
    decision.result.baseFractionUncorrelated = 0.625;
    decision.result.qtyUncorrelated = 1600;
    decision.result.uncovered = {"TSLA", "BRK.B"};
    QVERIFY2(store.recordDecision(decision, nullptr, &error), qPrintable(error));
    decision.result.correlationAware = false;
    decision.result.bookCov.reset();
    decision.result.correlationReason = CorrelationReason::StaleBuild;
    decision.result.uncovered.clear();
    QVERIFY2(store.recordDecision(decision, nullptr, &error), qPrintable(error));
    QVERIFY2(store.loadDecisions(&decisions, 0, &error), qPrintable(error));
    QCOMPARE(decisions.size(), size_t(3));
    QCOMPARE(decisions[0].result.correlationReason, std::optional(CorrelationReason::StaleBuild));
    QVERIFY(!decisions[0].result.bookCov);
    const SizingResult& applied = decisions[1].result;
    QVERIFY(applied.correlationAware);
    QVERIFY(!applied.correlationReason);
    QCOMPARE(*applied.bookCov, 0.000241897);
    QCOMPARE(*applied.baseFractionUncorrelated, 0.625);
    QCOMPARE(*applied.qtyUncorrelated, 1600.0);
    QCOMPARE(applied.uncovered, (std::vector<std::string>{"TSLA", "BRK.B"}));
}

// Issue 22: the close tables (schema 11) reach an old file; kept data and new rows coexist.
void TestStoreMigrations::version3FileGainsTheCloseTables()
{
    QString file;
    QVERIFY(fixtureStore(3, &file, QStringLiteral("-close")));
    QString error;
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    testing::checkClosePlanTables(store);
    store.close();
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT count(*) FROM close_orders")),
             QStringLiteral("1"));
}

// Issue 24 item 8: v12 -> v13 adds serve_answers. An answer is stored in its decision's
// transaction; a second answer to the same request_id fails and takes its decision with it.
void TestStoreMigrations::version3FileKeepsServeAnswersWithTheirDecision()
{
    QString file;
    QVERIFY(fixtureStore(3, &file, QStringLiteral("-answers")));
    QString error;
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    SizingDecision decision;
    decision.decidedAt = testing::utc(2026, 12, 6, 15);
    decision.origin = QStringLiteral("serve");
    decision.result.symbol = "NVDA";
    decision.result.priceUsd = 150;
    decision.result.qty = 1600;
    qint64 id = 0;
    const auto answerWith = [&](const QByteArray& answer) {
        return [&store, answer, &decision](qint64 decisionId, QString* error) {
            return store.insertServeAnswer(QStringLiteral("bot-1"), decisionId, decision.decidedAt,
                                           answer, error);
        };
    };
    QVERIFY2(store.recordDecision(decision, &id, &error, answerWith(R"({"qty":1600})")),
             qPrintable(error));
    std::optional<QByteArray> stored;
    QVERIFY2(store.loadServeAnswer(QStringLiteral("bot-1"), &stored, &error), qPrintable(error));
    QCOMPARE(stored, std::optional<QByteArray>(R"({"qty":1600})"));
    QVERIFY(!store.recordDecision(decision, &id, &error, answerWith(R"({"qty":1})")));
    QVERIFY2(store.loadServeAnswer(QStringLiteral("bot-2"), &stored, &error), qPrintable(error));
    QVERIFY(!stored);
    store.close();
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT count(*) FROM sizing_decisions")),
             QStringLiteral("1"));
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT answer_json FROM serve_answers")),
             QStringLiteral(R"({"qty":1600})"));
}

// Issue 21: v9 -> v10 adds the margin (SPEC 15). A decision recorded before reads with no
// side, no margin and no Kelly multiple; the override and broker-rate tables start empty
// and take rows; the schema refuses a rate outside (0, 1].
void TestStoreMigrations::version9RowsGainNoMarginAndTheMarginTablesStartEmpty()
{
    QString file;
    QVERIFY(fixtureStore(3, &file, QStringLiteral("-margin")));
    QString error;
    QVERIFY2(insertOldDecision(file, &error), qPrintable(error));
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    std::vector<SizingDecision> decisions;
    QVERIFY2(store.loadDecisions(&decisions, 0, &error), qPrintable(error));
    QCOMPARE(decisions.size(), size_t(1));
    QVERIFY(!decisions.front().result.direction);
    QVERIFY(!decisions.front().result.kellyMultiple);
    QCOMPARE(decisions.front().result.maintenanceAfterUsd, 0.0);
    MarginRates rates;
    QVERIFY2(store.loadMarginRates(&rates, &error), qPrintable(error));
    QVERIFY(rates.overrides.empty() && rates.broker.empty());

    bool found = false;
    bool refused = false;
    const UtcTime now = testing::utc(2026, 11, 25, 15);
    QVERIFY2(store.writeMarginOverride(QStringLiteral("nvda"), 0.5, SettingOrigin::Cli, now, &found,
                                       &refused, &error),
             qPrintable(error));
    QVERIFY(!store.writeMarginOverride(QStringLiteral("NVDA"), 0.2, SettingOrigin::Cli, now, &found,
                                       &refused, &error));
    QVERIFY2(refused && error.startsWith(QStringLiteral("rate:")), qPrintable(error));
    QVERIFY2(store.loadMarginRates(&rates, &error), qPrintable(error));
    QCOMPARE(rates.overrides.at("NVDA"), 0.5);
    store.close();
    // Written around the Store, a rate over 100% is refused by the schema itself.
    QVERIFY(!testing::execRawSql(file,
                                 QStringLiteral("INSERT INTO margin_overrides VALUES"
                                                " ('AAPL', 1.5, '2026-11-25T15:00:00Z');\n"),
                                 &error));
}

// Issue 14: SPEC 11's targeted read equals bookCorrelationFromBuild on the whole loaded
// build, for a layout 1 build with a blank cell (the v3 fixture) and a layout 2 build.
void TestStoreMigrations::orderCorrelationMatchesTheLoadedBuild()
{
    QString file;
    QVERIFY(fixtureStore(3, &file, QStringLiteral("-order")));
    QString error;
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    const auto compare = [&](const std::vector<std::string>& held) {
        std::optional<StoredCorrelationBuild> loaded;
        QVERIFY2(store.loadLatestCorrelationBuild(&loaded, &error), qPrintable(error));
        Account account{100'000, 400'000, {}};
        for (const std::string& symbol : held)
            account.positions.push_back({symbol, 10, 100, 100});
        for (const std::string& order : loaded->build.symbols) {
            std::optional<UtcTime> dataDate;
            BookCorrelation read;
            QVERIFY2(store.loadOrderCorrelation(QString::fromStdString(order), account, &dataDate,
                                                &read, &error),
                     qPrintable(error));
            QVERIFY(dataDate.has_value()); // SPEC 5: the data's date, read in SQL
            QCOMPARE(dataDate, kelly::store::correlationDataDate(loaded->build));
            const BookCorrelation expected =
                bookCorrelationFromBuild(loaded->build, order, account);
            QCOMPARE(read.unavailable, expected.unavailable);
            QCOMPARE(read.rhoWithOrder, expected.rhoWithOrder);
            QCOMPARE(read.sigmaDaily, expected.sigmaDaily);
        }
        std::optional<UtcTime> dataDate;
        BookCorrelation read;
        QVERIFY(
            store.loadOrderCorrelation(QStringLiteral("zzz"), account, &dataDate, &read, &error));
        QCOMPARE(read.unavailable, std::optional(CorrelationReason::SymbolNotInBuild));
    };
    compare({"AAPL", "BTCUSD", "NVDA", "TSLA"}); // layout 1; BTCUSD-NVDA blank, TSLA unknown

    const auto prices = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    QVERIFY(prices.ok());
    const CorrelationBuild fresh = buildCorrelation(prices.value());
    QVERIFY2(store.saveCorrelationBuild(fresh, testing::utc(2026, 11, 25, 21), nullptr, &error),
             qPrintable(error));
    std::vector<std::string> held = fresh.symbols;
    held.push_back("TSLA.X");
    compare(held); // layout 2: every cell of the triangle, from both sides
}

// Issue 24 item 10: from every fixture version, schema 12 refuses an impossible snapshot date
// and indexes broker syncs by time; a v11 store (the current one without version 12's
// objects) keeps the impossible date it already held.
void TestStoreMigrations::everyVersionReachesTheCalendarRule_data()
{
    QTest::addColumn<int>("version");
    for (int version : {1, 2, 3, 11})
        QTest::addRow("v%d", version) << version;
}

void TestStoreMigrations::everyVersionReachesTheCalendarRule()
{
    QFETCH(int, version);
    QString file;
    QString error;
    const QString insertImpossible = QStringLiteral(
        "INSERT INTO snapshots (observed_at, portfolio_value_usd, equity_usd, gross_usd)"
        " VALUES ('2026-02-30T15:00:00Z', 1, 1, 0)");
    if (version < 11) {
        QVERIFY(fixtureStore(version, &file, QStringLiteral("-calendar")));
    } else {
        file = path(QStringLiteral("v11.sqlite"));
        {
            Store store;
            QVERIFY2(store.open(file, &error), qPrintable(error));
        }
        QVERIFY2(testing::execRawSql(file,
                                     QStringLiteral("DROP TABLE serve_answers;\n" // 13
                                                    "DROP TRIGGER snapshots_calendar_insert;\n"
                                                    "DROP TRIGGER snapshots_calendar_update;\n"
                                                    "DROP INDEX broker_syncs_by_time;\n"
                                                    "PRAGMA user_version = 11"),
                                     &error),
                 qPrintable(error));
        QVERIFY2(testing::execRawSql(file, insertImpossible, &error), qPrintable(error));
    }
    Store store;
    QVERIFY2(store.open(file, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), Store::kSchemaVersion);
    store.close();
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE"
                                                     " name = 'broker_syncs_by_time'")),
             QStringLiteral("1"));
    QCOMPARE(testing::rawScalar(file, QStringLiteral("SELECT count(*) FROM snapshots WHERE"
                                                     " observed_at = '2026-02-30T15:00:00Z'")),
             QString::number(version == 11 ? 1 : 0));
    QVERIFY(!testing::execRawSql(file, insertImpossible, &error));
    QVERIFY2(error.contains(QLatin1String("observed_at must be a real UTC time")),
             qPrintable(error));
    QVERIFY2(testing::execRawSql(file,
                                 QStringLiteral("INSERT INTO snapshots (observed_at,"
                                                " portfolio_value_usd, equity_usd, gross_usd)"
                                                " VALUES ('2028-02-29T15:00:00Z', 1, 1, 0)"),
                                 &error),
             qPrintable(error));
}

void TestStoreMigrations::refusesUntouched_data()
{
    QTest::addColumn<QString>("setupSql"); // empty: write `bytes` instead
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("newer schema") << QStringLiteral("CREATE TABLE account (id INTEGER);\n"
                                                    "PRAGMA user_version = 99;\n")
                                  << QByteArray() << QStringLiteral("newer KellyDesk");
    QTest::newRow("foreign sqlite") << QStringLiteral("CREATE TABLE recipes (name TEXT);\n")
                                    << QByteArray() << QStringLiteral("not a KellyDesk store");
    QTest::newRow("text file") << QString()
                               << QByteArray("symbol,qty,price\nNVDA,1,2\nthis is not sqlite\n")
                               << QStringLiteral("not a SQLite database");
    QTest::newRow("short garbage")
        << QString() << QByteArray("abc") << QStringLiteral("not a SQLite database");
    QByteArray fakeHeader("SQLite format 2\0junkjunkjunkjunkjunk", 36);
    QTest::newRow("almost a header")
        << QString() << fakeHeader << QStringLiteral("not a SQLite database");
}

void TestStoreMigrations::refusesUntouched()
{
    QFETCH(QString, setupSql);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expectedMessage);
    const QString file =
        path(QStringLiteral("refused-%1.sqlite").arg(QLatin1String(QTest::currentDataTag())));
    QString error;
    if (setupSql.isEmpty()) {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
    } else {
        QVERIFY2(testing::execRawSql(file, setupSql, &error), qPrintable(error));
    }
    const QByteArray before = readBytes(file);
    QVERIFY(!before.isEmpty());

    Store store;
    QVERIFY(!store.open(file, &error));
    QVERIFY2(error.contains(expectedMessage), qPrintable(error));
    QVERIFY(!store.isOpen());
    QCOMPARE(readBytes(file), before);
    QVERIFY(!QFile::exists(file + QStringLiteral("-wal")));
}

void TestStoreMigrations::createsMissingFolder()
{
    Store store;
    QString error;
    QVERIFY2(store.open(path(QStringLiteral("a/b/store.sqlite")), &error), qPrintable(error));
    QVERIFY(QFile::exists(path(QStringLiteral("a/b/store.sqlite"))));
}

QTEST_GUILESS_MAIN(TestStoreMigrations)
#include "tst_store_migrations.moc"
