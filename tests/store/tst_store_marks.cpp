// Marks from several writers at once (the bot, a price feed, a broker sync): since E follows
// marks (issue 24 item 15) every mark updates the account row in its own transaction. On
// PostgreSQL those writers must queue for that row, not fail: before, four writers marking
// their own symbols gave up after 5 tries ("could not serialize access") within seconds.

#include "Store.h"
#include "StoreTestSupport.h"

#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>
#include <vector>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestStoreMarks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void concurrentMarksAllLand();

private:
    QTemporaryDir m_dir;
    const UtcTime m_now = utc(2026, 12, 7, 15);
};

void TestStoreMarks::concurrentMarksAllLand()
{
    constexpr int kWriters = 4;
    constexpr int kMarks = 150;
    QString error;
    const QString name = testing::newStoreName(m_dir.path(), QStringLiteral("m.sqlite"), &error);
    QVERIFY2(!name.isEmpty(), qPrintable(error));
    {
        Store store;
        QVERIFY2(store.open(name, &error), qPrintable(error));
        QVERIFY2(store.setAccount(100000, 400000, m_now, &error), qPrintable(error));
        for (int w = 0; w < kWriters; ++w)
            QVERIFY2(store.setPosition(Position{"SYM" + std::to_string(w), 10.0, 100.0, 100.0},
                                       m_now, &error),
                     qPrintable(error));
    }

    std::atomic<int> failures = 0;
    std::vector<QString> firstFailure(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
        writers.emplace_back([&, w] {
            Store store; // a connection of this thread's own, as each process has
            QString threadError;
            if (!store.open(name, &threadError)) {
                firstFailure[w] = threadError;
                ++failures;
                return;
            }
            const QString symbol = QStringLiteral("SYM%1").arg(w);
            for (int i = 1; i <= kMarks; ++i) {
                bool found = false;
                if (!store.markPrice(symbol, 100.0 + 0.5 * i, m_now, &found, &threadError) ||
                    !found) {
                    if (firstFailure[w].isEmpty())
                        firstFailure[w] = threadError;
                    ++failures;
                }
            }
        });
    for (std::thread& writer : writers)
        writer.join();
    for (const QString& failure : firstFailure)
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(failures.load(), 0);

    // Every mark moved E by 10 x 0.5: all of them landed, none twice.
    Store store;
    QVERIFY2(store.open(name, &error), qPrintable(error));
    AccountRecord account;
    QVERIFY2(store.loadAccount(&account, &error), qPrintable(error));
    QCOMPARE(account.account.equityUsd, 100000.0 + kWriters * kMarks * 10.0 * 0.5);
}

QTEST_GUILESS_MAIN(TestStoreMarks)
#include "tst_store_marks.moc"
