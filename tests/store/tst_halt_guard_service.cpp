// Issue 6 against a real store: the halt mode and the guard settings in the registry, the
// environment lock that cannot lift a halt, the drawdown guard service (trips at the limit,
// once, with its figures in the audit, never un-trips), resume, and sizing while halted.

#include "DrawdownGuardService.h"
#include "SizingService.h"
#include "StoreTestSupport.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

Q_DECLARE_METATYPE(kelly::SizingMode)

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

class TestHaltGuardService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_store.close(); }
    void guardSettingValidation_data();
    void guardSettingValidation();
    void storedHaltWinsOverTheEnvironment();
    void guardTripsAtTheLimit_data();
    void guardTripsAtTheLimit();
    void guardNeverUntripsAndTripsOnce();
    void sizingCallThatFindsTheBreachIsHalted();
    void resumeRestoresTheModeBeforeTheHalt_data();
    void resumeRestoresTheModeBeforeTheHalt();
    void resumeWhenNotHaltedWritesNothing();
    void onlyResumeLiftsAHalt_data();
    void onlyResumeLiftsAHalt();
    void switchModeLandsOnTheModeItSaw();

private:
    void setGuard(SettingKey key, const QString& value);
    std::vector<AuditEntry> modeRows();

    QTemporaryDir m_dir;
    int m_storeCount = 0;
    Store m_store;
    // Wednesday 25 Nov 2026, 10:00 New York; midnight there is 05:00 UTC.
    const UtcTime m_now = utc(2026, 11, 25, 15);
};

void TestHaltGuardService::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    // One store per test and data row: rows must not see each other's halt.
    const QString name = testing::newStoreName(
        m_dir.filePath(QStringLiteral("%1/%2").arg(QLatin1String(QTest::currentTestFunction()),
                                                   QString::number(++m_storeCount))),
        QStringLiteral("store.sqlite"), &error);
    QVERIFY2(!name.isEmpty(), qPrintable(error));
    QVERIFY2(m_store.open(name, &error), qPrintable(error));
}

void TestHaltGuardService::setGuard(SettingKey key, const QString& value)
{
    QString error;
    QVERIFY2(m_store.writeSetting(key, value, SettingOrigin::Cli, m_now, &error),
             qPrintable(error));
}

std::vector<AuditEntry> TestHaltGuardService::modeRows()
{
    std::vector<AuditEntry> all;
    std::vector<AuditEntry> mode;
    QString error;
    if (!m_store.loadAudit(&all, 0, &error))
        return mode;
    for (const AuditEntry& entry : all)
        if (entry.key == QLatin1String("mode"))
            mode.push_back(entry);
    return mode;
}

void TestHaltGuardService::guardSettingValidation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("empty is off") << QString() << true << QString();
    QTest::newRow("blank is off") << QStringLiteral("  ") << true << QString();
    QTest::newRow("ten") << QStringLiteral("10") << true << QStringLiteral("10");
    QTest::newRow("fraction") << QStringLiteral(" 2.50 ") << true << QStringLiteral("2.5");
    QTest::newRow("zero") << QStringLiteral("0") << false << QString();
    QTest::newRow("negative") << QStringLiteral("-5") << false << QString();
    QTest::newRow("hundred") << QStringLiteral("100") << false << QString();
    QTest::newRow("nan") << QStringLiteral("nan") << false << QString();
    QTest::newRow("inf") << QStringLiteral("inf") << false << QString();
    QTest::newRow("text") << QStringLiteral("ten") << false << QString();
}

void TestHaltGuardService::guardSettingValidation()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QFETCH(QString, canonical);
    for (SettingKey key : {SettingKey::GuardDrawdownPct, SettingKey::GuardDayLossPct}) {
        QString error;
        const std::optional<QString> value = canonicalSettingValue(key, input, &error);
        QCOMPARE(value.has_value(), valid);
        if (valid)
            QCOMPARE(*value, canonical);
        else
            QVERIFY2(error.startsWith(settingSpec(key).name), qPrintable(error));
    }
    QString error;
    QCOMPARE(canonicalSettingValue(SettingKey::Mode, QStringLiteral("HALT"), &error),
             std::optional<QString>(QStringLiteral("halt")));
}

void TestHaltGuardService::storedHaltWinsOverTheEnvironment()
{
    const Environment locked{{QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("true")}};
    QString error;
    EffectiveSettings settings;
    QVERIFY(m_store.effectiveSettings(locked, &settings, &error));
    QCOMPARE(settings.mode, SizingMode::Enhanced);
    QVERIFY(settings.lockedByEnv(SettingKey::Mode));

    setGuard(SettingKey::Mode, QStringLiteral("halt"));
    QVERIFY(m_store.effectiveSettings(locked, &settings, &error));
    QCOMPARE(settings.mode, SizingMode::Halt);
    QVERIFY(settings.halted());
    QVERIFY(settings.lockedByEnv(SettingKey::Mode)); // still locked for enhanced <-> legacy
}

void TestHaltGuardService::guardTripsAtTheLimit_data()
{
    QTest::addColumn<QString>("drawdownLimit");
    QTest::addColumn<QString>("dayLossLimit");
    QTest::addColumn<double>("liveEquity");
    QTest::addColumn<bool>("trips");
    QTest::addColumn<QString>("reasonStart");
    // Snapshots: 100,000 two days ago (the high-water mark), 95,000 yesterday evening (the
    // day's start), 97,000 this morning.
    QTest::newRow("drawdown exactly 10%")
        << QStringLiteral("10") << QString() << 90000.0 << true << QStringLiteral("drawdown");
    QTest::newRow("drawdown just under")
        << QStringLiteral("10") << QString() << 90001.0 << false << QString();
    QTest::newRow("day loss exactly 5%")
        << QString() << QStringLiteral("5") << 90250.0 << true << QStringLiteral("day loss");
    QTest::newRow("day loss just under")
        << QString() << QStringLiteral("5") << 90260.0 << false << QString();
    QTest::newRow("guard off") << QString() << QString() << 1000.0 << false << QString();
}

void TestHaltGuardService::guardTripsAtTheLimit()
{
    QFETCH(QString, drawdownLimit);
    QFETCH(QString, dayLossLimit);
    QFETCH(double, liveEquity);
    QFETCH(bool, trips);
    QFETCH(QString, reasonStart);
    QString error;
    for (const auto& [at, value] :
         {std::pair{utc(2026, 11, 23, 21), 100000.0}, std::pair{utc(2026, 11, 24, 21), 95000.0},
          std::pair{utc(2026, 11, 25, 14), 97000.0}})
        QVERIFY(m_store.addSnapshot(PortfolioSnapshot{at, value}, value, 0.0, &error));
    setGuard(SettingKey::GuardDrawdownPct, drawdownLimit);
    setGuard(SettingKey::GuardDayLossPct, dayLossLimit);
    QVERIFY(m_store.setAccount(liveEquity, liveEquity, m_now, &error));

    DrawdownGuardService guard(m_store, Environment{});
    GuardCheck check;
    QVERIFY2(guard.check(m_now, &check, &error), qPrintable(error));
    QCOMPARE(check.trippedNow, trips);
    QCOMPARE(check.halted, trips);
    QCOMPARE(check.status.highWaterMarkUsd, std::optional<double>(100000.0));
    QCOMPARE(check.status.dayStartUsd, std::optional<double>(95000.0));
    QVERIFY(check.status.drawdownPct && std::isfinite(*check.status.drawdownPct));

    const std::vector<AuditEntry> rows = modeRows();
    QCOMPARE(rows.size(), size_t(trips ? 1 : 0));
    std::optional<AuditEntry> haltEntry;
    QVERIFY2(m_store.loadHaltEntry(&haltEntry, &error), qPrintable(error));
    QCOMPARE(haltEntry.has_value(), trips);
    if (trips) {
        QCOMPARE(haltEntry->id, rows[0].id);
        QCOMPARE(haltEntry->detail, rows[0].detail);
    }
    if (trips) {
        QCOMPARE(rows[0].origin, QStringLiteral("guard"));
        QCOMPARE(rows[0].newValue, QStringLiteral("halt"));
        QVERIFY(rows[0].detail);
        QVERIFY2(rows[0].detail->startsWith(reasonStart), qPrintable(*rows[0].detail));
    }
}

void TestHaltGuardService::guardNeverUntripsAndTripsOnce()
{
    QString error;
    QVERIFY(m_store.addSnapshot(PortfolioSnapshot{utc(2026, 11, 24, 21), 100000.0}, 100000.0, 0.0,
                                &error));
    setGuard(SettingKey::GuardDrawdownPct, QStringLiteral("8"));
    QVERIFY(m_store.setAccount(92000, 92000, m_now, &error));
    DrawdownGuardService guard(m_store, Environment{});
    GuardCheck check;
    QVERIFY(guard.check(m_now, &check, &error));
    QVERIFY(check.trippedNow);
    QVERIFY(guard.check(m_now, &check, &error)); // still breached, already halted
    QVERIFY(!check.trippedNow);
    QVERIFY(check.halted);

    QVERIFY(m_store.setAccount(101000, 101000, m_now, &error)); // recovered: still halted
    QVERIFY(guard.check(m_now, &check, &error));
    QVERIFY(check.halted);
    QCOMPARE(check.status.drawdownPct, std::optional<double>(0.0));
    QCOMPARE(modeRows().size(), size_t(1));
}

void TestHaltGuardService::sizingCallThatFindsTheBreachIsHalted()
{
    QString error;
    QVERIFY(m_store.addSnapshot(PortfolioSnapshot{utc(2026, 11, 24, 21), 100000.0}, 100000.0, 0.0,
                                &error));
    QVERIFY(m_store.setAccount(90000, 360000, m_now, &error));
    QVERIFY(m_store.setPosition(Position{"NVDA", -40, 150, 150}, m_now, &error));
    setGuard(SettingKey::GuardDrawdownPct, QStringLiteral("10"));

    SizingService service(m_store, Environment{});
    SizingCall call;
    call.request.symbol = "NVDA";
    call.request.priceUsd = 150;
    call.modeOverride = SizingMode::Enhanced; // a one-off --mode cannot escape a halt
    SizingOutcome outcome;
    QVERIFY2(service.size(call, m_now, &outcome, &error), qPrintable(error));
    QVERIFY(outcome.guard.trippedNow);
    QCOMPARE(outcome.requestedMode, SizingMode::Halt);
    QCOMPARE(outcome.result.qty, 0.0);
    QCOMPARE(outcome.result.binding, BindingLimit::Halted);

    call.request.reduce = true; // closing the short still sizes: the whole open size
    QVERIFY2(service.size(call, m_now, &outcome, &error), qPrintable(error));
    QVERIFY(!outcome.guard.trippedNow);
    QCOMPARE(outcome.result.qty, 40.0);
    QCOMPARE(outcome.result.binding, BindingLimit::OpenPosition);

    std::vector<SizingDecision> decisions;
    QVERIFY(m_store.loadDecisions(&decisions, 0, &error));
    QCOMPARE(decisions.size(), size_t(2));
    QCOMPARE(decisions[0].result.binding, BindingLimit::OpenPosition);
    QCOMPARE(decisions[1].result.binding, BindingLimit::Halted);
    QCOMPARE(decisions[1].requestedMode, SizingMode::Halt);
}

void TestHaltGuardService::resumeRestoresTheModeBeforeTheHalt_data()
{
    QTest::addColumn<QString>("before"); // empty: never set
    QTest::addColumn<SizingMode>("expected");
    QTest::newRow("from legacy") << QStringLiteral("legacy") << SizingMode::Legacy;
    QTest::newRow("from enhanced") << QStringLiteral("enhanced") << SizingMode::Enhanced;
    QTest::newRow("never set") << QString() << SizingMode::Enhanced;
}

void TestHaltGuardService::resumeRestoresTheModeBeforeTheHalt()
{
    QFETCH(QString, before);
    QFETCH(SizingMode, expected);
    if (!before.isEmpty())
        setGuard(SettingKey::Mode, before);
    setGuard(SettingKey::Mode, QStringLiteral("halt"));
    setGuard(SettingKey::Mode, QStringLiteral("halt")); // a second halt changes nothing
    QString error;
    bool wasHalted = false;
    SizingMode resumed = SizingMode::Halt;
    QVERIFY2(m_store.resumeFromHalt(SettingOrigin::Dashboard, m_now, &wasHalted, &resumed, &error),
             qPrintable(error));
    QVERIFY(wasHalted);
    QCOMPARE(resumed, expected);
    QString stored;
    QVERIFY(m_store.readSetting(SettingKey::Mode, &stored, &error));
    QCOMPARE(stored, QString::fromLatin1(sizingModeName(expected)));
    const std::vector<AuditEntry> rows = modeRows();
    QCOMPARE(rows[0].origin, QStringLiteral("dashboard"));
    QCOMPARE(rows[0].oldValue, std::optional<QString>(QStringLiteral("halt")));
    QCOMPARE(rows[0].newValue, stored);
}

void TestHaltGuardService::resumeWhenNotHaltedWritesNothing()
{
    setGuard(SettingKey::Mode, QStringLiteral("legacy"));
    const QString before = testing::dumpStore(m_store.path());
    QString error;
    bool wasHalted = true;
    SizingMode resumed = SizingMode::Halt;
    QVERIFY(m_store.resumeFromHalt(SettingOrigin::Cli, m_now, &wasHalted, &resumed, &error));
    QVERIFY(!wasHalted);
    QCOMPARE(testing::dumpStore(m_store.path()), before);
}

// Issue 24: `kellyctl mode halt; kellyctl mode legacy` lifted the halt.
void TestHaltGuardService::onlyResumeLiftsAHalt_data()
{
    QTest::addColumn<QString>("write");
    QTest::addColumn<QString>("before"); // the mode before the halt
    for (const char* before : {"enhanced", "legacy"}) {
        for (const char* write :
             {"set enhanced", "set legacy", "switch from halt", "switch from the mode before"})
            QTest::addRow("%s, %s", before, write)
                << QString::fromLatin1(write) << QString::fromLatin1(before);
    }
}

void TestHaltGuardService::onlyResumeLiftsAHalt()
{
    QFETCH(QString, write);
    QFETCH(QString, before);
    setGuard(SettingKey::Mode, before);
    setGuard(SettingKey::Mode, QStringLiteral("halt"));
    const QString dump = testing::dumpStore(m_store.path());
    const SizingMode beforeMode = *parseSizingMode(before.toStdString());
    const SizingMode other =
        beforeMode == SizingMode::Enhanced ? SizingMode::Legacy : SizingMode::Enhanced;
    QString error;
    SettingsFailure failure = SettingsFailure::StoreError;
    bool written = true;
    if (write.startsWith(QLatin1String("set ")))
        written = m_store.writeSetting(SettingKey::Mode, write.mid(4), SettingOrigin::Cli, m_now,
                                       Environment(), &error, &failure);
    else if (write == QLatin1String("switch from halt"))
        written = m_store.switchMode(SizingMode::Halt, beforeMode, SettingOrigin::Dashboard, m_now,
                                     nullptr, &error, &failure);
    else // a desk that read the mode before the halt landed
        written = m_store.switchMode(beforeMode, other, SettingOrigin::Dashboard, m_now, nullptr,
                                     &error, &failure);
    QVERIFY(!written);
    QCOMPARE(failure, SettingsFailure::Refused);
    QVERIFY2(error.startsWith(QLatin1String("mode: ")) && error.contains(QLatin1String("resume")),
             qPrintable(error));
    QCOMPARE(testing::dumpStore(m_store.path()), dump);

    bool wasHalted = false;
    SizingMode resumed = SizingMode::Halt;
    QVERIFY2(m_store.resumeFromHalt(SettingOrigin::Cli, m_now, &wasHalted, &resumed, &error),
             qPrintable(error));
    QVERIFY(wasHalted);
    QCOMPARE(resumed, beforeMode);
}

void TestHaltGuardService::switchModeLandsOnTheModeItSaw()
{
    QString error;
    SettingsFailure failure = SettingsFailure::StoreError;
    // Seen enhanced, the store holds it: lands, audited.
    QVERIFY2(m_store.switchMode(SizingMode::Enhanced, SizingMode::Legacy, SettingOrigin::Dashboard,
                                m_now, nullptr, &error, &failure),
             qPrintable(error));
    QCOMPARE(modeRows().front().newValue, QStringLiteral("legacy"));
    // Seen enhanced again (a second desk, stale) asking legacy: already so, nothing written.
    const std::size_t rows = modeRows().size();
    QVERIFY2(m_store.switchMode(SizingMode::Enhanced, SizingMode::Legacy, SettingOrigin::Dashboard,
                                m_now, nullptr, &error, &failure),
             qPrintable(error));
    QCOMPARE(modeRows().size(), rows);
    // A halt always lands, whatever was seen.
    QVERIFY2(m_store.switchMode(SizingMode::Enhanced, SizingMode::Halt, SettingOrigin::Guard, m_now,
                                nullptr, &error, &failure),
             qPrintable(error));
    QCOMPARE(modeRows().front().newValue, QStringLiteral("halt"));
}

QTEST_GUILESS_MAIN(TestHaltGuardService)
#include "tst_halt_guard_service.moc"
