// Issue 24 item 3 through the real binaries: a halt lands within 1 s under any load. On
// SQLite a writer looping BEGIN IMMEDIATE / 50 updates / COMMIT starved `kellyctl mode halt`
// past 10 s (SQLite's lock is not fair); on PostgreSQL a session holding the settings lock
// kept it waiting forever. The halt marker (core/store/README.md) halts every sizer at once;
// the stored mode and its audit row land when the lock comes, and only resume lowers it.

#include "KellyctlFixture.h"
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

class TestKellyctlHaltLoad : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(setUpStore()); }
    void haltLandsWithinASecondUnderLoad_data();
    void haltLandsWithinASecondUnderLoad();

private:
    QString sizeBinding() const
    {
        return jsonObject(run(args({"size", "NVDA", "150", "--dry-run", "--json"})).out)
            .value(QLatin1String("binding"))
            .toString();
    }
};

void TestKellyctlHaltLoad::haltLandsWithinASecondUnderLoad_data()
{
    QTest::addColumn<QString>("load");
    QTest::newRow("greedy writer") << QStringLiteral("greedy writer");
    if (kelly::testing::onPostgres())
        QTest::newRow("settings lock held") << QStringLiteral("settings lock held");
}

void TestKellyctlHaltLoad::haltLandsWithinASecondUnderLoad()
{
    QFETCH(QString, load);
    QVERIFY(sizeBinding() != QLatin1String("halted"));
    QProcess bot;
    bot.setStandardOutputFile(QProcess::nullDevice()); // a full pipe would slow the writer
    if (load == QLatin1String("greedy writer") && !kelly::testing::onPostgres()) {
        // BEGIN IMMEDIATE, 50 updates, COMMIT, back to back until killed.
        bot.start(QStringLiteral(PYTHON3_PATH), {QStringLiteral(GREEDY_WRITER_PATH), storePath()});
    } else if (load == QLatin1String("greedy writer")) {
        // 50 rows a transaction, committed back to back until killed.
        bot.start(QStringLiteral(STORE_WRITER_PATH),
                  {storePath(), QStringLiteral("50"), QStringLiteral("0")});
    } else {
        bot.start(QStringLiteral("psql"),
                  {QStringLiteral("-q"), QStringLiteral("-d"), storePath(), QStringLiteral("-c"),
                   QStringLiteral("BEGIN; LOCK TABLE settings IN SHARE ROW EXCLUSIVE MODE;"
                                  " SELECT pg_sleep(8); COMMIT;")});
    }
    QVERIFY(bot.waitForStarted());
    QTest::qWait(2000); // committing, or holding the lock
    QCOMPARE(bot.state(), QProcess::Running);
    QProcess halt;
    halt.setProcessEnvironment(KellyctlRunner::environment({}));
    halt.start(QStringLiteral(KELLYCTL_PATH),
               processArguments({QStringLiteral("mode"), QStringLiteral("halt")}));
    QVERIFY(halt.waitForStarted());
    QElapsedTimer sinceHalt;
    sinceHalt.start();
    QTest::qWait(1000);
    // The next size call after the halt's first second: halted, however busy the store.
    QElapsedTimer sizing;
    sizing.start();
    QCOMPARE(sizeBinding(), QStringLiteral("halted"));
    qInfo("halt asked %lld ms before; the size call took %lld ms", sinceHalt.elapsed(),
          sizing.elapsed());
    // No switch lifts the marker while the stored write waits.
    QCOMPARE(run(args({"mode", "legacy"})).exitCode, 2);

    bot.kill();
    QVERIFY(bot.waitForFinished(10'000));
    QVERIFY2(halt.state() == QProcess::NotRunning || halt.waitForFinished(30'000),
             "the halt never landed once the load stopped");
    QCOMPARE(halt.exitCode(), 0);
    QCOMPARE(run(args({"mode"})).out, QStringLiteral("halt\n"));
    // One audit row for the halt, however long it waited.
    const QJsonArray audit =
        QJsonDocument::fromJson(run(args({"audit", "--json"})).out.toUtf8()).array();
    int haltRows = 0;
    for (const QJsonValue& row : audit)
        haltRows += row.toObject().value(QLatin1String("new")).toString() == QLatin1String("halt");
    QCOMPARE(haltRows, 1);

    QCOMPARE(run(args({"resume"})).exitCode, 0);
    QVERIFY(sizeBinding() != QLatin1String("halted"));
    if (!kelly::testing::onPostgres())
        QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("store.halt"))));
}

QTEST_GUILESS_MAIN(TestKellyctlHaltLoad)
#include "tst_kellyctl_halt_load.moc"
