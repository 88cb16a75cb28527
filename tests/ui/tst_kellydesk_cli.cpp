// Issue 11: kellydesk answers --help, --version and a bad option without a display. The
// binary runs with no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM, where creating the GUI
// would abort in the xcb plugin.
#include <QProcess>
#include <QTest>

class TestKellydeskCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersWithoutDisplay_data();
    void answersWithoutDisplay();
};

void TestKellydeskCli::answersWithoutDisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdoutHas");
    QTest::addColumn<QString>("stderrHas");
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0
                            << QStringLiteral("Usage: kellydesk [options]") << QString();
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << 0 << QStringLiteral("--db <PATH>")
                        << QString();
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0
                               << QStringLiteral("kellydesk ") << QString();
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << 2 << QString()
                                    << QStringLiteral("Unknown option 'frobnicate'");
    QTest::newRow("missing value")
        << QStringList{QStringLiteral("--db")} << 2 << QString() << QStringLiteral("db");
    QTest::newRow("stray argument") << QStringList{QStringLiteral("store.sqlite")} << 2 << QString()
                                    << QStringLiteral("unexpected argument 'store.sqlite'");
}

void TestKellydeskCli::answersWithoutDisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, stdoutHas);
    QFETCH(QString, stderrHas);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(KELLY_BINARY_DIR "/app/kellydesk/kellydesk"), arguments);
    QVERIFY(process.waitForFinished(30'000));
    const QString out = QString::fromLocal8Bit(process.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(process.readAllStandardError());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == exitCode, qPrintable(err));
    if (!stdoutHas.isEmpty())
        QVERIFY2(out.contains(stdoutHas), qPrintable(out));
    if (!stderrHas.isEmpty())
        QVERIFY2(err.contains(stderrHas), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestKellydeskCli)
#include "tst_kellydesk_cli.moc"
