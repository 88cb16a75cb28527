// Issue 6 on the real MainWindow: the red Halt button halts (store mode halt, audit row of
// origin dashboard), the red banner says who halted, the enhanced/legacy switch is disabled
// while halted, Resume restores the mode before the halt; halting works while the environment
// locks the mode; a guard trip found on refresh shows its figures and alerts exactly once.

#include "AlertCenter.h"
#include "Clock.h"
#include "DeskSession.h"
#include "HaltSwitch.h"
#include "MainWindow.h"
#include "ModeSwitch.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <memory>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

// Wednesday 2026-11-25, 11:00 in New York: mid-session, no close warning.
const UtcTime kWednesday1100 = sys_days{2026y / November / 25} + hours(16);

struct Desk
{
    explicit Desk(store::Environment environment = {}) : clock(kWednesday1100)
    {
        QVERIFY(folder.isValid());
        QString error;
        QVERIFY2(store.open(folder.filePath(QStringLiteral("desk.sqlite")), &error),
                 qPrintable(error));
        QVERIFY2(store.setAccount(100'000, 400'000, clock.now(), &error), qPrintable(error));
        session = std::make_unique<DeskSession>(store, clock, std::move(environment));
    }

    void openWindow()
    {
        QString error;
        QVERIFY2(session->reload(&error), qPrintable(error));
        window = std::make_unique<MainWindow>(*session);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        session->start();
    }

    void write(store::SettingKey key, const QString& value)
    {
        QString error;
        QVERIFY2(store.writeSetting(key, value, store::SettingOrigin::Cli, clock.now(), &error),
                 qPrintable(error));
    }

    QString storedMode()
    {
        QString value, error;
        store.readSetting(store::SettingKey::Mode, &value, &error);
        return value;
    }

    store::AuditEntry newestAudit()
    {
        std::vector<store::AuditEntry> rows;
        QString error;
        store.loadAudit(&rows, 1, &error);
        return rows.empty() ? store::AuditEntry{} : rows.front();
    }

    QToolButton* haltButton()
    {
        return window->findChild<QToolButton*>(QStringLiteral("haltButton"));
    }

    QTemporaryDir folder;
    ManualClock clock;
    store::Store store;
    std::unique_ptr<DeskSession> session;
    std::unique_ptr<MainWindow> window;
};

} // namespace

class TestUiHalt : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void haltButtonHaltsAndResumeRestores();
    void haltWorksWhileTheEnvironmentLocksTheMode();
    void guardTripShowsItsFiguresAndAlertsOnce();
    void haltWaitsForABusyStoreWithoutFreezing();
};

void TestUiHalt::haltButtonHaltsAndResumeRestores()
{
    Desk desk;
    desk.write(store::SettingKey::Mode, QStringLiteral("legacy"));
    desk.openWindow();
    QToolButton* halt = desk.haltButton();
    QVERIFY(halt);
    QCOMPARE(halt->text(), QStringLiteral("Halt"));
    QVERIFY(desk.window->haltBanner()->isHidden());
    QVERIFY(desk.window->modeSwitch()->toggleAction()->isEnabled());

    QTest::mouseClick(halt, Qt::LeftButton);
    // Issue 12: the halt is written on the worker.
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("halt"), 10'000);
    const store::AuditEntry halted = desk.newestAudit();
    QCOMPARE(halted.origin, QStringLiteral("dashboard"));
    QCOMPARE(halted.oldValue, std::optional<QString>(QStringLiteral("legacy")));
    QCOMPARE(halted.newValue, QStringLiteral("halt"));
    QCOMPARE(halt->text(), QStringLiteral("Resume"));
    // The window shows the halt once the worker's reload lands (issue 7: not on this thread).
    QTRY_VERIFY_WITH_TIMEOUT(desk.window->haltBanner()->isVisible(), 10'000);
    QVERIFY2(desk.window->haltBanner()->text().contains(QLatin1String("halted from the dashboard")),
             qPrintable(desk.window->haltBanner()->text()));
    QAction* modeSwitch = desk.window->modeSwitch()->toggleAction();
    QVERIFY(!modeSwitch->isEnabled());
    QVERIFY2(modeSwitch->toolTip().contains(QLatin1String("Resume first")),
             qPrintable(modeSwitch->toolTip()));

    QTest::mouseClick(halt, Qt::LeftButton);
    // Issue 12 item 8: the resume is written on the worker too.
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("legacy"), 10'000);
    const store::AuditEntry resumed = desk.newestAudit();
    QCOMPARE(resumed.origin, QStringLiteral("dashboard"));
    QCOMPARE(resumed.oldValue, std::optional<QString>(QStringLiteral("halt")));
    QCOMPARE(resumed.newValue, QStringLiteral("legacy"));
    QTRY_COMPARE_WITH_TIMEOUT(halt->text(), QStringLiteral("Halt"), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(desk.window->haltBanner()->isHidden(), 10'000);
    QVERIFY(modeSwitch->isEnabled());
}

void TestUiHalt::haltWorksWhileTheEnvironmentLocksTheMode()
{
    Desk desk(
        store::Environment{{QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("true")}});
    desk.openWindow();
    QAction* modeSwitch = desk.window->modeSwitch()->toggleAction();
    // Issue 17: the switch writes the store's mode, which this window's variable does not lock.
    QVERIFY(modeSwitch->isEnabled());
    QToolButton* halt = desk.haltButton();
    QVERIFY(halt && halt->isEnabled());
    QTest::mouseClick(halt, Qt::LeftButton);
    // Issue 12: the halt is written on the worker.
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("halt"), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(desk.session->state().settings.mode, SizingMode::Halt, 10'000);
    QVERIFY(desk.window->haltBanner()->isVisible());
    QTest::mouseClick(halt, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(desk.session->state().settings.mode, SizingMode::Enhanced, 10'000);
    QVERIFY(desk.window->haltBanner()->isHidden());
}

void TestUiHalt::guardTripShowsItsFiguresAndAlertsOnce()
{
    Desk desk;
    QString error;
    QVERIFY(desk.store.addSnapshot(PortfolioSnapshot{kWednesday1100 - hours(20), 100'000}, 100'000,
                                   0, &error));
    desk.write(store::SettingKey::GuardDrawdownPct, QStringLiteral("10"));
    desk.openWindow();
    QSignalSpy alerts(desk.window->alerts(), &AlertCenter::alertRaised);
    QVERIFY(desk.window->haltBanner()->isHidden());

    // Another writer moves the equity to the threshold; the dashboard's refresh trips it.
    store::Store other;
    QVERIFY2(other.open(desk.store.path(), &error), qPrintable(error));
    QVERIFY(other.setAccount(90'000, 360'000, desk.clock.now(), &error));
    QTRY_COMPARE_WITH_TIMEOUT(desk.window->haltBanner()->isVisible(), true, 10'000);
    QCOMPARE(desk.storedMode(), QStringLiteral("halt"));
    QCOMPARE(desk.newestAudit().origin, QStringLiteral("guard"));
    const QString text = desk.window->haltBanner()->text();
    QVERIFY2(text.contains(QLatin1String("drawdown guard")) &&
                 text.contains(QLatin1String("10.00% >= 10.00%")),
             qPrintable(text));
    QCOMPARE(alerts.count(), 1);
    QCOMPARE(alerts.first().at(0).toString(), QStringLiteral("Drawdown guard tripped"));

    // More refreshes while halted raise nothing more.
    QVERIFY(other.setAccount(89'000, 356'000, desk.clock.now(), &error));
    QTRY_COMPARE_WITH_TIMEOUT(desk.session->state().account.account.equityUsd, 89'000.0, 10'000);
    QCOMPARE(alerts.count(), 1);
}

// Issue 12 item 8: a bot holds the store's write lock past the 5 s busy timeout. Halt returns
// at once (the write runs on the worker), the window says the halt is waiting, and the halt
// lands once the lock is free.
void TestUiHalt::haltWaitsForABusyStoreWithoutFreezing()
{
    Desk desk;
    desk.openWindow();
    QSignalSpy waiting(desk.session.get(), &DeskSession::haltWaiting);
    const QString bot = QStringLiteral("bot-holding-the-lock");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), bot);
        db.setDatabaseName(desk.store.path());
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("BEGIN IMMEDIATE")));
        QElapsedTimer click;
        click.start();
        QTest::mouseClick(desk.haltButton(), Qt::LeftButton);
        QVERIFY2(click.elapsed() < 1000, qPrintable(QString::number(click.elapsed())));
        QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 10'000);
        QCOMPARE(desk.storedMode(), QStringLiteral("enhanced"));
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("COMMIT")));
        db.close();
    }
    QSqlDatabase::removeDatabase(bot);
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("halt"), 10000);
    QCOMPARE(desk.newestAudit().origin, QStringLiteral("dashboard"));
    QTRY_VERIFY_WITH_TIMEOUT(desk.window->haltBanner()->isVisible(), 10'000);
}

QTEST_MAIN(TestUiHalt)
#include "tst_ui_halt.moc"
