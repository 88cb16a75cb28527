// Issue 24 at the store: a store name never shows its password, even a name that does not
// parse (item 1: a password holding '/', '?' or '#' broke the redaction, and a password given
// as a query option was printed in full by the "unknown option" error), and `store copy`
// checks that its target is empty inside its own transaction (item 7).

#include "Store.h"
#include "StoreLocation.h"
#include "StoreTestSupport.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace kelly::store;

class TestStoreTrust : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void neverShowThePassword_data();
    void neverShowThePassword();
    void encodedPasswordStillParses();
    void copyChecksTheTargetInsideItsTransaction();
};

void TestStoreTrust::neverShowThePassword_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("redacts"); // redactStoreName hides it too (not an unknown option)
    const auto row = [](const char* tag, const char* name, bool redacts = true) {
        QTest::newRow(tag) << QString::fromLatin1(name) << redacts;
    };
    row("slash", "postgresql://bot:pa/ss-S3CRET@db.example/desk");
    row("question mark", "postgresql://bot:pa?ss-S3CRET@db.example/desk");
    row("hash", "postgresql://bot:pa#ss-S3CRET@db.example/desk");
    row("at", "postgresql://bot:pa@ss-S3CRET@db.example/desk?sslmode=require");
    row("password option", "postgresql://bot@db.example/desk?password=S3CRET");
    row("password option later",
        "postgresql://bot@db.example/desk?sslmode=require&password=S3CRET");
    row("password option encoded", "postgresql://bot@db.example/desk?pass%77ord=S3CRET");
    row("password option with &", "postgresql://bot@db.example/desk?password=x&S3CRET=1");
    row("unknown option", "postgresql://bot@db.example/desk?passwd=S3CRET", false);
    row("other scheme", "mysql://bot:S3CRET@db.example/desk");
}

void TestStoreTrust::neverShowThePassword()
{
    QFETCH(QString, name);
    QFETCH(bool, redacts);
    const QLatin1String secret("S3CRET");
    StoreLocation at;
    QString error;
    QVERIFY(!parseStoreName(name, &at, &error));
    QVERIFY2(!error.isEmpty() && !error.contains(secret), qPrintable(error));
    if (redacts)
        QVERIFY2(!redactStoreName(name).contains(secret), qPrintable(redactStoreName(name)));
    Store store;
    error.clear();
    QVERIFY(!store.open(name, &error));
    QVERIFY2(!error.isEmpty() && !error.contains(secret), qPrintable(error));
    QCOMPARE(store.lastOpenFailure(), Store::OpenFailure::BadName);
}

void TestStoreTrust::encodedPasswordStillParses()
{
    StoreLocation at;
    QString error;
    QVERIFY2(parseStoreName(QStringLiteral("postgresql://bot:pa%2Fss-S3CRET@db.example/desk"), &at,
                            &error),
             qPrintable(error));
    QCOMPARE(at.password, QStringLiteral("pa/ss-S3CRET"));
    QCOMPARE(at.displayName(), QStringLiteral("postgresql://bot@db.example/desk"));
}

// A bot wrote into the target after the old check ran and before the copy took the lock: the
// copy mixed its rows with the bot's. Now it sees the bot's row and refuses.
void TestStoreTrust::copyChecksTheTargetInsideItsTransaction()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("source.sqlite"));
    const QString target = dir.filePath(QStringLiteral("target.sqlite"));
    QString error;
    {
        Store store;
        QVERIFY2(store.open(source, &error), qPrintable(error));
        QVERIFY2(store.setAccount(100'000, 400'000, kelly::testing::utc(2026, 11, 25, 15), &error),
                 qPrintable(error));
        Store empty;
        QVERIFY2(empty.open(target, &error), qPrintable(error));
    }
    const QString botName = QStringLiteral("bot");
    {
        QSqlDatabase bot = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), botName);
        bot.setDatabaseName(target);
        QVERIFY(bot.open());
        QVERIFY(QSqlQuery(bot).exec(QStringLiteral("BEGIN IMMEDIATE")));
        QVERIFY(QSqlQuery(bot).exec(
            QStringLiteral("INSERT INTO settings (key, value) VALUES ('symbol_cap_pct', '20')")));
    }
    bool copiedIt = true;
    Store::CopyFailure failure = Store::CopyFailure::StoreError;
    QString copyError;
    std::thread copier([&] {
        Store from;
        Store to;
        std::vector<std::pair<QString, qint64>> copied;
        copiedIt = from.open(source, &copyError) && to.open(target, &copyError) &&
                   from.copyTo(to, &copied, &failure, &copyError);
    });
    QTest::qWait(1000); // the copy waits for the bot's lock (busy timeout 5 s)
    {
        QSqlDatabase bot = QSqlDatabase::database(botName, false);
        QVERIFY(QSqlQuery(bot).exec(QStringLiteral("COMMIT")));
        bot.close();
    }
    QSqlDatabase::removeDatabase(botName);
    copier.join();
    QVERIFY(!copiedIt);
    QVERIFY2(failure == Store::CopyFailure::TargetNotEmpty, qPrintable(copyError));
    QVERIFY2(copyError.contains(QLatin1String("not empty")), qPrintable(copyError));
    QCOMPARE(kelly::testing::rawScalar(target, QStringLiteral("SELECT count(*) FROM account")),
             QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestStoreTrust)
#include "tst_store_trust.moc"
