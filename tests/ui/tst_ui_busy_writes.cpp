// Issue 12 item 8 on the real MainWindow: while another connection (a bot) holds the store's
// write lock, each dashboard write other than Halt (the mode switch and its undo, Resume, the
// Settings dialog's save, a rebuilt correlation build) returns at once, the GUI thread keeps
// running, the control shows the write as pending and says it waits, and the outcome arrives
// once the lock is free: a landed write shows, a refused one shows its message.

#include "CorrelationPanel.h"
#include "DeskFixture.h"
#include "HaltSwitch.h"
#include "ModeSwitch.h"
#include "SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <algorithm>

using namespace kelly;
using namespace kelly::ui;
using namespace kelly::ui::testing;
using namespace std::chrono;

namespace {

// Wednesday 2026-11-25, 11:00 in New York: mid-session.
const UtcTime kWednesday1100 = sys_days{2026y / November / 25} + hours(16);
// A click that ran the write on the GUI thread would take the whole busy timeout (5 s).
constexpr qint64 kClickLimitMs = 1000;
// The GUI thread's longest pause while a write waits: the busy timeout is 5,000 ms.
constexpr qint64 kGapLimitMs = 1000;

// Another connection holding the write lock, as a bot mid-transaction does. On PostgreSQL
// (issue 24 item 5) the bot holds every table a dashboard write takes: reads go on, writes
// wait, and past the store's lock_timeout they fail and are tried again.
class BotLock
{
public:
    explicit BotLock(const QString& path) : m_name(QStringLiteral("bot-lock-%1").arg(s_count++))
    {
        const bool postgres = path.startsWith(QLatin1String("postgresql://"));
        QSqlDatabase db = QSqlDatabase::addDatabase(
            postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(postgres ? path.section(QLatin1Char('/'), 3) : path);
        m_held = db.open() &&
                 (postgres ? QSqlQuery(db).exec(QStringLiteral("BEGIN")) &&
                                 QSqlQuery(db).exec(QStringLiteral(
                                     "LOCK TABLE settings, settings_audit, correlation_builds,"
                                     " correlation_symbols IN EXCLUSIVE MODE"))
                           : QSqlQuery(db).exec(QStringLiteral("BEGIN IMMEDIATE")));
    }
    ~BotLock()
    {
        release();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool held() const { return m_held; }
    bool exec(const QString& sql)
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        return QSqlQuery(db).exec(sql);
    }
    bool release()
    {
        if (!std::exchange(m_held, false))
            return true;
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        const bool committed = QSqlQuery(db).exec(QStringLiteral("COMMIT"));
        db.close();
        return committed;
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_held = false;
};

// The longest pause between ticks of a 20 ms timer on the GUI thread.
class GuiHeartbeat
{
public:
    GuiHeartbeat()
    {
        m_clock.start();
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_longestGapMs = std::max(m_longestGapMs, now - m_lastTickMs);
            m_lastTickMs = now;
        });
        m_timer.start(20);
    }
    qint64 longestGapMs() const { return m_longestGapMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickMs = 0;
    qint64 m_longestGapMs = 0;
};

struct Desk : DeskFixture
{
    Desk() : DeskFixture(kWednesday1100) { seedAccount(100'000, 400'000, {}); }

    void write(store::SettingKey key, const QString& value)
    {
        QString error;
        QVERIFY2(store.writeSetting(key, value, store::SettingOrigin::Cli, clock.now(), &error),
                 qPrintable(error));
    }

    QString stored(store::SettingKey key)
    {
        QString value, error;
        store.readSetting(key, &value, &error);
        return value;
    }

    QToolButton* button(const char* name)
    {
        return window->findChild<QToolButton*>(QString::fromLatin1(name));
    }
};

} // namespace

class TestUiBusyWrites : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void modeSwitchWaitsForABusyStoreWithoutFreezing();
    void undoWaitsForABusyStoreWithoutFreezing();
    void resumeWaitsForABusyStoreWithoutFreezing();
    void haltAskedWhileAResumeWaitsLandsAfterIt();
    void switchAskedWhileAHaltWaitsIsRefused();
    void haltByAnotherDeskWhileASwitchWaitsIsNeverLifted();
    void settingsSaveWaitsAndShowsTheStoresRefusal();
    void correlationBuildWaitsForABusyStoreWithoutFreezing();
};

void TestUiBusyWrites::modeSwitchWaitsForABusyStoreWithoutFreezing()
{
    Desk desk;
    desk.openWindow();
    QToolButton* toggle = desk.button("modeSwitchButton");
    QVERIFY(toggle);
    QSignalSpy waiting(desk.session.get(), &DeskSession::writeWaiting);
    QSignalSpy switched(desk.window->modeSwitch(), &ModeSwitch::switched);
    GuiHeartbeat heartbeat;
    BotLock bot(desk.path);
    QVERIFY(bot.held());

    QElapsedTimer click;
    click.start();
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY2(click.elapsed() < kClickLimitMs, qPrintable(QString::number(click.elapsed())));
    // Pending: says so, cannot be clicked again, and still shows the store's mode.
    QCOMPARE(toggle->text(), QStringLiteral("Switching to legacy\u2026"));
    QVERIFY(!toggle->isEnabled());
    QVERIFY(!toggle->isChecked());

    QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 10'000);
    QCOMPARE(waiting.front().at(0).value<DeskWrite>(), DeskWrite::Mode);
    QCOMPARE(switched.count(), 1);
    QVERIFY2(switched.front().at(0).toString().contains(QStringLiteral("waiting")),
             qPrintable(switched.front().at(0).toString()));
    QCOMPARE(desk.storedMode(), QStringLiteral("enhanced"));
    QVERIFY(desk.window->modeSwitch()->switching());
    QVERIFY(!toggle->isChecked());

    QVERIFY(bot.release());
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("legacy"), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(!desk.window->modeSwitch()->switching(), 10'000);
    QCOMPARE(toggle->text(), QStringLiteral("Legacy sizing (rolled back)"));
    QVERIFY(toggle->isEnabled() && toggle->isChecked());
    QCOMPARE(switched.count(), 2);
    QVERIFY(switched.last().at(0).toString().startsWith(QStringLiteral("Sizing switched")));
    QCOMPARE(desk.auditRows().front().origin, QStringLiteral("dashboard"));
    QVERIFY2(heartbeat.longestGapMs() < kGapLimitMs,
             qPrintable(QString::number(heartbeat.longestGapMs())));
}

void TestUiBusyWrites::undoWaitsForABusyStoreWithoutFreezing()
{
    Desk desk;
    desk.openWindow();
    QAction* toggle = desk.window->modeSwitch()->toggleAction();
    QAction* undo = desk.window->modeSwitch()->undoAction();
    toggle->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(undo->isEnabled(), 10'000);
    QCOMPARE(desk.storedMode(), QStringLiteral("legacy"));

    GuiHeartbeat heartbeat;
    BotLock bot(desk.path);
    QVERIFY(bot.held());
    QElapsedTimer click;
    click.start();
    undo->trigger();
    QVERIFY2(click.elapsed() < kClickLimitMs, qPrintable(QString::number(click.elapsed())));
    QVERIFY(!undo->isEnabled() && !toggle->isEnabled());
    QCOMPARE(toggle->text(), QStringLiteral("Switching to enhanced\u2026"));
    QTest::qWait(300); // the GUI runs on while the undo waits
    QCOMPARE(desk.storedMode(), QStringLiteral("legacy"));
    QVERIFY(toggle->isChecked()); // the store still holds legacy

    QVERIFY(bot.release());
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("enhanced"), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(toggle->isEnabled(), 10'000);
    QVERIFY(!toggle->isChecked());
    QVERIFY(!undo->isEnabled());
    QCOMPARE(desk.auditRows().front().detail, std::optional<QString>(QStringLiteral("undo")));
    QVERIFY2(heartbeat.longestGapMs() < kGapLimitMs,
             qPrintable(QString::number(heartbeat.longestGapMs())));
}

void TestUiBusyWrites::resumeWaitsForABusyStoreWithoutFreezing()
{
    Desk desk;
    desk.write(store::SettingKey::Mode, QStringLiteral("legacy"));
    desk.write(store::SettingKey::Mode, QStringLiteral("halt"));
    desk.openWindow();
    QToolButton* halt = desk.button("haltButton");
    QVERIFY(halt);
    QCOMPARE(halt->text(), QStringLiteral("Resume"));
    QSignalSpy waiting(desk.session.get(), &DeskSession::writeWaiting);
    QSignalSpy switched(desk.window->haltSwitch(), &HaltSwitch::switched);
    GuiHeartbeat heartbeat;
    BotLock bot(desk.path);
    QVERIFY(bot.held());

    QElapsedTimer click;
    click.start();
    QTest::mouseClick(halt, Qt::LeftButton);
    QVERIFY2(click.elapsed() < kClickLimitMs, qPrintable(QString::number(click.elapsed())));
    // Still halted in the store, and the emergency button stays usable.
    QCOMPARE(halt->text(), QStringLiteral("Resuming\u2026"));
    QVERIFY(halt->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 10'000);
    QCOMPARE(waiting.front().at(0).value<DeskWrite>(), DeskWrite::Resume);
    QVERIFY2(switched.last().at(0).toString().contains(QStringLiteral("waiting")),
             qPrintable(switched.last().at(0).toString()));
    QCOMPARE(desk.storedMode(), QStringLiteral("halt"));
    QVERIFY(desk.window->haltBanner()->isVisible());

    QVERIFY(bot.release());
    QTRY_COMPARE_WITH_TIMEOUT(desk.storedMode(), QStringLiteral("legacy"), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(halt->text(), QStringLiteral("Halt"), 10'000);
    QVERIFY2(switched.last().at(0).toString().contains(QStringLiteral("legacy")),
             qPrintable(switched.last().at(0).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(desk.window->haltBanner()->isHidden(), 10'000);
    QVERIFY2(heartbeat.longestGapMs() < kGapLimitMs,
             qPrintable(QString::number(heartbeat.longestGapMs())));
}

// The trader changes their mind while Resume waits: the halt is written after the resume
// (same worker, in order), so the store ends halted, never resumed behind the trader's back.
void TestUiBusyWrites::haltAskedWhileAResumeWaitsLandsAfterIt()
{
    Desk desk;
    desk.write(store::SettingKey::Mode, QStringLiteral("halt"));
    desk.openWindow();
    QToolButton* halt = desk.button("haltButton");
    QVERIFY(halt);
    const size_t auditBefore = desk.auditRows().size();
    BotLock bot(desk.path);
    QVERIFY(bot.held());
    QTest::mouseClick(halt, Qt::LeftButton); // Resume
    QCOMPARE(halt->text(), QStringLiteral("Resuming\u2026"));
    QTest::mouseClick(halt, Qt::LeftButton); // halt again
    QCOMPARE(halt->text(), QStringLiteral("Resume"));
    QVERIFY(bot.release());

    QTRY_COMPARE_WITH_TIMEOUT(desk.auditRows().size(), auditBefore + 2, 10'000);
    const std::vector<store::AuditEntry> rows = desk.auditRows();
    QCOMPARE(rows.at(1).newValue, QStringLiteral("enhanced")); // the resume
    QCOMPARE(rows.at(0).newValue, QStringLiteral("halt"));     // then the halt
    QCOMPARE(desk.storedMode(), QStringLiteral("halt"));
    QTRY_VERIFY_WITH_TIMEOUT(desk.session->state().settings.halted(), 10'000);
    QCOMPARE(halt->text(), QStringLiteral("Resume"));
    QVERIFY(desk.window->haltBanner()->isVisible());
}

// Issue 6 across the worker: a flip asked after the halt (before the window shows the halt)
// lands after it and must not lift it silently; it is refused with its reason.
void TestUiBusyWrites::switchAskedWhileAHaltWaitsIsRefused()
{
    Desk desk;
    desk.openWindow();
    QAction* toggle = desk.window->modeSwitch()->toggleAction();
    QSignalSpy failed(desk.window->modeSwitch(), &ModeSwitch::failed);
    const size_t auditBefore = desk.auditRows().size();
    BotLock bot(desk.path);
    QVERIFY(bot.held());
    QTest::mouseClick(desk.button("haltButton"), Qt::LeftButton);
    QVERIFY(toggle->isEnabled()); // the halt has not landed: the switch still allows a flip
    toggle->trigger();
    QVERIFY(bot.release());

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10'000);
    QVERIFY2(failed.front().at(0).toString().contains(QStringLiteral("the store is halted")),
             qPrintable(failed.front().at(0).toString()));
    QCOMPARE(desk.storedMode(), QStringLiteral("halt"));
    QCOMPARE(desk.auditRows().size(), auditBefore + 1);
    QTRY_VERIFY_WITH_TIMEOUT(!toggle->isEnabled(), 10'000); // halted: only Resume leaves it
    QCOMPARE(toggle->text(), QStringLiteral("Halted (reduce-only)"));
}

// Issue 24: the queued switch read enhanced, then waited for the lock while another desk (or
// the drawdown guard) halted; it wrote legacy over that halt. It compares and is refused.
void TestUiBusyWrites::haltByAnotherDeskWhileASwitchWaitsIsNeverLifted()
{
    Desk desk;
    desk.openWindow();
    QAction* toggle = desk.window->modeSwitch()->toggleAction();
    QSignalSpy waiting(desk.session.get(), &DeskSession::writeWaiting);
    QSignalSpy failed(desk.window->modeSwitch(), &ModeSwitch::failed);
    BotLock bot(desk.path);
    QVERIFY(bot.held());
    toggle->trigger();
    // Waiting means the writer read the mode (enhanced) and is blocked on the lock.
    QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 15'000);
    QVERIFY(bot.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('mode', 'halt')"
                                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value")));
    QVERIFY(bot.release());

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15'000);
    QCOMPARE(desk.storedMode(), QStringLiteral("halt"));
    const QString message = failed.front().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("the store is halted")) &&
                 message.contains(QStringLiteral("Resume first")),
             qPrintable(message));
    QTRY_VERIFY_WITH_TIMEOUT(!toggle->isEnabled(), 10'000); // halted: only Resume leaves it
}

// The dialog stays open while the save waits, and a value the store refuses once the bot
// commits (SPEC 7: the bot raised the overnight limit above the new intraday one) keeps it
// open with the store's message at the field. A valid value then saves and closes it.
void TestUiBusyWrites::settingsSaveWaitsAndShowsTheStoresRefusal()
{
    Desk desk;
    desk.openWindow();
    SettingsDialog dialog(*desk.session, desk.window.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* buttons = dialog.findChild<QDialogButtonBox*>();
    QVERIFY(buttons);
    QLineEdit* intraday = dialog.field(store::SettingKey::MaxIntradayLeverage);
    QVERIFY(intraday);
    const size_t auditBefore = desk.auditRows().size();
    QSignalSpy waiting(desk.session.get(), &DeskSession::writeWaiting);
    GuiHeartbeat heartbeat;
    BotLock bot(desk.path);
    QVERIFY(bot.held());

    intraday->setText(QStringLiteral("2.5"));
    QElapsedTimer click;
    click.start();
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY2(click.elapsed() < kClickLimitMs, qPrintable(QString::number(click.elapsed())));
    QVERIFY(dialog.saving());
    QVERIFY(!buttons->button(QDialogButtonBox::Ok)->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 10'000);
    QCOMPARE(waiting.front().at(0).value<DeskWrite>(), DeskWrite::Settings);
    QVERIFY2(dialog.statusText().contains(QStringLiteral("Store busy")),
             qPrintable(dialog.statusText()));
    QCOMPARE(buttons->button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Close"));
    QVERIFY(dialog.isVisible());

    QVERIFY(bot.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES"
                                    " ('max_overnight_leverage', '3') ON CONFLICT (key)"
                                    " DO UPDATE SET value = excluded.value")));
    QVERIFY(bot.release());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.saving(), 10'000);
    QVERIFY(dialog.isVisible());
    const QString refusal = dialog.fieldError(store::SettingKey::MaxIntradayLeverage);
    QVERIFY2(refusal.contains(QStringLiteral("refused")), qPrintable(refusal));
    QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Could not save max_intraday_leverage")),
             qPrintable(dialog.statusText()));
    QVERIFY(buttons->button(QDialogButtonBox::Ok)->isEnabled());
    QCOMPARE(desk.stored(store::SettingKey::MaxIntradayLeverage).toDouble(), 4.0);
    QCOMPARE(desk.auditRows().size(), auditBefore);
    QTRY_VERIFY_WITH_TIMEOUT(
        desk.window->statusMessageText().startsWith(QStringLiteral("Settings not saved")), 10'000);

    intraday->setText(QStringLiteral("3"));
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10'000);
    QVERIFY(!dialog.isVisible());
    QCOMPARE(desk.stored(store::SettingKey::MaxIntradayLeverage).toDouble(), 3.0);
    QCOMPARE(desk.auditRows().front().origin, QStringLiteral("dashboard"));
    QTRY_COMPARE_WITH_TIMEOUT(desk.session->state().settings.limits.intradayLeverage, 3.0, 10'000);
    QVERIFY2(heartbeat.longestGapMs() < kGapLimitMs,
             qPrintable(QString::number(heartbeat.longestGapMs())));
}

void TestUiBusyWrites::correlationBuildWaitsForABusyStoreWithoutFreezing()
{
    Desk desk;
    desk.openWindow();
    QVERIFY(!desk.session->state().correlation);
    auto* rebuild =
        desk.window->correlation()->findChild<QPushButton*>(QStringLiteral("rebuildButton"));
    QVERIFY(rebuild);
    QSignalSpy waiting(desk.session.get(), &DeskSession::writeWaiting);
    GuiHeartbeat heartbeat;
    BotLock bot(desk.path);
    QVERIFY(bot.held());

    QElapsedTimer call;
    call.start();
    desk.window->rebuildCorrelationFrom(QStringLiteral(KELLY_SOURCE_DIR "/resources/prices"));
    QVERIFY2(call.elapsed() < kClickLimitMs, qPrintable(QString::number(call.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 30'000);
    QCOMPARE(waiting.front().at(0).value<DeskWrite>(), DeskWrite::CorrelationBuild);
    QVERIFY2(desk.window->statusMessageText().contains(QStringLiteral("waiting")),
             qPrintable(desk.window->statusMessageText()));
    QVERIFY(!rebuild->isEnabled()); // shown as running until the store holds the build
    QVERIFY(!desk.session->state().correlation);

    QVERIFY(bot.release());
    QTRY_VERIFY_WITH_TIMEOUT(desk.session->state().correlation != nullptr, 10'000);
    QCOMPARE(desk.session->state().correlation->build.symbols.size(), size_t(12));
    QTRY_VERIFY_WITH_TIMEOUT(rebuild->isEnabled(), 10'000);
    QCOMPARE(desk.window->statusMessageText(), QStringLiteral("Correlation rebuilt: 12 symbols"));
    QVERIFY(desk.window->correlation()->rebuildError().isEmpty());
    QVERIFY2(heartbeat.longestGapMs() < kGapLimitMs,
             qPrintable(QString::number(heartbeat.longestGapMs())));
}

QTEST_MAIN(TestUiBusyWrites)
#include "tst_ui_busy_writes.moc"
