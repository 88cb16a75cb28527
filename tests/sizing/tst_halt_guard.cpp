// Issue 6: the reduce-only halt mode and the drawdown guard.
#include "sizing/DrawdownGuard.h"
#include "sizing/Sizing.h"

#include <QTest>

using namespace kelly;
using namespace std::chrono;

Q_DECLARE_METATYPE(kelly::SizingMode)
Q_DECLARE_METATYPE(kelly::BindingLimit)

namespace {

UtcTime utc(int y, unsigned m, unsigned d, int hh, int mm = 0)
{
    return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm};
}

} // namespace

class TestHaltGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modeMatrix_data();
    void modeMatrix();
    void haltLogLine();
    void guard_data();
    void guard();
};

void TestHaltGuard::modeMatrix_data()
{
    QTest::addColumn<SizingMode>("mode");
    QTest::addColumn<bool>("reduce");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("expectedQty");
    QTest::addColumn<BindingLimit>("expectedBinding");

    // The book: 100 NVDA long, 0.5 BTCUSD long, 300 TSLA short. E 100k, BP 400k.
    struct Row
    {
        const char* symbol;
        double addQty[3]; // enhanced, legacy, halt
        BindingLimit addBinding[3];
        double reduceQty;
    };
    const Row rows[] = {
        {"NVDA",
         // Enhanced: (60k - 15k) x 4 = 180k of cap room, but SPEC 15's margin room is
         // (100k - 47.5k - 0.05 x 52.5k) / 0.335 = 148,880.60 -> 992. Legacy: (60k - 15k) x 2.
         {992, 600, 0},
         {BindingLimit::MaintenanceMargin, BindingLimit::SymbolCap, BindingLimit::Halted},
         100},
        {"BTCUSD",
         {0.7, 0.7, 0},
         {BindingLimit::SymbolCap, BindingLimit::SymbolCap, BindingLimit::Halted},
         0.5},
        {"TSLA",
         {0, 0, 0}, // 60k short: at the cap, no add in any mode
         {BindingLimit::SymbolCap, BindingLimit::SymbolCap, BindingLimit::Halted},
         300},
    };
    const SizingMode modes[] = {SizingMode::Enhanced, SizingMode::Legacy, SizingMode::Halt};
    for (const Row& row : rows) {
        for (int m = 0; m < 3; ++m) {
            const QByteArray name = QByteArray(sizingModeName(modes[m])) + " " + row.symbol;
            QTest::newRow(name + " add")
                << modes[m] << false << row.symbol << row.addQty[m] << row.addBinding[m];
            QTest::newRow(name + " reduce")
                << modes[m] << true << row.symbol << row.reduceQty << BindingLimit::OpenPosition;
        }
    }
    QTest::newRow("halt reduce of nothing held")
        << SizingMode::Halt << true << "AAPL" << 0.0 << BindingLimit::OpenPosition;
}

void TestHaltGuard::modeMatrix()
{
    QFETCH(SizingMode, mode);
    QFETCH(bool, reduce);
    QFETCH(QString, symbol);
    QFETCH(double, expectedQty);
    QFETCH(BindingLimit, expectedBinding);

    const Account account{100'000.0,
                          400'000.0,
                          {{"NVDA", 100.0, 150.0, 140.0},
                           {"BTCUSD", 0.5, 50'000.0, 40'000.0},
                           {"TSLA", -300.0, 200.0, 210.0}}};
    const CryptoList crypto;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    SizingRequest request{symbol.toStdString(),
                          symbol == QLatin1String("BTCUSD") ? 50'000.0
                          : symbol == QLatin1String("TSLA") ? 200.0
                                                            : 150.0,
                          {},
                          {},
                          reduce};
    const auto r = sizePosition(mode, request, context);
    QVERIFY(r.ok());
    QCOMPARE(r->qty, expectedQty);
    QCOMPARE(bindingLimitName(r->binding), bindingLimitName(expectedBinding));
    QCOMPARE(r->method, mode);
    if (reduce)
        QVERIFY(*r->exposureAfterPct <= *r->exposureBeforePct);
}

void TestHaltGuard::haltLogLine()
{
    struct Log : SizingLogSink
    {
        std::string line;
        void info(std::string_view l) override { line = l; }
    } log;
    const Account account{100'000.0, 400'000.0, {{"NVDA", 100.0, 150.0, 140.0}}};
    const CryptoList crypto;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, &log};
    QVERIFY(sizePosition(SizingMode::Halt, {"NVDA", 150.0, {}, {}}, context).ok());
    QCOMPARE(QString::fromStdString(log.line),
             QStringLiteral("NVDA: Sizing halted (reduce-only) - qty=0, exposure: 15.0% -> 15.0%"));
    QVERIFY(sizePosition(SizingMode::Halt, {"NVDA", 150.0, {}, {}, true}, context).ok());
    QCOMPARE(
        QString::fromStdString(log.line),
        QStringLiteral("NVDA: Reduce-only sizing - closable qty=100, exposure: 15.0% -> 0.0%"));
    const auto bad = sizePosition(SizingMode::Halt, {"NVDA", -1.0, {}, {}, true}, context);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().field, std::string("price"));
}

void TestHaltGuard::guard_data()
{
    QTest::addColumn<double>("liveEquity");
    QTest::addColumn<double>("drawdownLimit"); // NaN = off
    QTest::addColumn<double>("dayLossLimit");  // NaN = off
    QTest::addColumn<bool>("tripped");
    QTest::addColumn<double>("expectedDrawdownPct");
    QTest::addColumn<double>("expectedDayLossPct");

    // History: 100k, peak 120k two days ago, 110k at yesterday's close (the day's start).
    const double off = std::nan("");
    QTest::newRow("both off") << 90'000.0 << off << off << false << 25.0 << (200.0 / 11.0);
    QTest::newRow("drawdown exactly at 10%")
        << 108'000.0 << 10.0 << off << true << 10.0 << (200.0 / 110.0);
    QTest::newRow("drawdown just under 10%")
        << 108'001.0 << 10.0 << off << false << (11'999.0 / 1200.0) << (1'999.0 / 1100.0);
    QTest::newRow("day loss exactly at 5%")
        << 104'500.0 << off << 5.0 << true << (15'500.0 / 1200.0) << 5.0;
    QTest::newRow("day loss just under 5%")
        << 104'501.0 << off << 5.0 << false << (15'499.0 / 1200.0) << (5'499.0 / 1100.0);
    QTest::newRow("new high: nothing down") << 125'000.0 << 1.0 << 1.0 << false << 0.0 << 0.0;
}

void TestHaltGuard::guard()
{
    QFETCH(double, liveEquity);
    QFETCH(double, drawdownLimit);
    QFETCH(double, dayLossLimit);
    QFETCH(bool, tripped);
    QFETCH(double, expectedDrawdownPct);
    QFETCH(double, expectedDayLossPct);

    const UtcTime now = utc(2026, 11, 25, 15); // 10:00 New York
    const std::vector<PortfolioSnapshot> history{{utc(2026, 11, 22, 21), 100'000.0},
                                                 {utc(2026, 11, 23, 21), 120'000.0},
                                                 {utc(2026, 11, 24, 21), 110'000.0},
                                                 {utc(2026, 11, 25, 14, 30), 109'000.0}};
    GuardLimits limits;
    if (!std::isnan(drawdownLimit))
        limits.drawdownPct = drawdownLimit;
    if (!std::isnan(dayLossLimit))
        limits.dayLossPct = dayLossLimit;
    const GuardStatus status = evaluateDrawdownGuard(history, liveEquity, limits, now);
    QCOMPARE(status.tripped, tripped);
    QCOMPARE(status.reason.empty(), !tripped);
    QVERIFY(std::abs(*status.drawdownPct - expectedDrawdownPct) < 1e-9);
    QVERIFY2(std::abs(*status.dayLossPct - expectedDayLossPct) < 1e-9,
             QByteArray::number(*status.dayLossPct, 'f', 12));
    QCOMPARE(*status.highWaterMarkUsd, std::max(120'000.0, liveEquity));
    QCOMPARE(*status.dayStartUsd, 110'000.0);
}

QTEST_APPLESS_MAIN(TestHaltGuard)
#include "tst_halt_guard.moc"
