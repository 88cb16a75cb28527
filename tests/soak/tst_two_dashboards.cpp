// Issue 7, "two dashboards and a bot on one store", with real processes: two dashboard
// processes (the real window, offscreen, each polling on its own worker connection) and
// the soak writer marking 300 positions 10 times a second for 4 s. No process may see a
// lock error, the writer must commit every tick, and both dashboards must show its last one.

#include "Clock.h"
#include "ScaleFixture.h"
#include "SoakRun.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <array>
#include <memory>

using namespace kelly;

namespace {

constexpr int kPositions = 300;
constexpr int kSymbols = 60;
constexpr int kTicksPerSecond = 10;
constexpr int kSeconds = 4;
constexpr int kLastTick = kTicksPerSecond * kSeconds;
// How long a dashboard waits for the last tick: the writer's run plus generous slack for a
// loaded machine (the sanitizer pass of CI runs this too).
constexpr int kDashboardTimeoutMs = (kSeconds + 40) * 1000;

bool waitForLine(QProcess& process, const QByteArray& line, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QByteArray seen;
    while (!deadline.hasExpired()) {
        if (process.canReadLine() || process.waitForReadyRead(50)) {
            while (process.canReadLine()) {
                seen = process.readLine().trimmed();
                if (seen == line)
                    return true;
            }
        }
        if (process.state() == QProcess::NotRunning)
            return false;
    }
    return false;
}

} // namespace

class TwoDashboardsTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twoDashboardsAndABotShareTheStore();
};

void TwoDashboardsTest::twoDashboardsAndABotShareTheStore()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    const QString path = folder.filePath(QStringLiteral("shared.sqlite"));
    QString error;
    QVERIFY2(soak::seedScaleStore(path, kPositions, kSymbols, ui::SystemClock().now(), &error),
             qPrintable(error));

    std::array<std::unique_ptr<QProcess>, 2> dashboards;
    for (auto& dashboard : dashboards) {
        dashboard = std::make_unique<QProcess>();
        dashboard->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        dashboard->start(QStringLiteral(SOAK_DASHBOARD_PATH),
                         {path, QString::number(kLastTick), QString::number(kDashboardTimeoutMs)});
    }
    for (auto& dashboard : dashboards)
        QVERIFY2(waitForLine(*dashboard, "ready", 30'000), "a dashboard did not start polling");

    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(QStringLiteral(SOAK_WRITER_PATH),
                 {path, QString::number(kPositions), QString::number(kTicksPerSecond),
                  QString::number(kSeconds)});
    QVERIFY(writer.waitForFinished((kSeconds + 30) * 1000));
    soak::WriterReport written;
    QVERIFY(soak::parseWriterReport(writer.readAllStandardOutput(), &written));
    QCOMPARE(writer.exitCode(), 0);
    QCOMPARE(written.lockErrors, 0);
    QCOMPARE(written.otherErrors, 0);
    QCOMPARE(written.committed, written.ticks);
    QCOMPARE(written.lastTick, kLastTick);

    for (auto& dashboard : dashboards) {
        QVERIFY(dashboard->waitForFinished(kDashboardTimeoutMs + 5'000));
        const QByteArray output = dashboard->readAllStandardOutput();
        qInfo().noquote() << "dashboard:" << output.trimmed();
        soak::DashboardReport shown;
        QVERIFY2(soak::parseDashboardReport(output, &shown), output.constData());
        QCOMPARE(shown.lockErrors, 0);
        QCOMPARE(shown.storeErrors, 0);
        QCOMPARE(shown.lastTickSeen, kLastTick);
        QVERIFY(shown.reloads > 0);
        QCOMPARE(dashboard->exitCode(), 0);
    }
}

QTEST_MAIN(TwoDashboardsTest)
#include "tst_two_dashboards.moc"
