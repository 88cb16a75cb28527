// SPEC 13 on a real PostgreSQL server (a throwaway cluster from `pg_virtualenv -t`, started
// by CTest): store names and secrets, bad input, `store copy` both ways, four writer
// processes with two dashboards on one store, and the faults a desk on a network meets (a
// killed backend, a server stopped for 10 s, a writer killed inside its transaction).

#include "Clock.h"
#include "DeskSession.h"
#include "OpenStoreDialog.h"
#include "Store.h"
#include "StoreLocation.h"
#include "StoreTestSupport.h"

#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace kelly;
using namespace kelly::store;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runProgram(const QString& program, const QStringList& arguments, int timeoutMs = 60000)
{
    QProcess process;
    process.start(program, arguments);
    Run result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

Run kellyctl(const QStringList& arguments)
{
    return runProgram(QStringLiteral(KELLYCTL_PATH), arguments);
}

// The test cluster over TCP with an explicit user and password, as a remote desk names it.
QString serverUrl(const QString& database, const QString& password)
{
    return QStringLiteral("postgresql://%1:%2@%3:%4/%5")
        .arg(qEnvironmentVariable("PGUSER", QStringLiteral("postgres")), password,
             qEnvironmentVariable("PGHOST", QStringLiteral("localhost")),
             qEnvironmentVariable("PGPORT", QStringLiteral("5432")), database);
}

QString databaseOf(const QString& storeName)
{
    return storeName.section(QLatin1Char('/'), 3);
}

bool pgCluster(const char* action)
{
    const Run run =
        runProgram(QStringLiteral("pg_ctlcluster"),
                   {qEnvironmentVariable("PGVERSION", QStringLiteral("15")),
                    qEnvironmentVariable("PGCLUSTER", QStringLiteral("regress")),
                    QString::fromLatin1(action), QStringLiteral("-m"), QStringLiteral("fast")});
    if (run.exitCode != 0)
        qWarning("pg_ctlcluster %s: %s", action, qPrintable(run.err));
    return run.exitCode == 0;
}

const Position* findPosition(const ui::DeskState& state, const std::string& symbol)
{
    for (const Position& position : state.account.account.positions)
        if (position.symbol == symbol)
            return &position;
    return nullptr;
}

// A dashboard as kellydesk runs one: its own connection, a started session (worker thread,
// LISTEN, heartbeat poll).
struct Dashboard
{
    explicit Dashboard(const QString& storeName)
    {
        QString error;
        QVERIFY2(store.open(storeName, &error, true), qPrintable(error));
        session = std::make_unique<ui::DeskSession>(store, clock, Environment());
        QVERIFY2(session->reload(&error), qPrintable(error));
        session->start();
    }
    ui::SystemClock clock;
    Store store;
    std::unique_ptr<ui::DeskSession> session;
};

} // namespace

class TestPostgresDesk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void storeNamesParseAndHideThePassword();
    void badNamesAndLoginsGetClearErrors();
    void foreignAndNewerDatabasesAreRefusedUntouched();
    void copyRoundTripsBothWays();
    void fourWritersTwoDashboards();
    void dashboardSurvivesATerminatedBackend();
    void dashboardRecoversFromAStoppedServer();
    void killedCopyLeavesNothingBehind();
    void openStoreDialogChecksTheStore();

private:
    QString newStore(bool initialise = true);
    QTemporaryDir m_dir;
};

void TestPostgresDesk::initTestCase()
{
    QVERIFY2(testing::onPostgres(),
             "run by CTest under pg_virtualenv -t (KELLYDESK_TEST_BACKEND=postgresql)");
    QVERIFY(m_dir.isValid());
}

QString TestPostgresDesk::newStore(bool initialise)
{
    QString error;
    const QString name = testing::newStoreName(m_dir.path(), QString(), &error);
    if (name.isEmpty())
        qWarning("%s", qPrintable(error));
    if (initialise) {
        const Run init = kellyctl({QStringLiteral("--db"), name, QStringLiteral("init")});
        if (init.exitCode != 0)
            qWarning("init: %s", qPrintable(init.err));
    }
    return name;
}

void TestPostgresDesk::storeNamesParseAndHideThePassword()
{
    StoreLocation at;
    QString error;
    QVERIFY2(parseStoreName(QStringLiteral("postgresql://bot:s%40cret@db.example:6543/desk"
                                           "?sslmode=require&connect_timeout=5"),
                            &at, &error),
             qPrintable(error));
    QCOMPARE(at.backend, Backend::Postgres);
    QCOMPARE(at.user, QStringLiteral("bot"));
    QCOMPARE(at.password, QStringLiteral("s@cret"));
    QCOMPARE(at.host, QStringLiteral("db.example"));
    QCOMPARE(at.port, 6543);
    QCOMPARE(at.database, QStringLiteral("desk"));
    QCOMPARE(at.connectOptions,
             QStringList({QStringLiteral("sslmode=require"), QStringLiteral("connect_timeout=5")}));
    QCOMPARE(
        at.displayName(),
        QStringLiteral("postgresql://bot@db.example:6543/desk?sslmode=require&connect_timeout=5"));

    QVERIFY(parseStoreName(QStringLiteral("postgresql:///?service=desk"), &at, &error));
    QCOMPARE(at.connectOptions, QStringList{QStringLiteral("service=desk")});
    QVERIFY(parseStoreName(QStringLiteral("/var/lib/desk.sqlite"), &at, &error));
    QCOMPARE(at.backend, Backend::Sqlite);

    for (const char* bad :
         {"postgresql://bot:pw@host:99999/desk", "postgresql://host/",
          "postgresql://host/desk?sslmod=require", "postgresql://host/desk?sslmode=re%20quire",
          "postgresql://host/a/b", "mysql://host/desk"}) {
        error.clear();
        QVERIFY2(!parseStoreName(QString::fromLatin1(bad), &at, &error), bad);
        QVERIFY2(!error.isEmpty() && !error.contains(QLatin1String(":pw@")), qPrintable(error));
    }
    QCOMPARE(redactStoreName(QStringLiteral("postgresql://bot:pw@host:99999/desk")),
             QStringLiteral("postgresql://bot@host:99999/desk"));
}

void TestPostgresDesk::badNamesAndLoginsGetClearErrors()
{
    const QString database = databaseOf(newStore());
    const QString secret = QStringLiteral("Wr0ngSecret");

    const Run wrongPassword =
        kellyctl({QStringLiteral("--db"), serverUrl(database, secret), QStringLiteral("status")});
    QCOMPARE(wrongPassword.exitCode, 2);
    QVERIFY2(wrongPassword.err.contains(QLatin1String("password authentication failed")),
             qPrintable(wrongPassword.err));
    QVERIFY2(!wrongPassword.err.contains(secret), qPrintable(wrongPassword.err));

    const Run malformed = kellyctl(
        {QStringLiteral("--db"), QStringLiteral("postgresql://bot:%1@host:port/desk").arg(secret),
         QStringLiteral("status")});
    QCOMPARE(malformed.exitCode, 2);
    QVERIFY2(malformed.err.contains(QLatin1String("malformed")), qPrintable(malformed.err));
    QVERIFY2(!malformed.err.contains(secret), qPrintable(malformed.err));

    const Run unknownHost =
        kellyctl({QStringLiteral("--db"),
                  QStringLiteral("postgresql://bot:%1@no-such-host.invalid/desk?connect_timeout=3")
                      .arg(secret),
                  QStringLiteral("status")});
    QCOMPARE(unknownHost.exitCode, 1);
    QVERIFY2(unknownHost.err.contains(QLatin1String("no-such-host.invalid")),
             qPrintable(unknownHost.err));
    QVERIFY2(!unknownHost.err.contains(secret), qPrintable(unknownHost.err));

    // The right password works, and is nowhere in what kellyctl prints.
    const QString password = qEnvironmentVariable("PGPASSWORD");
    QVERIFY(!password.isEmpty());
    const Run status =
        kellyctl({QStringLiteral("--db"), serverUrl(database, password), QStringLiteral("init")});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(!status.out.contains(password) && !status.err.contains(password),
             qPrintable(status.out));

    // A database without a store is not created by a typo: only init does that.
    const QString empty = databaseOf(newStore(false));
    const Run missing = kellyctl({QStringLiteral("--db"), QStringLiteral("postgresql:///") + empty,
                                  QStringLiteral("status")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains(QLatin1String("no store here")), qPrintable(missing.err));
}

void TestPostgresDesk::foreignAndNewerDatabasesAreRefusedUntouched()
{
    const QString foreign = newStore(false);
    QString error;
    QVERIFY2(testing::execRawSql(foreign, QStringLiteral("CREATE TABLE orders (id int)"), &error),
             qPrintable(error));
    const Run refused = kellyctl({QStringLiteral("--db"), foreign, QStringLiteral("init")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QLatin1String("not a KellyDesk store")), qPrintable(refused.err));
    QCOMPARE(testing::rawScalar(foreign, QStringLiteral("SELECT count(*) FROM information_schema"
                                                        ".tables WHERE table_schema = 'public'")),
             QStringLiteral("1"));

    const QString newer = newStore();
    QVERIFY(testing::execRawSql(newer, QStringLiteral("UPDATE kellydesk_schema SET version = 99"),
                                &error));
    const QString before = testing::dumpStore(newer);
    const Run tooNew = kellyctl({QStringLiteral("--db"), newer, QStringLiteral("status")});
    QCOMPARE(tooNew.exitCode, 1);
    QVERIFY2(tooNew.err.contains(QLatin1String("newer KellyDesk")), qPrintable(tooNew.err));
    QCOMPARE(testing::dumpStore(newer), before);
}

void TestPostgresDesk::copyRoundTripsBothWays()
{
    const QString sqlite = m_dir.filePath(QStringLiteral("desk.sqlite"));
    const QStringList db{QStringLiteral("--db"), sqlite};
    QCOMPARE(kellyctl(db + QStringList{QStringLiteral("init")}).exitCode, 0);
    for (const QStringList& command :
         {QStringList{QStringLiteral("account"), QStringLiteral("set"), QStringLiteral("--equity"),
                      QStringLiteral("100000"), QStringLiteral("--buying-power"),
                      QStringLiteral("400000")},
          QStringList{QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                      QStringLiteral("--qty"), QStringLiteral("100"), QStringLiteral("--price"),
                      QStringLiteral("150.25")},
          QStringList{QStringLiteral("snapshot")},
          QStringList{QStringLiteral("mode"), QStringLiteral("legacy")},
          QStringList{QStringLiteral("size"), QStringLiteral("AAPL"), QStringLiteral("190.5")},
          QStringList{QStringLiteral("correlation"), QStringLiteral("build"),
                      QStringLiteral("--prices"),
                      QStringLiteral(KELLY_SOURCE_DIR "/resources/prices")}}) {
        const Run run = kellyctl(db + command);
        QVERIFY2(run.exitCode == 0, qPrintable(command.join(QLatin1Char(' ')) + run.err));
    }
    const QString postgres = newStore(false);
    const Run toPostgres = kellyctl({QStringLiteral("store"), QStringLiteral("copy"), sqlite,
                                     postgres, QStringLiteral("--json")});
    QVERIFY2(toPostgres.exitCode == 0, qPrintable(toPostgres.err));
    QVERIFY2(toPostgres.out.contains(QLatin1String("\"correlation_symbols\":12")),
             qPrintable(toPostgres.out));
    // The same commands read the same store on the server.
    const QStringList statusAtOneTime{QStringLiteral("--now"),
                                      QStringLiteral("2026-11-25T20:30:00Z"),
                                      QStringLiteral("status"), QStringLiteral("--json")};
    const QString status = kellyctl(db + statusAtOneTime).out;
    QVERIFY(status.contains(QLatin1String("\"var_95\"")));
    QCOMPARE(kellyctl(QStringList{QStringLiteral("--db"), postgres} + statusAtOneTime).out, status);
    QCOMPARE(kellyctl({QStringLiteral("--db"), postgres, QStringLiteral("audit")}).out,
             kellyctl(db + QStringList{QStringLiteral("audit")}).out);

    // Refused into a store with rows, exit 2, and nothing changed.
    const Run again = kellyctl({QStringLiteral("store"), QStringLiteral("copy"), sqlite, postgres});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains(QLatin1String("not empty")), qPrintable(again.err));

    // And back: the file that comes back holds what the first one held.
    const QString back = m_dir.filePath(QStringLiteral("back.sqlite"));
    const Run toSqlite =
        kellyctl({QStringLiteral("store"), QStringLiteral("copy"), postgres, back});
    QVERIFY2(toSqlite.exitCode == 0, qPrintable(toSqlite.err));
    QCOMPARE(kellyctl(QStringList{QStringLiteral("--db"), back} + statusAtOneTime).out, status);
    // New rows continue the ids the copy brought (PostgreSQL's identity moved past them).
    QCOMPARE(kellyctl({QStringLiteral("--db"), postgres, QStringLiteral("mode"),
                       QStringLiteral("enhanced")})
                 .exitCode,
             0);
}

void TestPostgresDesk::fourWritersTwoDashboards()
{
    const QString name = newStore();
    Dashboard first(name);
    Dashboard second(name);
    constexpr int kChanges = 60;
    std::vector<std::unique_ptr<QProcess>> writers;
    for (int k = 0; k < 4; ++k) {
        auto writer = std::make_unique<QProcess>();
        writer->start(QStringLiteral(PG_WRITER_PATH),
                      {name, QString::number(k), QString::number(kChanges)});
        writers.push_back(std::move(writer));
    }
    for (auto& writer : writers) {
        QVERIFY(writer->waitForFinished(120000));
        QVERIFY2(writer->exitCode() == 0, writer->readAllStandardError().constData());
    }

    // No lost update: every audit row starts from the value the row before it wrote.
    Store store;
    QString error;
    QVERIFY2(store.open(name, &error, true), qPrintable(error));
    std::vector<AuditEntry> audit;
    QVERIFY2(store.loadAudit(&audit, 0, &error), qPrintable(error));
    QCOMPARE(int(audit.size()), 4 * kChanges);
    std::optional<QString> previous;
    for (auto entry = audit.rbegin(); entry != audit.rend(); ++entry) {
        QCOMPARE(entry->oldValue, previous);
        previous = entry->newValue;
    }
    const int last = previous->toInt();
    // Both dashboards show the last write.
    for (Dashboard* dashboard : {&first, &second}) {
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->session->state().settings.decisionRetentionDays == last,
                                 10'000);
        for (int k = 0; k < 4; ++k) {
            const Position* held =
                findPosition(dashboard->session->state(), "W" + std::to_string(k));
            QVERIFY(held);
            QCOMPARE(held->qty, double(kChanges));
        }
    }
}

void TestPostgresDesk::dashboardSurvivesATerminatedBackend()
{
    const QString name = newStore();
    Dashboard desk(name);
    QString error;
    QSignalSpy failures(desk.session.get(), &ui::DeskSession::storeError);
    // Kill every connection the dashboard holds (the listener, its writes' connection).
    QVERIFY2(testing::execRawSql(name,
                                 QStringLiteral("SELECT pg_terminate_backend(pid) FROM"
                                                " pg_stat_activity WHERE datname = '%1' AND pid"
                                                " <> pg_backend_pid()")
                                     .arg(databaseOf(name)),
                                 &error),
             qPrintable(error));
    const Run bot =
        kellyctl({QStringLiteral("--db"), name, QStringLiteral("position"), QStringLiteral("set"),
                  QStringLiteral("TSLA"), QStringLiteral("--qty"), QStringLiteral("7"),
                  QStringLiteral("--price"), QStringLiteral("250")});
    QCOMPARE(bot.exitCode, 0);
    QTRY_VERIFY2_WITH_TIMEOUT(
        findPosition(desk.session->state(), "TSLA"),
        qPrintable(failures.isEmpty() ? QString() : failures.last().at(0).toString()), 10000);
    // Its own writes reconnect too: the switch lands and is shown.
    QSignalSpy finished(desk.session.get(), &ui::DeskSession::writeFinished);
    desk.session->setMode(SizingMode::Legacy);
    QTRY_VERIFY_WITH_TIMEOUT(desk.session->state().settings.mode == SizingMode::Legacy, 10000);
    QVERIFY(!finished.isEmpty());
}

void TestPostgresDesk::dashboardRecoversFromAStoppedServer()
{
    const QString name = newStore();
    Dashboard desk(name);
    QSignalSpy failed(desk.session.get(), &ui::DeskSession::storeError);
    QSignalSpy recovered(desk.session.get(), &ui::DeskSession::storeRecovered);
    QVERIFY(pgCluster("stop"));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 5000); // the heartbeat finds it within ~1 s
    QTest::qWait(10000);
    QVERIFY(recovered.isEmpty());
    QVERIFY(pgCluster("start"));
    const Run bot =
        kellyctl({QStringLiteral("--db"), name, QStringLiteral("mode"), QStringLiteral("legacy")});
    QVERIFY2(bot.exitCode == 0, qPrintable(bot.err));
    QTRY_VERIFY_WITH_TIMEOUT(!recovered.isEmpty(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(desk.session->state().settings.mode == SizingMode::Legacy, 10000);
}

void TestPostgresDesk::killedCopyLeavesNothingBehind()
{
    // A source big enough that its copy is still inside its transaction when killed.
    const QString source = m_dir.filePath(QStringLiteral("big.sqlite"));
    QCOMPARE(kellyctl({QStringLiteral("--db"), source, QStringLiteral("init")}).exitCode, 0);
    QString error;
    QVERIFY2(testing::execRawSql(
                 source,
                 QStringLiteral("WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n"
                                " WHERE x < 199999) INSERT INTO snapshots (observed_at,"
                                " portfolio_value_usd, equity_usd, gross_usd) SELECT"
                                " strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + x * 60,"
                                " 'unixepoch'), 100000 + x, 100000, 0 FROM n"),
                 &error),
             qPrintable(error));
    const QString target = newStore(false);
    QProcess copy;
    copy.start(QStringLiteral(KELLYCTL_PATH),
               {QStringLiteral("store"), QStringLiteral("copy"), source, target});
    // Kill it once its transaction has written rows the server has not committed.
    QTRY_VERIFY_WITH_TIMEOUT(
        testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE"
                                                  " datname = current_database() AND"
                                                  " xact_start < now() - interval '300 ms'"
                                                  " AND pid <> pg_backend_pid()")) ==
            QLatin1String("1"),
        20000);
    QCOMPARE(copy.state(), QProcess::Running);
    ::kill(static_cast<pid_t>(copy.processId()), SIGKILL);
    QVERIFY(copy.waitForFinished());
    QTRY_COMPARE_WITH_TIMEOUT(
        testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE"
                                                  " datname = current_database() AND pid <>"
                                                  " pg_backend_pid()")),
        QStringLiteral("0"), 10000);
    QCOMPARE(testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM snapshots")),
             QStringLiteral("0"));
    QCOMPARE(testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM account")),
             QStringLiteral("0"));
    // Nothing half-written: the copy runs again into the same, still empty, target.
    const Run again =
        runProgram(QStringLiteral(KELLYCTL_PATH),
                   {QStringLiteral("store"), QStringLiteral("copy"), source, target}, 300000);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QCOMPARE(testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM snapshots")),
             QStringLiteral("200000"));
}

void TestPostgresDesk::openStoreDialogChecksTheStore()
{
    const QString database = databaseOf(newStore());
    ui::OpenStoreDialog dialog;
    auto* name = dialog.findChild<QLineEdit*>(QStringLiteral("storeName"));
    auto* error = dialog.findChild<QLabel*>(QStringLiteral("openStoreError"));
    QVERIFY(name && error);
    const QString secret = QStringLiteral("Wr0ngSecret");
    name->setText(serverUrl(database, secret));
    dialog.setResult(QDialog::Rejected);
    auto* buttons = dialog.findChild<QDialogButtonBox*>();
    QVERIFY(buttons);
    buttons->button(QDialogButtonBox::Open)->click();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY2(error->text().contains(QLatin1String("password authentication failed")),
             qPrintable(error->text()));
    QVERIFY(!error->text().contains(secret));
    name->setText(serverUrl(database, qEnvironmentVariable("PGPASSWORD")));
    buttons->button(QDialogButtonBox::Open)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

QTEST_MAIN(TestPostgresDesk)
#include "tst_postgres_desk.moc"
