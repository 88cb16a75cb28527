// Issue 24 item 5: PostgreSQL never hangs. A session holding a lock makes a store write fail
// within lock_timeout (5 s unless the URL says otherwise), statement_timeout bounds any
// statement, and a bad timeout option is refused with a clear message. The option parsing
// runs on both backends; the waits need the server.

#include "Store.h"
#include "StoreLocation.h"
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestStoreTimeouts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timeoutOptionsAreRead();
    void badTimeoutOptionsAreRefused_data();
    void badTimeoutOptionsAreRefused();
    void aHeldLockFailsAWriteWithinTheTimeout();

private:
    QTemporaryDir m_dir;
};

void TestStoreTimeouts::timeoutOptionsAreRead()
{
    StoreLocation location;
    QString error;
    QVERIFY2(parseStoreName(QStringLiteral("postgresql://bot@db/desk"), &location, &error),
             qPrintable(error));
    QCOMPARE(location.lockTimeoutMs, 5000);
    QCOMPARE(location.statementTimeoutMs, 30000);
    QVERIFY2(parseStoreName(QStringLiteral("postgresql://bot@db/desk?lock_timeout=500ms"
                                           "&statement_timeout=2min&sslmode=require"),
                            &location, &error),
             qPrintable(error));
    QCOMPARE(location.lockTimeoutMs, 500);
    QCOMPARE(location.statementTimeoutMs, 120000);
    // KellyDesk's own options are set on the session, never handed to libpq.
    QCOMPARE(location.connectOptions, QStringList{QStringLiteral("sslmode=require")});
}

void TestStoreTimeouts::badTimeoutOptionsAreRefused_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("a word") << "lock_timeout=soon";
    QTest::newRow("zero") << "lock_timeout=0";
    QTest::newRow("negative") << "statement_timeout=-5s";
    QTest::newRow("hours") << "statement_timeout=2h";
    QTest::newRow("over an hour") << "statement_timeout=61min";
    QTest::newRow("fraction") << "lock_timeout=1.5s";
}

void TestStoreTimeouts::badTimeoutOptionsAreRefused()
{
    QFETCH(QString, option);
    StoreLocation location;
    QString error;
    QVERIFY(!parseStoreName(QStringLiteral("postgresql://bot:S3CRET@db/desk?") + option, &location,
                            &error));
    const QString key = option.section(QLatin1Char('='), 0, 0);
    QCOMPARE(error, QStringLiteral("store URL 'postgresql://bot@db/desk': option %1 must be a"
                                   " duration from 1ms to 60min, such as 500ms, 5s or 2min")
                        .arg(key));
}

void TestStoreTimeouts::aHeldLockFailsAWriteWithinTheTimeout()
{
    if (!testing::onPostgres())
        QSKIP("PostgreSQL only: SQLite's busy_timeout is covered by the store suites");
    QString error;
    const QString name = testing::newStoreName(m_dir.path(), QStringLiteral("s.sqlite"), &error);
    QVERIFY2(!name.isEmpty(), qPrintable(error));
    const UtcTime now = utc(2026, 11, 25, 15);
    {
        Store store;
        QVERIFY2(store.open(name, &error), qPrintable(error));
        QVERIFY2(store.setAccount(100000, 400000, now, &error), qPrintable(error));
    }
    // Another session (a bot, psql left open) holds the account table.
    QSqlDatabase holder = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("h"));
    holder.setDatabaseName(name.section(QLatin1Char('/'), 3));
    QVERIFY(holder.open());
    QSqlQuery hold(holder);
    QVERIFY(hold.exec(QStringLiteral("BEGIN")));
    QVERIFY(hold.exec(QStringLiteral("LOCK TABLE account IN ACCESS EXCLUSIVE MODE")));

    struct Case
    {
        const char* options;
        qint64 atLeastMs;
        qint64 atMostMs;
        const char* says;
    };
    for (const Case& c :
         {Case{"", 4500, 9000, "lock timeout"},
          Case{"?lock_timeout=300ms", 250, 2500, "lock timeout"},
          Case{"?lock_timeout=20s&statement_timeout=800ms", 700, 3000, "statement timeout"}}) {
        Store store;
        QVERIFY2(store.open(name + QLatin1String(c.options), &error), qPrintable(error));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!store.setAccount(90000, 360000, now, &error));
        const qint64 waited = timer.elapsed();
        QVERIFY2(waited >= c.atLeastMs && waited <= c.atMostMs,
                 qPrintable(
                     QStringLiteral("%1: waited %2 ms").arg(QLatin1String(c.options)).arg(waited)));
        QVERIFY2(error.contains(QLatin1String(c.says)), qPrintable(error));
    }
    hold.exec(QStringLiteral("ROLLBACK"));
    hold.finish();
    holder.close();
    Store store;
    QVERIFY2(store.open(name, &error), qPrintable(error));
    QVERIFY2(store.setAccount(90000, 360000, now, &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestStoreTimeouts)
#include "tst_store_timeouts.moc"
