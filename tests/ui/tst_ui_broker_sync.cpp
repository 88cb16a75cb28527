// Issue 16 (SPEC 14): the dashboard's timed broker sync against the local Alpaca stand-in
// (tests/broker/alpaca_standin.py). The setting starts the timer, a sync fills the book and
// the status bar, the network never runs on the GUI thread, and three failed syncs in a row
// raise one alert.

#include "AlertCenter.h"
#include "AlpacaStandIn.h"
#include "BrokerSyncTimer.h"
#include "Clock.h"
#include "DeskSession.h"
#include "MainWindow.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

const UtcTime kWednesday1530 = sys_days{2026y / November / 25} + hours(20) + minutes(30);

} // namespace

class TestUiBrokerSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void settingStartsTheTimerAndASyncFillsTheDesk();
    void aSlowBrokerNeverBlocksTheGuiThread();
    void threeFailedSyncsRaiseOneAlert();

private:
    void openWindow(const QString& scenario);
    QLabel* syncLabel() const
    {
        return m_window->findChild<QLabel*>(QStringLiteral("brokerSyncLabel"));
    }

    kelly::test::AlpacaStandIn m_standin;
    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<DeskSession> m_session;
    std::unique_ptr<MainWindow> m_window;
};

void TestUiBrokerSync::initTestCase()
{
    const QString whyNot = m_standin.start();
    QVERIFY2(whyNot.isEmpty(), qPrintable(whyNot));
}

void TestUiBrokerSync::cleanupTestCase()
{
    m_standin.stop();
}

void TestUiBrokerSync::init()
{
    m_folder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_folder->isValid());
    m_clock = std::make_unique<ManualClock>(kWednesday1530);
    m_store = std::make_unique<store::Store>();
    QString error;
    QVERIFY2(m_store->open(m_folder->filePath(QStringLiteral("desk.sqlite")), &error),
             qPrintable(error));
    QVERIFY(m_store->setAccount(1000, 1000, m_clock->now(), &error));
    m_session = std::make_unique<DeskSession>(*m_store, *m_clock, store::Environment{});
}

void TestUiBrokerSync::cleanup()
{
    m_window.reset();
    m_session.reset();
    m_store.reset();
    m_folder.reset();
}

void TestUiBrokerSync::openWindow(const QString& scenario)
{
    // The window reads the APCA_* variables of its process, as the dashboard does.
    qputenv("APCA_API_KEY_ID", "test-key-id");
    qputenv("APCA_API_SECRET_KEY", "test-secret-key");
    qputenv("APCA_API_BASE_URL", (m_standin.baseUrl() + QLatin1Char('/') + scenario).toUtf8());
    QString error;
    QVERIFY2(m_session->reload(&error), qPrintable(error));
    m_window = std::make_unique<MainWindow>(*m_session);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_session->start();
}

void TestUiBrokerSync::settingStartsTheTimerAndASyncFillsTheDesk()
{
    openWindow(QStringLiteral("ok"));
    QVERIFY(!m_window->brokerSync()->interval()); // off by default
    // Issue 12 item 8: written on the session's worker; the outcome comes by signal.
    QSignalSpy written(m_session.get(), &DeskSession::writeFinished);
    m_session->writeSettings({{store::SettingKey::BrokerSyncIntervalS, QStringLiteral("30")}});
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 10'000);
    QVERIFY2(written.front().at(0).value<DeskWriteOutcome>().written,
             qPrintable(written.front().at(0).value<DeskWriteOutcome>().error));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->brokerSync()->interval(), std::optional<double>(30.0),
                              10'000);

    QSignalSpy finished(m_window->brokerSync(), &BrokerSyncTimer::finished);
    m_window->brokerSync()->syncNow();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10'000);
    QVERIFY2(finished.front().at(0).toBool(), qPrintable(finished.front().at(1).toString()));
    // The poller shows the sync's write like any other process's.
    QTRY_COMPARE_WITH_TIMEOUT(m_session->state().account.account.positions.size(), size_t(3),
                              10'000);
    QCOMPARE(m_session->state().account.account.equityUsd, 100000.5);
    QTRY_VERIFY2_WITH_TIMEOUT(syncLabel()->text().contains(QStringLiteral("Last broker sync")),
                              qPrintable(syncLabel()->text()), 10'000);
    QVERIFY(syncLabel()->text().contains(QStringLiteral("alpaca")));
    QVERIFY(syncLabel()->isVisible());
}

void TestUiBrokerSync::aSlowBrokerNeverBlocksTheGuiThread()
{
    openWindow(QStringLiteral("slow"));
    broker::SyncOptions options;
    options.timeout = milliseconds(1500);
    m_window->brokerSync()->setOptions(options);
    QSignalSpy finished(m_window->brokerSync(), &BrokerSyncTimer::finished);
    QElapsedTimer timer;
    timer.start();
    m_window->brokerSync()->syncNow();
    QVERIFY2(timer.elapsed() < 200, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(m_window->brokerSync()->isRunning());
    // The GUI thread keeps turning while the request waits on the network.
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
    ticker.start(50);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY(ticks >= 10);
    QVERIFY(!finished.front().at(0).toBool());
    QVERIFY(finished.front().at(1).toString().contains(QStringLiteral("timeout")));
    QCOMPARE(m_session->state().account.account.positions.size(), size_t(0));
}

void TestUiBrokerSync::threeFailedSyncsRaiseOneAlert()
{
    openWindow(QStringLiteral("error500"));
    QSignalSpy alerts(m_window->alerts(), &AlertCenter::alertRaised);
    QSignalSpy finished(m_window->brokerSync(), &BrokerSyncTimer::finished);
    for (int attempt = 1; attempt <= 4; ++attempt) {
        m_window->brokerSync()->syncNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), attempt, 10'000);
        QCOMPARE(m_window->brokerSync()->consecutiveMisses(), attempt);
        QCOMPARE(alerts.count(), attempt < AlertCenter::kBrokerSyncMisses ? 0 : 1);
    }
    QCOMPARE(alerts.front().at(0).toString(), QStringLiteral("Broker sync failing"));
    QVERIFY(alerts.front().at(1).toString().contains(QStringLiteral("HTTP 500")));
    QVERIFY(syncLabel()->text().contains(QStringLiteral("FAILING (4 in a row)")));
    QVERIFY(!syncLabel()->toolTip().contains(QStringLiteral("test-secret-key")));
}

QTEST_MAIN(TestUiBrokerSync)
#include "tst_ui_broker_sync.moc"
