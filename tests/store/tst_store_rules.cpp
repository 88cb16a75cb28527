// Issue 12 at the store level: rows a bot writes around the store (refused by the schema,
// or skipped by name when older), SPEC 7's rules across settings with their failure kinds,
// and one read snapshot across several loads.

#include "Store.h"
#include "StoreTestSupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestStoreRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_store.close(); }
    void nonFiniteRowsWrittenBehindOurBackAreRefused();
    void settingRulesAcrossKeys();
    void oneReadSeesOneCommit();

private:
    QTemporaryDir m_dir;
    QString m_path;
    Store m_store;
};

void TestStoreRules::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(
        QStringLiteral("%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())));
    QFile::remove(m_path);
    QString error;
    QVERIFY2(m_store.open(m_path, &error), qPrintable(error));
}

void TestStoreRules::nonFiniteRowsWrittenBehindOurBackAreRefused()
{
    // A bot writing the schema directly could store an infinity (SQLite keeps 9e999 as +Inf):
    // since version 5 the schema refuses it, naming table and column (issue 12).
    QString error;
    QVERIFY(m_store.setPosition(Position{"NVDA", 5, 100, 0}, utc(2026, 11, 25, 15), &error));
    QVERIFY(m_store.setPosition(Position{"MSFT", 1, 400, 0}, utc(2026, 11, 25, 15), &error));
    QVERIFY(!testing::execRawSql(m_path, QStringLiteral("UPDATE positions SET qty = 9e999;\n"),
                                 &error));
    QVERIFY2(error.contains(QLatin1String("positions: qty x last_price_usd")), qPrintable(error));
    // A row written before version 5 is left out and named; the rest of the book loads.
    QVERIFY2(testing::execRawSql(m_path,
                                 QStringLiteral("DROP TRIGGER positions_valid_update;\n"
                                                "UPDATE positions SET qty = 9e999"
                                                " WHERE symbol = 'NVDA';\n"),
                                 &error),
             qPrintable(error));
    AccountRecord record;
    QVERIFY2(m_store.loadAccount(&record, &error), qPrintable(error));
    QCOMPARE(record.account.positions.size(), size_t(1));
    QCOMPARE(record.account.positions.front().symbol, std::string("MSFT"));
    QCOMPARE(record.problems.size(), size_t(1));
    const QString problem = record.problems.front().describe();
    QVERIFY2(problem.contains(QLatin1String("positions row 'NVDA'")) &&
                 problem.contains(QLatin1String("qty")),
             qPrintable(problem));
}

void TestStoreRules::settingRulesAcrossKeys()
{
    // SPEC 7: 1 <= overnight <= intraday <= 10, checked on the whole candidate set.
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    SettingsFailure failure = SettingsFailure::StoreError;
    QVERIFY(!m_store.writeSetting(SettingKey::MaxOvernightLeverage, QStringLiteral("8"),
                                  SettingOrigin::Cli, now, Environment(), &error, &failure));
    QCOMPARE(failure, SettingsFailure::Refused);
    QVERIFY2(error.contains(QLatin1String("max_overnight_leverage (8, stored) must be <="
                                          " max_intraday_leverage (4, stored)")),
             qPrintable(error));
    QVERIFY(!m_store.writeSetting(SettingKey::MaxIntradayLeverage, QStringLiteral("1"),
                                  SettingOrigin::Cli, now, &error));
    // A stored value that contradicts an environment override is refused as such.
    const Environment intradayTwo{{QStringLiteral("MAX_INTRADAY_LEVERAGE"), QStringLiteral("2")}};
    QVERIFY(!m_store.writeSetting(SettingKey::MaxOvernightLeverage, QStringLiteral("3"),
                                  SettingOrigin::Cli, now, intradayTwo, &error, &failure));
    QCOMPARE(failure, SettingsFailure::Environment);
    std::vector<AuditEntry> audit;
    QVERIFY(m_store.loadAudit(&audit, 0, &error));
    QVERIFY(audit.empty());
    // In the right order a cash account is reachable.
    QVERIFY(m_store.writeSetting(SettingKey::MaxOvernightLeverage, QStringLiteral("1"),
                                 SettingOrigin::Cli, now, &error));
    QVERIFY(m_store.writeSetting(SettingKey::MaxIntradayLeverage, QStringLiteral("1"),
                                 SettingOrigin::Cli, now, &error));
    // A contradictory set written around the store is a stored-value failure, and a halt
    // still lands on it (safety wins).
    QVERIFY(testing::execRawSql(m_path,
                                QStringLiteral("UPDATE settings SET value = '5' WHERE key ="
                                               " 'max_overnight_leverage';\n"),
                                &error));
    EffectiveSettings settings;
    QVERIFY(!m_store.effectiveSettings({}, &settings, &error, &failure));
    QCOMPARE(failure, SettingsFailure::StoredValue);
    QVERIFY2(m_store.writeSetting(SettingKey::Mode, QStringLiteral("halt"), SettingOrigin::Cli, now,
                                  &error),
             qPrintable(error));
    QVERIFY(!m_store.writeSetting(SettingKey::Mode, QStringLiteral("legacy"), SettingOrigin::Cli,
                                  now, &error));
}

void TestStoreRules::oneReadSeesOneCommit()
{
    // Issue 12 item 11: loads between beginRead and endRead see one state of the store, even
    // while another connection commits; a write inside the read is refused.
    QString error;
    const UtcTime now = utc(2026, 11, 25, 15);
    QVERIFY(m_store.setAccount(100000, 400000, now, &error));
    Store bot;
    QVERIFY2(bot.open(m_path, &error), qPrintable(error));
    QVERIFY2(m_store.beginRead(&error), qPrintable(error));
    AccountRecord first;
    QVERIFY(m_store.loadAccount(&first, &error));
    QVERIFY2(bot.updateAccount(50000, std::nullopt, now, &error), qPrintable(error));
    QVERIFY(bot.setPosition(Position{"NVDA", 10, 150, 0}, now, &error));
    AccountRecord second;
    QVERIFY(m_store.loadAccount(&second, &error));
    QCOMPARE(second.account.equityUsd, 100000.0);
    QVERIFY(second.account.positions.empty());
    QVERIFY(!m_store.setAccount(1, 1, now, &error));
    m_store.endRead();
    AccountRecord after;
    QVERIFY(m_store.loadAccount(&after, &error));
    QCOMPARE(after.account.equityUsd, 50000.0);
    QCOMPARE(after.account.buyingPowerUsd, 400000.0); // the partial update kept it
    QCOMPARE(after.account.positions.size(), size_t(1));
}

QTEST_GUILESS_MAIN(TestStoreRules)
#include "tst_store_rules.moc"
