// The short live soak (issue 7), the same code as kelly_soak with smaller numbers: a writer
// process marks 300 positions 10 times a second for 5 s while the real dashboard polls.
// It asserts what must hold whatever the machine's load: no lock errors, every tick
// committed, and the dashboard showing the writer's last tick within 1 s (SPEC 10). Timing
// figures are printed, never asserted.

#include "SoakRun.h"

#include <QtTest>

using namespace kelly::soak;

class SoakTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writerAndDashboardShareTheStore();
};

void SoakTest::writerAndDashboardShareTheStore()
{
    SoakConfig config;
    config.positions = 300;
    config.symbols = 60;
    config.ticksPerSecond = 10;
    config.seconds = 5;
    config.writerPath = QStringLiteral(SOAK_WRITER_PATH);
    SoakResult result;
    QString error;
    QVERIFY2(runSoak(config, &result, &error), qPrintable(error));
    qInfo().noquote() << describe(config, result);

    QCOMPARE(result.writerExitCode, 0);
    QCOMPARE(result.writer.lockErrors, 0);
    QCOMPARE(result.writer.otherErrors, 0);
    QCOMPARE(result.lockErrors, 0);
    QCOMPARE(result.storeErrors, 0);
    QCOMPARE(result.writer.committed, result.writer.ticks);
    QCOMPARE(result.writer.lastTick, config.ticksPerSecond * config.seconds);
    QCOMPARE(result.lastTickSeen, result.writer.lastTick);
    QVERIFY(result.lastTickLatencyMs.has_value());
    QVERIFY2(*result.lastTickLatencyMs < 1000.0,
             qPrintable(QStringLiteral("last tick shown after %1 ms")
                            .arg(*result.lastTickLatencyMs, 0, 'f', 0)));
    QVERIFY(result.reloads > 0);
}

QTEST_MAIN(SoakTest)
#include "tst_soak.moc"
