// Issue 12 through the real kellyctl binaries: contradictory settings (SPEC 7), values a bot
// writes around kellyctl (text in number columns, bad symbols, offset timestamps), the
// shipped binary's clock, a failed sizing.log write, edge numbers, lost updates, store
// names and exit codes, and reads that must not wait for a writer's lock.

#include "KellyctlFixture.h"
#include "StoreTestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using kelly::testing::execRawSql;
using kelly::testing::rawScalar;
using kelly::testing::readBytes;

namespace {

// A raw connection that holds SQLite's write lock (BEGIN IMMEDIATE) until released: a bot in
// the middle of a transaction.
class WriteLockHolder
{
public:
    explicit WriteLockHolder(const QString& path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), kName);
        db.setDatabaseName(path);
        db.open();
        QSqlQuery(db).exec(QStringLiteral("BEGIN IMMEDIATE"));
    }
    ~WriteLockHolder()
    {
        release();
        QSqlDatabase::database(kName, false).close();
        QSqlDatabase::removeDatabase(kName);
    }
    bool exec(const QString& sql) { return QSqlQuery(db()).exec(sql); }
    void release() { exec(QStringLiteral("COMMIT")); }

private:
    static QSqlDatabase db() { return QSqlDatabase::database(kName, false); }
    static inline const QString kName = QStringLiteral("lock-holder");
};

} // namespace

class TestKellyctlStoreSafety : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void contradictorySettingsAreRefused_data();
    void contradictorySettingsAreRefused();
    void badEnvironmentIsAnErrorButAHaltLands();
    void textInANumberColumn();
    void badPositionRowsAreReportedAndRemovable();
    void thresholdComparesInstants();
    void shippedBinaryHasNoClockHook();
    void failedLogWriteRecordsNothing();
    void edgeNumbers();
    void concurrentPartialUpdatesAreNotLost();
    void sizingLogIsNamedAfterTheStore();
    void dashboardRefusesAMistypedStore();
    void decisionsAndLogKeepTheirRetention();
    void unreadableSettingsExitOne();
    void readsDoNotWaitForAWriter();
    void haltWaitsForTheLockAndSaysSo();
    void malformedUrlsNeverEchoThePassword_data();
    void malformedUrlsNeverEchoThePassword();

private:
    int auditCount() const
    {
        return jsonDocumentArray(run({QStringLiteral("audit"), QStringLiteral("--json")}).out)
            .size();
    }
    static QJsonArray jsonDocumentArray(const QString& text)
    {
        return QJsonDocument::fromJson(text.toUtf8()).array();
    }
    bool raw(const QString& sql) const
    {
        QString error;
        const bool ok = execRawSql(storePath(), sql, &error);
        m_lastRawError = error;
        return ok;
    }
    // A store as version 4 left it: no validation triggers, any text as a time, none of the
    // later tables and columns (6: broker_syncs, 7: SPEC 11's decision figures, 8: host and lock,
    // 9: lab runs, 10: the margin, 11: the close plans).
    bool downgradeToVersion4() const
    {
        QString drop;
        for (const char* table : {"account", "positions", "snapshots"})
            for (const char* event : {"insert", "update"})
                drop += QStringLiteral("DROP TRIGGER %1_valid_%2;\n")
                            .arg(QLatin1String(table), QLatin1String(event));
        for (const char* column :
             {"correlation_aware", "correlation_reason", "book_cov", "base_fraction_uncorrelated",
              "qty_uncorrelated", "uncovered", "host", "mode_locked_by_env", "direction",
              "maintenance_before_usd", "maintenance_after_usd", "kelly_multiple"})
            drop += QStringLiteral("ALTER TABLE sizing_decisions DROP COLUMN %1;\n")
                        .arg(QLatin1String(column));                   // versions 7, 8 and 10
        return raw(drop + QStringLiteral("DROP TABLE serve_answers;\n" // version 13
                                         "DROP TRIGGER snapshots_calendar_insert;\n" // version 12
                                         "DROP TRIGGER snapshots_calendar_update;\n"
                                         "DROP TABLE close_orders;\n" // version 11
                                         "DROP TABLE close_plans;\n"
                                         "DROP TABLE broker_margin_rates;\n" // version 10
                                         "DROP TABLE margin_overrides;\n"
                                         "DROP TABLE lab_curve_points;\n"
                                         "DROP TABLE lab_run_methods;\n"
                                         "DROP TABLE lab_runs;\n"
                                         "DROP TABLE broker_syncs;\n"
                                         "DROP INDEX snapshots_by_value;\n"
                                         "DROP INDEX sizing_decisions_by_time;\n"
                                         "PRAGMA user_version = 4"));
    }
    mutable QString m_lastRawError;
};

void TestKellyctlStoreSafety::init()
{
    QVERIFY(setUpStore());
}

void TestKellyctlStoreSafety::contradictorySettingsAreRefused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    auto row = [](const char* name, std::initializer_list<const char*> arguments,
                  const char* message) {
        QTest::newRow(name) << args(arguments) << QString::fromLatin1(message);
    };
    row("intraday 50x", {"set", "max_intraday_leverage", "50"},
        "max_intraday_leverage: must be >= 1 and <= 10");
    row("overnight above intraday", {"set", "max_overnight_leverage", "8"},
        "must be <= max_intraday_leverage (4, stored)");
    row("intraday below overnight", {"set", "max_intraday_leverage", "1"},
        "lower max_overnight_leverage first");
    row("cap 500%", {"set", "symbol_cap_pct", "500"}, "symbol_cap_pct: must be > 0 and <= 100");
    row("rate as a percentage", {"set", "leverage_cost_annual", "6.5"},
        "a fraction: 6.5% is 0.065");
    row("guard at 100%", {"set", "guard_drawdown_pct", "100"}, "guard_drawdown_pct:");
}

void TestKellyctlStoreSafety::contradictorySettingsAreRefused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const int auditBefore = auditCount();
    const KellyctlRun refused = run(arguments);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(message), qPrintable(refused.err));
    QCOMPARE(auditCount(), auditBefore); // nothing written, no audit row
    // The limits sizing uses are the defaults still: 50x never reaches a target fraction.
    const QJsonObject sized =
        jsonObject(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150"),
                        QStringLiteral("--dry-run"), QStringLiteral("--json")})
                       .out);
    QCOMPARE(sized.value(QStringLiteral("target_fraction")).toDouble(), 4.0);
    // A cash account is reachable in the right order.
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("max_overnight_leverage"), QStringLiteral("1")})
            .exitCode,
        0);
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("max_intraday_leverage"), QStringLiteral("1")})
            .exitCode,
        0);
}

void TestKellyctlStoreSafety::badEnvironmentIsAnErrorButAHaltLands()
{
    const QStringList size{QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")};
    const KellyctlRun tooLow = run(size, envWith({{"MAX_INTRADAY_LEVERAGE", "0.3"}}));
    QCOMPARE(tooLow.exitCode, 2);
    QVERIFY2(tooLow.err.contains(QLatin1String("MAX_INTRADAY_LEVERAGE")), qPrintable(tooLow.err));
    const KellyctlRun contradicts =
        run({QStringLiteral("status")}, envWith({{"MAX_OVERNIGHT_LEVERAGE", "8"}}));
    QCOMPARE(contradicts.exitCode, 2);
    QVERIFY2(contradicts.err.contains(QLatin1String("environment MAX_OVERNIGHT_LEVERAGE")),
             qPrintable(contradicts.err));
    // A stored value that would contradict the environment is refused too.
    const KellyctlRun set =
        run({QStringLiteral("set"), QStringLiteral("max_overnight_leverage"), QStringLiteral("3")},
            envWith({{"MAX_INTRADAY_LEVERAGE", "2"}}));
    QCOMPARE(set.exitCode, 2);
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM settings_audit"
                                                   " WHERE key <> 'equity'")),
             QStringLiteral("0"));
    QVERIFY(!tooLow.err.contains(QLatin1String("NVDA:"))); // nothing sized
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
             QStringLiteral("0"));
    // Safety wins: a halt lands even while the environment is broken.
    const KellyctlRun halt = run({QStringLiteral("mode"), QStringLiteral("halt")},
                                 envWith({{"MAX_INTRADAY_LEVERAGE", "0.3"}}));
    QCOMPARE(halt.exitCode, 0);
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT value FROM settings WHERE key='mode'")),
             QStringLiteral("halt"));
}

void TestKellyctlStoreSafety::textInANumberColumn()
{
    // The schema refuses it...
    QVERIFY(!raw(QStringLiteral("UPDATE account SET equity_usd = '100,000.00'")));
    QVERIFY2(m_lastRawError.contains(QLatin1String("account: equity_usd must be a number")),
             qPrintable(m_lastRawError));
    QVERIFY(!raw(QStringLiteral("INSERT INTO snapshots (observed_at, portfolio_value_usd,"
                                " equity_usd, gross_usd) VALUES ('2026-11-25T20:00:00Z', 'lots',"
                                " 1, 0)")));
    // ... and a row written before version 5 is a store error, never equity 0.
    QVERIFY(downgradeToVersion4());
    QVERIFY(raw(QStringLiteral("UPDATE account SET equity_usd = '100,000.00'")));
    const KellyctlRun status = run({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.err.contains(QLatin1String("account.equity_usd holds '100,000.00'")),
             qPrintable(status.err));
    const KellyctlRun size = run({QStringLiteral("size"), QStringLiteral("NVDA"),
                                  QStringLiteral("150"), QStringLiteral("--json")});
    QCOMPARE(size.exitCode, 1);
    // account set repairs it.
    QCOMPARE(run({QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"),
                  QStringLiteral("100000")})
                 .exitCode,
             0);
    QCOMPARE(run({QStringLiteral("status")}).exitCode, 0);
}

void TestKellyctlStoreSafety::badPositionRowsAreReportedAndRemovable()
{
    const QString insert =
        QStringLiteral("INSERT INTO positions (symbol, qty, avg_entry_usd, last_price_usd,"
                       " updated_at) VALUES ('%1', 10, 0, 100, '2026-11-25T20:00:00Z')");
    QVERIFY(!raw(insert.arg(QLatin1String("aapl"))));
    QVERIFY2(m_lastRawError.contains(QLatin1String("positions: symbol must be")),
             qPrintable(m_lastRawError));
    QVERIFY(downgradeToVersion4());
    QVERIFY(raw(insert.arg(QLatin1String("aapl")) + QStringLiteral(";\n") +
                insert.arg(QLatin1String("BTC/USD")) + QStringLiteral(";\n") +
                insert.arg(QLatin1String("MSFT"))));

    const KellyctlRun status = run({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.err.contains(QLatin1String("positions row 'aapl': symbol: not normalised"
                                               " (AAPL)")),
             qPrintable(status.err));
    QVERIFY(status.err.contains(QLatin1String("positions row 'BTC/USD'")));
    QCOMPARE(jsonObject(status.out).value(QStringLiteral("positions")).toArray().size(), 1);
    // The rest keeps working; sizing the symbol the bad row may hold waits for a fix.
    QCOMPARE(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")}).exitCode,
             0);
    const KellyctlRun aapl =
        run({QStringLiteral("size"), QStringLiteral("AAPL"), QStringLiteral("150")});
    QCOMPARE(aapl.exitCode, 1);
    QVERIFY2(aapl.err.contains(QLatin1String("'aapl'")), qPrintable(aapl.err));
    QCOMPARE(run({QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"),
                  QStringLiteral("90000")})
                 .exitCode,
             0);
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                  QStringLiteral("--qty"), QStringLiteral("5"), QStringLiteral("--price"),
                  QStringLiteral("150")})
                 .exitCode,
             0);
    // `position rm` removes them by what was stored.
    QCOMPARE(
        run({QStringLiteral("position"), QStringLiteral("rm"), QStringLiteral("aapl")}).exitCode,
        0);
    QCOMPARE(
        run({QStringLiteral("position"), QStringLiteral("rm"), QStringLiteral("BTC/USD")}).exitCode,
        0);
    const KellyctlRun clean = run({QStringLiteral("positions")});
    QCOMPARE(clean.exitCode, 0);
    QVERIFY2(clean.err.isEmpty(), qPrintable(clean.err));
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT group_concat(symbol) FROM"
                                                   " (SELECT symbol FROM positions ORDER BY 1)")),
             QStringLiteral("MSFT,NVDA"));
}

void TestKellyctlStoreSafety::thresholdComparesInstants()
{
    // SPEC 4 on Wednesday 2026-06-10, 10:00 New York: midnight was 04:00Z. The day started at
    // 100,000 (03:30Z) and is down at 95,000 (04:30Z, stamped with its New York offset), so
    // legacy uses threshold 2.0: 800 NVDA, not max_gross 3's 1,200.
    const QString insert = QStringLiteral("INSERT INTO snapshots (observed_at,"
                                          " portfolio_value_usd, equity_usd, gross_usd)"
                                          " VALUES ('%1', %2, %2, 0)");
    QVERIFY(!raw(insert.arg(QLatin1String("2026-06-10T00:30:00-04:00")).arg(95000)));
    QVERIFY2(m_lastRawError.contains(QLatin1String("observed_at must be UTC")),
             qPrintable(m_lastRawError));
    QCOMPARE(run({QStringLiteral("set"), QStringLiteral("max_gross_leverage"), QStringLiteral("3")})
                 .exitCode,
             0);
    QVERIFY(downgradeToVersion4());
    QVERIFY(raw(insert.arg(QLatin1String("2026-06-10 03:30:00")).arg(100000) +
                QStringLiteral(";\n") +
                insert.arg(QLatin1String("2026-06-10T00:30:00-04:00")).arg(95000)));
    const KellyctlRun sized = m_runner->run(
        {QStringLiteral("--now"), QStringLiteral("2026-06-10T14:00:00Z"), QStringLiteral("size"),
         QStringLiteral("NVDA"), QStringLiteral("150"), QStringLiteral("--mode"),
         QStringLiteral("legacy"), QStringLiteral("--json")});
    QCOMPARE(sized.exitCode, 0);
    const QJsonObject json = jsonObject(sized.out);
    QCOMPARE(json.value(QStringLiteral("risk_threshold")).toDouble(), 2.0);
    QCOMPARE(json.value(QStringLiteral("qty")).toDouble(), 800.0);
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT group_concat(observed_at, ' ') FROM"
                                                   " (SELECT observed_at FROM snapshots"
                                                   " ORDER BY id)")),
             QStringLiteral("2026-06-10T03:30:00Z 2026-06-10T04:30:00Z"));
}

void TestKellyctlStoreSafety::shippedBinaryHasNoClockHook()
{
    QProcess shipped;
    shipped.setProcessEnvironment(
        KellyctlRunner::environment(envWith({{"KELLYDESK_NOW", "2020-01-01T00:00:00Z"}})));
    shipped.start(QStringLiteral(KELLYCTL_SHIPPED_PATH),
                  {QStringLiteral("--db"), storePath(), QStringLiteral("--now"),
                   QStringLiteral("2020-01-01T00:00:00Z"), QStringLiteral("mode"),
                   QStringLiteral("legacy")});
    QVERIFY(shipped.waitForFinished());
    QCOMPARE(shipped.exitCode(), 2);
    QVERIFY(QString::fromUtf8(shipped.readAllStandardError())
                .contains(QLatin1String("unknown option '--now'")));
    // The variable is not read either: the audit row carries the real time.
    shipped.start(
        QStringLiteral(KELLYCTL_SHIPPED_PATH),
        {QStringLiteral("--db"), storePath(), QStringLiteral("mode"), QStringLiteral("legacy")});
    QVERIFY(shipped.waitForFinished());
    QCOMPARE(shipped.exitCode(), 0);
    const QDateTime changedAt = QDateTime::fromString(
        rawScalar(storePath(),
                  QStringLiteral("SELECT changed_at FROM settings_audit WHERE key = 'mode'")),
        Qt::ISODate);
    QVERIFY(qAbs(changedAt.secsTo(QDateTime::currentDateTimeUtc())) < 120);
}

void TestKellyctlStoreSafety::failedLogWriteRecordsNothing()
{
    QVERIFY(QDir().mkpath(sizingLog())); // a folder where the log file should be
    const KellyctlRun sized =
        run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")});
    QCOMPARE(sized.exitCode, 1);
    QVERIFY2(sized.err.contains(QLatin1String("cannot append")), qPrintable(sized.err));
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT count(*) FROM sizing_decisions")),
             QStringLiteral("0"));
}

void TestKellyctlStoreSafety::edgeNumbers()
{
    const KellyctlRun tiny =
        run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150"),
             QStringLiteral("--mu"), QStringLiteral("0"), QStringLiteral("--sigma"),
             QStringLiteral("1e-200"), QStringLiteral("--json")});
    QCOMPARE(tiny.exitCode, 0);
    QCOMPARE(jsonObject(tiny.out).value(QStringLiteral("base_fraction")).toDouble(-1), 0.0);
    QCOMPARE(jsonObject(tiny.out).value(QStringLiteral("qty")).toDouble(-1), 0.0);
    QVERIFY(!readBytes(sizingLog()).contains("nan"));

    const KellyctlRun huge =
        run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("XYZ"),
             QStringLiteral("--qty"), QStringLiteral("1e200"), QStringLiteral("--price"),
             QStringLiteral("1e200")});
    QCOMPARE(huge.exitCode, 2);
    QVERIFY2(huge.err.contains(QLatin1String("qty x price")), qPrintable(huge.err));
    QCOMPARE(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")}).exitCode,
             0);

    // SPEC 2.2: negative equity is "no equity", not bad input.
    QCOMPARE(run({QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"),
                  QStringLiteral("-5000")})
                 .exitCode,
             0);
    const QJsonObject noEquity = jsonObject(run({QStringLiteral("size"), QStringLiteral("NVDA"),
                                                 QStringLiteral("150"), QStringLiteral("--json")})
                                                .out);
    QCOMPARE(noEquity.value(QStringLiteral("binding")).toString(), QStringLiteral("no equity"));
    QCOMPARE(noEquity.value(QStringLiteral("qty")).toDouble(-1), 0.0);

    // SPEC 6: just after Friday's close three days of financing accrue.
    QCOMPARE(run({QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"),
                  QStringLiteral("100000")})
                 .exitCode,
             0);
    const QJsonObject friday =
        jsonObject(m_runner
                       ->run({QStringLiteral("--now"), QStringLiteral("2026-11-27T21:30:00Z"),
                              QStringLiteral("status"), QStringLiteral("--json")})
                       .out);
    QCOMPARE(friday.value(QStringLiteral("financed_days_tonight")).toInt(), 3);
}

void TestKellyctlStoreSafety::concurrentPartialUpdatesAreNotLost()
{
    // A bot holds the write lock while `account set --equity` starts: kellyctl waits for it.
    // The bot then changes the buying power and commits; the equity write must keep it.
    QProcess equity;
    {
        WriteLockHolder bot(storePath());
        equity.setProcessEnvironment(KellyctlRunner::environment({}));
        equity.start(QStringLiteral(KELLYCTL_PATH),
                     {QStringLiteral("--db"), storePath(), QStringLiteral("account"),
                      QStringLiteral("set"), QStringLiteral("--equity"), QStringLiteral("7")});
        QTest::qWait(800); // kellyctl has started and waits on the lock
        QVERIFY(bot.exec(QStringLiteral("UPDATE account SET buying_power_usd = 999")));
    }
    QVERIFY(equity.waitForFinished());
    QCOMPARE(equity.exitCode(), 0);
    QCOMPARE(rawScalar(storePath(),
                       QStringLiteral("SELECT equity_usd || ' ' || buying_power_usd FROM account")),
             QStringLiteral("7.0 999.0"));

    // The same for `position set` without --avg-entry and a bot setting the entry price.
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                  QStringLiteral("--qty"), QStringLiteral("10"), QStringLiteral("--price"),
                  QStringLiteral("150"), QStringLiteral("--avg-entry"), QStringLiteral("100")})
                 .exitCode,
             0);
    QProcess position;
    {
        WriteLockHolder bot(storePath());
        position.setProcessEnvironment(KellyctlRunner::environment({}));
        position.start(QStringLiteral(KELLYCTL_PATH),
                       {QStringLiteral("--db"), storePath(), QStringLiteral("position"),
                        QStringLiteral("set"), QStringLiteral("NVDA"), QStringLiteral("--qty"),
                        QStringLiteral("20"), QStringLiteral("--price"), QStringLiteral("160")});
        QTest::qWait(800);
        QVERIFY(bot.exec(QStringLiteral("UPDATE positions SET avg_entry_usd = 120")));
    }
    QVERIFY(position.waitForFinished());
    QCOMPARE(position.exitCode(), 0);
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT qty || ' ' || avg_entry_usd FROM"
                                                   " positions")),
             QStringLiteral("20.0 120.0"));
}

void TestKellyctlStoreSafety::sizingLogIsNamedAfterTheStore()
{
    QCOMPARE(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")}).exitCode,
             0);
    QVERIFY(sizingLog().endsWith(QLatin1String("/store.sizing.log")));
    QVERIFY(readBytes(sizingLog()).contains("NVDA: Enhanced Kelly sizing"));
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("sizing.log"))));
}

void TestKellyctlStoreSafety::decisionsAndLogKeepTheirRetention()
{
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("decision_retention_days"), QStringLiteral("2")})
            .exitCode,
        0);
    QCOMPARE(run({QStringLiteral("set"), QStringLiteral("decision_retention_days"),
                  QStringLiteral("1.5")})
                 .exitCode,
             2);
    const QStringList size{QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")};
    QCOMPARE(run(size).exitCode, 0); // at kNow, 2026-11-25
    const KellyctlRun later = m_runner->run(
        QStringList{QStringLiteral("--now"), QStringLiteral("2026-11-28T20:30:00Z")} + size);
    QCOMPARE(later.exitCode, 0);
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT group_concat(decided_at) FROM"
                                                   " sizing_decisions")),
             QStringLiteral("2026-11-28T20:30:00Z"));
    QVERIFY(readBytes(sizingLog()).startsWith("2026-11-28T20:30:00Z INFO NVDA"));
    QVERIFY(readBytes(sizingLog() + QStringLiteral(".1")).startsWith("2026-11-25T20:30:00Z"));
}

void TestKellyctlStoreSafety::dashboardRefusesAMistypedStore()
{
#ifdef KELLYDESK_PATH
    const QString typo = m_dir->filePath(QStringLiteral("stroe.sqlite"));
    QProcess desk;
    QProcessEnvironment env = KellyctlRunner::environment({});
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    desk.setProcessEnvironment(env);
    desk.start(QStringLiteral(KELLYDESK_PATH), {QStringLiteral("--db"), typo});
    QVERIFY(desk.waitForFinished(30000));
    QCOMPARE(desk.exitCode(), 1);
    QVERIFY(
        QString::fromUtf8(desk.readAllStandardError()).contains(QLatin1String("no store here")));
    QVERIFY(!QFile::exists(typo));
#else
    QSKIP("built without the dashboard");
#endif
}

void TestKellyctlStoreSafety::unreadableSettingsExitOne()
{
    // A bot wrote a setting around kellyctl: the store is at fault (1), not the caller (2).
    QVERIFY(raw(QStringLiteral("INSERT INTO settings (key, value) VALUES"
                               " ('max_intraday_leverage', 'lots')")));
    for (const QStringList& arguments : {QStringList{QStringLiteral("mode")},
                                         QStringList{QStringLiteral("get"), QStringLiteral("mode")},
                                         QStringList{QStringLiteral("status")}}) {
        const KellyctlRun result = run(arguments);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QLatin1String("stored setting max_intraday_leverage")),
                 qPrintable(result.err));
    }
}

void TestKellyctlStoreSafety::readsDoNotWaitForAWriter()
{
    // Opening a current store takes no write lock, so reads pass a bot mid-transaction
    // instead of failing after the 5 s busy timeout.
    WriteLockHolder bot(storePath());
    for (const QStringList& arguments :
         {QStringList{QStringLiteral("status")}, QStringList{QStringLiteral("positions")},
          QStringList{QStringLiteral("mode")}}) {
        QElapsedTimer timer;
        timer.start();
        const KellyctlRun result = run(arguments);
        QVERIFY2(result.exitCode == 0, qPrintable(arguments.join(u' ') + result.err));
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    }
}

void TestKellyctlStoreSafety::haltWaitsForTheLockAndSaysSo()
{
    // The writer keeps its lock past the 5 s busy timeout; the halt keeps trying and lands.
    QProcess halt;
    {
        WriteLockHolder bot(storePath());
        halt.setProcessEnvironment(KellyctlRunner::environment({}));
        halt.start(QStringLiteral(KELLYCTL_PATH), {QStringLiteral("--db"), storePath(),
                                                   QStringLiteral("mode"), QStringLiteral("halt")});
        QTest::qWait(7000);
        QCOMPARE(halt.state(), QProcess::Running);
    }
    QVERIFY(halt.waitForFinished(20000));
    QCOMPARE(halt.exitCode(), 0);
    QVERIFY(QString::fromUtf8(halt.readAllStandardError())
                .contains(QLatin1String("store busy: the halt is waiting")));
    QCOMPARE(rawScalar(storePath(), QStringLiteral("SELECT value FROM settings WHERE key='mode'")),
             QStringLiteral("halt"));
}

// Issue 24 item 1: the password in a URL that does not parse reached stderr.
void TestKellyctlStoreSafety::malformedUrlsNeverEchoThePassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("slash") << QStringLiteral("postgresql://bot:pa/ss-S3CRET@db.example/desk");
    QTest::newRow("option") << QStringLiteral("postgresql://bot@db.example/desk?password=S3CRET");
}

void TestKellyctlStoreSafety::malformedUrlsNeverEchoThePassword()
{
    QFETCH(QString, url);
    const QLatin1String secret("S3CRET");
    const KellyctlRunner byOption(url);
    const KellyctlRun status = byOption.run({QStringLiteral("status")});
    QCOMPARE(status.exitCode, 2);
    QVERIFY2(!status.err.isEmpty() && !status.err.contains(secret), qPrintable(status.err));
    QVERIFY(!status.out.contains(secret));

    QProcess byEnvironment;
    QProcessEnvironment env = KellyctlRunner::environment({});
    env.insert(QStringLiteral("KELLYDESK_DB"), url);
    byEnvironment.setProcessEnvironment(env);
    byEnvironment.start(QStringLiteral(KELLYCTL_PATH), {QStringLiteral("status")});
    QVERIFY(byEnvironment.waitForFinished(30'000));
    QCOMPARE(byEnvironment.exitCode(), 2);
    const QString envErr = QString::fromUtf8(byEnvironment.readAllStandardError());
    QVERIFY2(!envErr.isEmpty() && !envErr.contains(secret), qPrintable(envErr));

    QProcess copy;
    copy.setProcessEnvironment(KellyctlRunner::environment({}));
    copy.start(QStringLiteral(KELLYCTL_PATH),
               {QStringLiteral("store"), QStringLiteral("copy"), storePath(), url});
    QVERIFY(copy.waitForFinished(30'000));
    QCOMPARE(copy.exitCode(), 2);
    const QString copyErr = QString::fromUtf8(copy.readAllStandardError());
    QVERIFY2(!copyErr.isEmpty() && !copyErr.contains(secret), qPrintable(copyErr));
}

QTEST_GUILESS_MAIN(TestKellyctlStoreSafety)
#include "tst_kellyctl_store_safety.moc"
