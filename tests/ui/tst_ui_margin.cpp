// Issue 21: the dashboard's margin (SPEC 15) and stress (SPEC 16) on the real MainWindow over
// a temporary store: the header and the margin gauge on SPEC 15's example, equal to
// `kellyctl status --json`; the broker's cross-check; the Book's margin columns; the
// what-if's margin impact on SPEC 8's example; the Stress grid and chart on SPEC 16's example.

#include "AccountHeader.h"
#include "BookPanel.h"
#include "DeskFixture.h"
#include "Format.h"
#include "KellyctlRunner.h"
#include "LeveragePanel.h"
#include "MainWindow.h"
#include "MarginGauge.h"
#include "Palette.h"
#include "PositionsModel.h"
#include "StressModel.h"
#include "StressPanel.h"
#include "WhatIfPanel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

// Friday 2026-11-27, 11:00 in New York (EST, UTC-5): mid-session.
const UtcTime kFriday1100 = sys_days{2026y / November / 27} + hours(16);
// GUI waits are generous: the machine running the suites is shared (QTRY_* at >= 10 s).
constexpr int kWaitMs = 10'000;

struct Desk : ui::testing::DeskFixture
{
    Desk() : DeskFixture(kFriday1100) {}

    // SPEC 15's example: E = 100,000, NVDA 1,600 long @ 150.
    void seedSpec15Book()
    {
        seedAccount(100'000, 400'000, {ui::testing::position("NVDA", 1600, 150)});
    }

    QString text(const char* name) const
    {
        const QLabel* found = label(name);
        return found ? found->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
    }
};

const QString kMinus = QString(QChar(0x2212));

} // namespace

class TestUiMargin : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void headerAndGaugeShowSpec15Example();
    void headerEqualsKellyctlStatus();
    void marginCallNowIsRed();
    void noFallCallsIsCalm();
    void brokerCrossCheckFlagsOverOnePercent_data();
    void brokerCrossCheckFlagsOverOnePercent();
    void bookShowsRateRequirementAndSingleNameMove();
    void whatIfShowsMarginImpactOfSpec8Example();
    void whatIfShowsAShortAsASale();
    void stressGridAndChartOnSpec16Example();
};

void TestUiMargin::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestUiMargin::headerAndGaugeShowSpec15Example()
{
    Desk desk;
    desk.seedSpec15Book();
    desk.openWindow();
    QCOMPARE(desk.text("maintenanceValue"), QStringLiteral("$72,000"));
    QCOMPARE(desk.text("excessValue"), QStringLiteral("$28,000"));
    QCOMPARE(desk.text("marginCallValue"), QStringLiteral("at a 16.7% fall"));
    QVERIFY(desk.window->header()->brokerCheckText().isEmpty());
    // The gauge beside leverage, in trader words.
    const MarginGauge* gauge = desk.window->findChild<MarginGauge*>(QStringLiteral("marginGauge"));
    QVERIFY(gauge);
    QCOMPARE(
        gauge->headline(),
        QStringLiteral("Margin used 72% \u2014 a 16.7% fall of everything brings a margin call"));
    QCOMPARE(desk.text("marginHeadline"), gauge->headline());
    // The safety line: r = 0.30, k = 0.05 -> 0.30 / (0.30 + 0.05 x 0.70) = 89.55%.
    QVERIFY(gauge->safetyLinePct());
    QVERIFY(qAbs(*gauge->safetyLinePct() - 100.0 * 0.30 / 0.335) < 1e-9);
    QCOMPARE(desk.text("marginFigures"),
             QStringLiteral("Requirement $72,000, excess $28,000; no broker figure yet (sync)"));
}

void TestUiMargin::headerEqualsKellyctlStatus()
{
    Desk desk;
    // A book with a short, crypto and a low-priced long, so every rule counts.
    desk.seedAccount(
        100'000, 400'000,
        {ui::testing::position("NVDA", 1200, 150), ui::testing::position("TSLA", -50, 250),
         ui::testing::position("BTCUSD", 0.2, 50'000), ui::testing::position("ABC", 2000, 2.0)});
    desk.openWindow();
    const KellyctlRunner kellyctl(desk.path);
    const KellyctlRun run = kellyctl.run({QStringLiteral("status"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject status = QJsonDocument::fromJson(run.out.toUtf8()).object();
    const DeskMargin& margin = desk.session->state().margin;
    QCOMPARE(margin.report.book.maintenanceUsd,
             status.value(QStringLiteral("maintenance_requirement")).toDouble());
    QCOMPARE(margin.report.book.excessUsd(),
             status.value(QStringLiteral("excess_liquidity")).toDouble());
    QVERIFY(margin.report.callFallPct);
    QCOMPARE(*margin.report.callFallPct,
             status.value(QStringLiteral("margin_call_fall_pct")).toDouble());
    QCOMPARE(desk.text("maintenanceValue"),
             format::usd(status.value(QStringLiteral("maintenance_requirement")).toDouble()));
    QCOMPARE(desk.text("excessValue"),
             format::usd(status.value(QStringLiteral("excess_liquidity")).toDouble()));
    QCOMPARE(
        desk.text("marginCallValue"),
        QStringLiteral("at a %1 fall")
            .arg(format::pct(status.value(QStringLiteral("margin_call_fall_pct")).toDouble(), 1)));
}

void TestUiMargin::marginCallNowIsRed()
{
    Desk desk;
    desk.seedAccount(60'000, 240'000, {ui::testing::position("NVDA", 1600, 150)}); // MR 72,000
    desk.openWindow();
    const QLabel* call = desk.label("marginCallValue");
    QCOMPARE(call->text(), QStringLiteral("MARGIN CALL NOW"));
    QVERIFY(call->styleSheet().contains(palette::over().name()));
    QCOMPARE(desk.text("excessValue"), QStringLiteral("-$12,000"));
    QVERIFY(desk.text("marginHeadline").contains(QStringLiteral("MARGIN CALL NOW")));
}

void TestUiMargin::noFallCallsIsCalm()
{
    Desk desk;
    // Crypto needs 100%: equity always covers it, no fall calls.
    desk.seedAccount(100'000, 100'000, {ui::testing::position("BTCUSD", 1, 50'000)});
    desk.openWindow();
    const QLabel* call = desk.label("marginCallValue");
    QCOMPARE(call->text(), QStringLiteral("no fall calls"));
    QVERIFY(call->styleSheet().isEmpty());
    QCOMPARE(desk.text("maintenanceValue"), QStringLiteral("$50,000"));
}

void TestUiMargin::brokerCrossCheckFlagsOverOnePercent_data()
{
    QTest::addColumn<double>("brokerUsd");
    QTest::addColumn<QString>("flag");
    QTest::newRow("agrees within 1% of E") << 72'900.0 << QString();
    QTest::newRow("over 1% of E") << 73'500.0
                                  << QStringLiteral("\u26a0 The broker requires 73,500, the desk "
                                                    "computes 72,000: check the rates");
    QTest::newRow("under by more than 1%") << 70'000.0
                                           << QStringLiteral("\u26a0 The broker requires 70,000, "
                                                             "the desk computes 72,000: check "
                                                             "the rates");
}

void TestUiMargin::brokerCrossCheckFlagsOverOnePercent()
{
    QFETCH(double, brokerUsd);
    QFETCH(QString, flag);
    Desk desk;
    store::BrokerSync sync;
    sync.origin = QStringLiteral("alpaca");
    sync.equityUsd = 100'000;
    sync.buyingPowerUsd = 400'000;
    sync.positions = {ui::testing::position("NVDA", 1600, 150)};
    sync.maintenanceMarginUsd = brokerUsd;
    QString error;
    store::BrokerSyncRecord written;
    QVERIFY2(desk.store.applyBrokerSync(sync, desk.clock.now(), &written, &error),
             qPrintable(error));
    desk.openWindow();
    QCOMPARE(desk.window->header()->brokerCheckText(), flag);
    const QLabel* gaugeFlag = desk.label("brokerMarginCheck");
    QCOMPARE(gaugeFlag->isHidden(), flag.isEmpty());
    QVERIFY(desk.text("marginFigures").contains(format::usd(brokerUsd)));
}

void TestUiMargin::bookShowsRateRequirementAndSingleNameMove()
{
    Desk desk;
    desk.seedAccount(
        100'000, 400'000,
        {ui::testing::position("NVDA", 1600, 150), ui::testing::position("TSLA", -40, 250)});
    QString error;
    bool found = false, refused = false;
    QVERIFY2(desk.store.writeMarginOverride(QStringLiteral("TSLA"), 0.5, store::SettingOrigin::Cli,
                                            desk.clock.now(), &found, &refused, &error),
             qPrintable(error));
    desk.openWindow();
    PositionsModel* model = desk.window->positionsModel();
    const auto cell = [&](const char* symbol, int column) {
        const int row = model->rowOfKey(QString::fromLatin1(symbol));
        return row < 0 ? QStringLiteral("<no row>") : model->index(row, column).data().toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(cell("NVDA", PositionsModel::MaintenanceRate),
                              QStringLiteral("30% default"), kWaitMs);
    QCOMPARE(cell("NVDA", PositionsModel::Requirement), QStringLiteral("$72,000"));
    QCOMPARE(cell("TSLA", PositionsModel::MaintenanceRate), QStringLiteral("50% override"));
    QCOMPARE(cell("TSLA", PositionsModel::Requirement), QStringLiteral("$5,000"));
    // The state's own single-name moves, signed against each position.
    const MarginReport& report = desk.session->state().margin.report;
    const auto& positions = desk.session->state().account.account.positions;
    for (size_t i = 0; i < positions.size(); ++i) {
        const bool isShort = positions[i].qty < 0.0;
        const QString expected = report.callMovePct[i] ? (isShort ? QStringLiteral("+") : kMinus) +
                                                             format::pct(*report.callMovePct[i], 1)
                                                       : QString();
        QCOMPARE(cell(positions[i].symbol.c_str(), PositionsModel::CallMove), expected);
    }
    QVERIFY(cell("NVDA", PositionsModel::CallMove).startsWith(kMinus));
    // The Book fits at 1024 px: every shown column keeps its title readable.
    desk.window->resize(1024, 640);
    QTest::qWait(50);
    QTableView* table = desk.window->book()->table();
    for (int column = 0; column < PositionsModel::ColumnCount; ++column) {
        if (table->isColumnHidden(column))
            continue;
        const QString title = model->headerData(column, Qt::Horizontal).toString();
        QVERIFY2(table->columnWidth(column) >= table->fontMetrics().horizontalAdvance(title),
                 qPrintable(title));
    }
}

void TestUiMargin::whatIfShowsMarginImpactOfSpec8Example()
{
    Desk desk;
    desk.seedSpec15Book();
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("AAPL"));
    form->priceEdit()->setText(QStringLiteral("200"));
    QVERIFY(form->calculate());
    // SPEC 8: margin room 58,507.46 -> 292 shares, MR 89,520, fall to a call 5.02%.
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("292 shares"));
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Binding),
             QStringLiteral("maintenance margin"));
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Maintenance),
             QStringLiteral("$72,000 \u2192 $89,520"));
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Excess),
             QStringLiteral("$28,000 \u2192 $10,480"));
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::FallToCall),
             QStringLiteral("16.67% \u2192 5.02%"));
    // The plain column is the same call here (no correlation build).
    QCOMPARE(form->resultText(WhatIfPanel::PlainEnhancedColumn, WhatIfPanel::FallToCall),
             QStringLiteral("16.67% \u2192 5.02%"));
    QVERIFY(form->resultText(SizingMode::Legacy, WhatIfPanel::Maintenance)
                .startsWith(QStringLiteral("$72,000 \u2192 ")));
}

void TestUiMargin::whatIfShowsAShortAsASale()
{
    Desk desk;
    desk.seedAccount(100'000, 400'000, {});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("XYZ"));
    form->priceEdit()->setText(QStringLiteral("100"));
    form->muEdit()->setText(QStringLiteral("-0.002"));
    form->sigmaEdit()->setText(QStringLiteral("0.02"));
    QVERIFY(form->calculate());
    const QString qty = form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty);
    QVERIFY2(qty.startsWith(QStringLiteral("sell ")) && qty.endsWith(QStringLiteral(" (short)")),
             qPrintable(qty));
    // Legacy's adds are long: a buy.
    QVERIFY(
        !form->resultText(SizingMode::Legacy, WhatIfPanel::Qty).startsWith(QStringLiteral("sell")));
}

void TestUiMargin::stressGridAndChartOnSpec16Example()
{
    Desk desk;
    desk.seedSpec15Book();
    desk.openWindow();
    QVERIFY(desk.window->selectTab(QStringLiteral("stress")));
    StressPanel* stress = desk.window->stress();
    StressModel* model = stress->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 8, kWaitMs);
    const auto rowOf = [&](const char* name) {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->index(row, StressModel::Scenario).data().toString() == QLatin1String(name))
                return row;
        return -1;
    };
    const auto cell = [&](int row, int column) {
        return model->index(row, column).data().toString();
    };
    const int minus10 = rowOf("move -10%");
    QVERIFY(minus10 >= 0);
    QCOMPARE(cell(minus10, StressModel::Pnl), QStringLiteral("-$24,000"));
    QCOMPARE(cell(minus10, StressModel::EquityAfter), QStringLiteral("$76,000"));
    QCOMPARE(cell(minus10, StressModel::MaintenanceAfter), QStringLiteral("$64,800"));
    QCOMPARE(cell(minus10, StressModel::MarginCall), QStringLiteral("no"));
    QCOMPARE(cell(minus10, StressModel::Cure), QString());
    const int minus20 = rowOf("move -20%");
    QVERIFY(minus20 >= 0);
    QCOMPARE(cell(minus20, StressModel::EquityAfter), QStringLiteral("$52,000"));
    QCOMPARE(cell(minus20, StressModel::MaintenanceAfter), QStringLiteral("$57,600"));
    QCOMPARE(cell(minus20, StressModel::MarginCall), QStringLiteral("CALL"));
    QCOMPARE(cell(minus20, StressModel::Cure), QStringLiteral("sell $18,666.67"));
    QCOMPARE(
        model->index(minus20, StressModel::MarginCall).data(Qt::ForegroundRole).value<QColor>(),
        palette::over());
    QCOMPARE(stress->summaryText(),
             QStringLiteral("A 16.67% fall of every price brings a margin call."));
    // The chart: -50% to +50%, the call marked where equity meets the requirement (60,000).
    QCOMPARE(stress->curvePointCount(), 101);
    const std::optional<QPointF> call = stress->callPoint();
    QVERIFY(call);
    QVERIFY(qAbs(call->x() + 100.0 / 6.0) < 1e-9);
    QVERIFY(qAbs(call->y() - 60'000.0) < 1e-6);
}

QTEST_MAIN(TestUiMargin)
#include "tst_ui_margin.moc"
