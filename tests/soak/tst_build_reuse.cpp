// DeskSession reuses the correlation build it holds while the store's latest build is the
// same one, and reads a newly saved build, whoever saved it (issue 7 soak fix).

#include "Clock.h"
#include "DeskSession.h"
#include "ScaleFixture.h"

#include <QtTest>

using namespace kelly;

namespace {

const UtcTime kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(15);

} // namespace

class BuildReuseTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void latestIdFollowsSaves();
    void reloadReadsOnlyANewBuild();
};

void BuildReuseTest::latestIdFollowsSaves()
{
    QTemporaryDir folder;
    store::Store store;
    QString error;
    QVERIFY2(store.open(folder.filePath(QStringLiteral("ids.sqlite")), &error), qPrintable(error));
    std::optional<qint64> latest = 42;
    QVERIFY2(store.latestCorrelationBuildId(&latest, &error), qPrintable(error));
    QVERIFY(!latest.has_value());
    qint64 first = 0;
    qint64 second = 0;
    QVERIFY2(store.saveCorrelationBuild(soak::scaleBuild(5), kNow, &first, &error),
             qPrintable(error));
    QVERIFY2(store.saveCorrelationBuild(soak::scaleBuild(6), kNow, &second, &error),
             qPrintable(error));
    QVERIFY2(store.latestCorrelationBuildId(&latest, &error), qPrintable(error));
    QCOMPARE(latest, std::optional<qint64>(second));
    QVERIFY(second != first);
}

void BuildReuseTest::reloadReadsOnlyANewBuild()
{
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("reuse.sqlite"));
    QString error;
    QVERIFY2(soak::seedScaleStore(path, 20, 5, kNow, &error), qPrintable(error));
    store::Store dashboardStore;
    QVERIFY2(dashboardStore.open(path, &error), qPrintable(error));
    ui::ManualClock clock(kNow);
    ui::DeskSession session(dashboardStore, clock, {});
    QVERIFY2(session.reload(&error), qPrintable(error));
    QVERIFY(session.state().correlation != nullptr);
    const qint64 seededId = session.state().correlation->id;
    const store::StoredCorrelationBuild* seeded = session.state().correlation.get();
    QCOMPARE(session.state().correlation->build.symbols.size(), size_t(5));

    // Another process (the bot, kellyctl) marks a price: same build, new prices.
    store::Store botStore;
    QVERIFY2(botStore.open(path, &error), qPrintable(error));
    bool found = false;
    QVERIFY2(botStore.markPrice(QStringLiteral("S0"), 99.0, kNow, &found, &error),
             qPrintable(error));
    QVERIFY(found);
    QVERIFY2(session.reload(&error), qPrintable(error));
    QCOMPARE(session.state().correlation->id, seededId);
    QCOMPARE(session.state().correlation.get(), seeded); // the same build, not a copy
    QCOMPARE(session.state().correlation->build.symbols.size(), size_t(5));
    QCOMPARE(session.state().account.account.positions.front().lastPriceUsd, 99.0);

    // The bot saves a new build: the next reload shows it.
    qint64 newId = 0;
    QVERIFY2(botStore.saveCorrelationBuild(soak::scaleBuild(7), kNow, &newId, &error),
             qPrintable(error));
    QVERIFY2(session.reload(&error), qPrintable(error));
    QCOMPARE(session.state().correlation->id, newId);
    QCOMPARE(session.state().correlation->build.symbols.size(), size_t(7));
}

QTEST_MAIN(BuildReuseTest)
#include "tst_build_reuse.moc"
