// Real processes at once (issue 3): a writer loop and readers with no "database is locked",
// and a writer SIGKILLed mid-write leaving a sound file with every reported commit.

#include "KellyctlRunner.h"
#include "Store.h"
#include "StoreTestSupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestKellyctlProcesses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void writerAndReadersAtOnce();
    void sigkillMidWriteKeepsCommits_data();
    void sigkillMidWriteKeepsCommits();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestKellyctlProcesses::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("store.sqlite"));
    const KellyctlRun created = KellyctlRunner(m_path).run(args({"init"}));
    QCOMPARE(created.exitCode, 0);
    QCOMPARE(KellyctlRunner(m_path)
                 .run(args({"account", "set", "--equity", "100000", "--buying-power", "400000"}))
                 .exitCode,
             0);
}

void TestKellyctlProcesses::writerAndReadersAtOnce()
{
    // Writer 1: a process committing single-row transactions as fast as it can, until stopped.
    QProcess writer;
    writer.start(QStringLiteral(STORE_WRITER_PATH),
                 {m_path, QStringLiteral("1"), QStringLiteral("0")});
    QVERIFY(writer.waitForStarted());
    QVERIFY(writer.waitForReadyRead(10000));

    // Writer 2 and readers: kellyctl processes one after another while writer 1 runs, and an
    // in-process reader on its own connection polling like the dashboard.
    const KellyctlRunner runner(m_path);
    kelly::store::Store reader;
    QString error;
    QVERIFY(reader.open(m_path, &error));
    QStringList failures;
    constexpr int kRuns = 45;
    for (int run = 0; run < kRuns; ++run) {
        const QStringList arguments =
            run % 3 == 0   ? QStringList{QStringLiteral("position"), QStringLiteral("set"),
                                       QStringLiteral("NVDA"),     QStringLiteral("--qty"),
                                       QString::number(run + 1),   QStringLiteral("--price"),
                                       QStringLiteral("150")}
            : run % 3 == 1 ? args({"status", "--json"})
                           : args({"size", "NVDA", "150", "--json"});
        const KellyctlRun result = runner.run(arguments);
        if (result.exitCode != 0 || result.err.contains(QLatin1String("locked")))
            failures << arguments.join(QLatin1Char(' ')) + QStringLiteral(" -> ") + result.err;
        kelly::store::AccountRecord record;
        kelly::store::ChangeStamp stamp;
        if (!reader.loadAccount(&record, &error) || !reader.changeStamp(&stamp, &error))
            failures << QStringLiteral("reader: ") + error;
        // Drain the writer's progress lines so it never blocks on a full pipe.
        QVERIFY2(!writer.waitForFinished(1), writer.readAllStandardError().constData());
        writer.readAllStandardOutput();
    }
    writer.kill();
    QVERIFY(writer.waitForFinished());
    const QString writerErrors = QString::fromUtf8(writer.readAllStandardError());
    QVERIFY2(writerErrors.isEmpty(), qPrintable(writerErrors));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    const double commits =
        kelly::testing::rawScalar(m_path,
                                  QStringLiteral("SELECT qty FROM positions WHERE symbol = 'W0'"))
            .toDouble();
    qInfo("%d kellyctl runs and reader polls alongside %.0f writer commits", kRuns, commits);
    QVERIFY(commits > kRuns);
    QCOMPARE(kelly::testing::rawScalar(
                 m_path, QStringLiteral("SELECT qty FROM positions WHERE symbol = 'NVDA'"))
                 .toDouble(),
             43.0);
    QCOMPARE(
        kelly::testing::rawScalar(m_path, QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QString::number(kRuns / 3));
    QCOMPARE(kelly::testing::rawScalar(m_path, QStringLiteral("PRAGMA integrity_check")),
             QStringLiteral("ok"));
}

void TestKellyctlProcesses::sigkillMidWriteKeepsCommits_data()
{
    QTest::addColumn<int>("rowsPerTransaction");
    QTest::addColumn<int>("commitsBeforeKill");
    QTest::newRow("small transactions") << 1 << 300;
    QTest::newRow("large transactions") << 400 << 40;
}

void TestKellyctlProcesses::sigkillMidWriteKeepsCommits()
{
    QFETCH(int, rowsPerTransaction);
    QFETCH(int, commitsBeforeKill);
    QProcess writer;
    writer.start(QStringLiteral(STORE_WRITER_PATH),
                 {m_path, QString::number(rowsPerTransaction), QStringLiteral("0")});
    QVERIFY(writer.waitForStarted());
    long lastReported = 0;
    QByteArray pending;
    QElapsedTimer timer;
    timer.start();
    while (lastReported < commitsBeforeKill && timer.elapsed() < 60000) {
        writer.waitForReadyRead(1000);
        pending += writer.readAllStandardOutput();
        const qsizetype end = pending.lastIndexOf('\n');
        if (end < 0)
            continue;
        const QList<QByteArray> lines = pending.left(end).split('\n');
        pending = pending.mid(end + 1);
        lastReported = lines.last().mid(QByteArrayLiteral("committed ").size()).toLong();
    }
    QVERIFY(lastReported >= commitsBeforeKill);
    writer.kill(); // SIGKILL, while it is in the middle of its next transactions
    QVERIFY(writer.waitForFinished());
    QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
    // Lines reported after our last read were committed too; the store may hold more.
    pending += writer.readAllStandardOutput();
    for (const QByteArray& line : pending.split('\n'))
        if (line.startsWith("committed "))
            lastReported = line.mid(QByteArrayLiteral("committed ").size()).toLong();

    QCOMPARE(kelly::testing::rawScalar(m_path, QStringLiteral("PRAGMA integrity_check")),
             QStringLiteral("ok"));
    // All rows of a transaction carry the same qty: one value means no torn transaction.
    QCOMPARE(kelly::testing::rawScalar(
                 m_path, QStringLiteral(
                             "SELECT count(DISTINCT qty) FROM positions WHERE symbol LIKE 'W%'")),
             QStringLiteral("1"));
    QCOMPARE(kelly::testing::rawScalar(
                 m_path, QStringLiteral("SELECT count(*) FROM positions WHERE symbol LIKE 'W%'")),
             QString::number(rowsPerTransaction));
    const double stored =
        kelly::testing::rawScalar(m_path,
                                  QStringLiteral("SELECT qty FROM positions WHERE symbol = 'W0'"))
            .toDouble();
    QVERIFY2(stored >= double(lastReported),
             qPrintable(QStringLiteral("stored %1, reported %2").arg(stored).arg(lastReported)));
    // And the store still opens and works for the next process.
    QCOMPARE(KellyctlRunner(m_path).run(args({"status", "--json"})).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestKellyctlProcesses)
#include "tst_kellyctl_processes.moc"
