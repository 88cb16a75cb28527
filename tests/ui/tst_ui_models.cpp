// Models and formats of the dashboard: QAbstractItemModelTester on every model, keyed
// updates that keep persistent indexes (selection) alive, and the number formats.

#include "AppIcon.h"
#include "BookPanel.h"
#include "DecisionsModel.h"
#include "ExposureChartPanel.h"
#include "Format.h"
#include "LeveragePanel.h"
#include "PositionsModel.h"
#include "SizingLogPanel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHeaderView>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <cmath>
#include <limits>

using namespace kelly;
using namespace kelly::ui;

namespace {

PositionExposure row(const char* symbol, double qty, double price)
{
    PositionExposure p;
    p.symbol = symbol;
    p.qty = qty;
    p.priceUsd = price;
    p.marketValueUsd = qty * price;
    p.exposurePct = std::abs(qty * price) / 1000.0;
    p.capUsedPct = std::abs(qty * price) / 2400.0;
    return p;
}

store::AuditEntry audit(qint64 id, const char* key)
{
    store::AuditEntry e;
    e.id = id;
    e.key = QString::fromLatin1(key);
    e.newValue = QStringLiteral("legacy");
    e.origin = QStringLiteral("dashboard");
    return e;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void positionsPassModelTester();
    void updateKeepsPersistentIndexesWithoutReset();
    void reorderMovesRows();
    void neighbouringChangesShareOneSignal();
    void bookColumnsFitArrivingSymbols();
    void exposureChartFollowsMovedAndNewSymbols();
    void overnightLimitIsAmberUntilTheCloseWarning();
    void decisionsAndAuditPassModelTester();
    void sizingLogFilters();
    void bookFilterMatchesSymbolOrClass_data();
    void bookFilterMatchesSymbolOrClass();
    void appIconPaintsWithoutSvgSupport();
    void formats_data();
    void formats();
    void nonFiniteNeverReachesText();
};

void TestUiModels::positionsPassModelTester()
{
    PositionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPositions({row("NVDA", 10, 150), row("AAPL", 5, 200)});
    model.setPositions({row("AAPL", 6, 201), row("BTCUSD", 0.5, 50000), row("MSFT", 1, 400)});
    model.setPositions({});
    model.setPositions({row("TSLA", -3, 250)});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, PositionsModel::Qty).data().toString(), QStringLiteral("-3"));
}

void TestUiModels::updateKeepsPersistentIndexesWithoutReset()
{
    PositionsModel model;
    model.setPositions({row("NVDA", 10, 150), row("AAPL", 5, 200), row("MSFT", 1, 400)});
    const QPersistentModelIndex msft = model.index(2, PositionsModel::Symbol);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    // NVDA leaves, MSFT's price moves, ETHUSD arrives.
    model.setPositions({row("AAPL", 5, 200), row("MSFT", 1, 410), row("ETHUSD", 2, 3000)});
    QCOMPARE(resets.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(changed.count(), 1); // MSFT only; AAPL is unchanged
    QVERIFY(msft.isValid());
    QCOMPARE(msft.data().toString(), QStringLiteral("MSFT"));
    QCOMPARE(msft.row(), 1);
    QCOMPARE(model.index(1, PositionsModel::LastPrice).data().toString(), QStringLiteral("410.00"));
}

void TestUiModels::reorderMovesRows()
{
    PositionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPositions({row("A", 1, 1), row("B", 1, 2), row("C", 1, 3)});
    const QPersistentModelIndex c = model.index(2, 0);
    model.setPositions({row("C", 1, 3), row("A", 1, 1), row("B", 1, 2)});
    QCOMPARE(c.row(), 0);
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("A"));
}

// Issue 7: changed neighbours share one dataChanged over only the changed columns.
void TestUiModels::neighbouringChangesShareOneSignal()
{
    PositionsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPositions({row("A", 1, 1), row("B", 1, 2), row("C", 1, 3), row("D", 1, 4)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPositions({row("A", 1, 5), row("B", 1, 6), row("C", 1, 3), row("D", 1, 7)});
    QCOMPARE(changed.count(), 2); // rows A-B, then D; C did not move
    const auto span = [&](int signal) {
        const auto from = changed.at(signal).at(0).value<QModelIndex>();
        const auto to = changed.at(signal).at(1).value<QModelIndex>();
        return QList<int>{from.row(), to.row(), from.column(), to.column()};
    };
    QCOMPARE(span(0), (QList<int>{0, 1, PositionsModel::LastPrice, PositionsModel::CapUsedPct}));
    QCOMPARE(span(1), (QList<int>{3, 3, PositionsModel::LastPrice, PositionsModel::CapUsedPct}));
}

// Issue 7: the text columns fit their widest symbol when rows arrive, without a
// ResizeToContents mode that re-measures every row on every value change.
void TestUiModels::bookColumnsFitArrivingSymbols()
{
    PositionsModel model;
    model.setPositions({row("NVDA", 10, 150)});
    BookPanel panel(&model);
    QHeaderView* header = panel.table()->horizontalHeader();
    QCOMPARE(header->sectionResizeMode(PositionsModel::Symbol), QHeaderView::Interactive);
    const QString longSymbol = QStringLiteral("VERYLONGSYMBOLNAME.WITHSUFFIX");
    model.setPositions({row("NVDA", 10, 150), row(qPrintable(longSymbol), 1, 10)});
    QTRY_VERIFY_WITH_TIMEOUT(header->sectionSize(PositionsModel::Symbol) >
                                 panel.table()->fontMetrics().horizontalAdvance(longSymbol),
                             10'000);
}

// Issue 7: moved prices update the bars in place; a changed set of symbols rebuilds them.
void TestUiModels::exposureChartFollowsMovedAndNewSymbols()
{
    ExposureChartPanel chart;
    chart.setPositions({row("NVDA", 10, 150), row("AAPL", -5, 200)}, 60.0);
    QCOMPARE(chart.barSymbols(), (QStringList{QStringLiteral("AAPL"), QStringLiteral("NVDA")}));
    QCOMPARE(chart.barValues(), (std::vector<double>{-1.0, 1.5}));

    chart.setPositions({row("NVDA", 10, 160), row("AAPL", -5, 210)}, 60.0);
    QCOMPARE(chart.barSymbols(), (QStringList{QStringLiteral("AAPL"), QStringLiteral("NVDA")}));
    QCOMPARE(chart.barValues(), (std::vector<double>{-1.05, 1.6}));

    chart.setPositions({row("NVDA", 10, 160), row("MSFT", 2, 400), row("AAPL", -5, 210)}, 60.0);
    QCOMPARE(chart.barSymbols(),
             (QStringList{QStringLiteral("MSFT"), QStringLiteral("AAPL"), QStringLiteral("NVDA")}));
    QCOMPARE(chart.barValues(), (std::vector<double>{0.8, -1.05, 1.6}));
}

// Issue 26 (README, limit colours): over the overnight limit is amber during the day and red
// only in the close warning's last 30 minutes.
void TestUiModels::overnightLimitIsAmberUntilTheCloseWarning()
{
    ExposureReport report;
    report.overnightState = LimitState::Over;
    report.closeWarning = false;
    QCOMPARE(LeveragePanel::overnightColour(report), LimitState::Near);
    report.closeWarning = true;
    QCOMPARE(LeveragePanel::overnightColour(report), LimitState::Over);
    report.overnightState = LimitState::Near;
    report.closeWarning = false;
    QCOMPARE(LeveragePanel::overnightColour(report), LimitState::Near);
}

void TestUiModels::decisionsAndAuditPassModelTester()
{
    DecisionsModel decisions;
    QAbstractItemModelTester decisionTester(&decisions,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    store::SizingDecision d;
    d.id = 1;
    d.result.symbol = "NVDA";
    d.result.qty = 1600;
    d.result.priceUsd = 150;
    store::SizingDecision fallback = d;
    fallback.id = 2;
    fallback.result.method = SizingMode::Legacy;
    fallback.result.fallbackReason = "corrupt metrics";
    decisions.setDecisions({fallback, d});
    QCOMPARE(decisions.rowCount(), 2);
    QVERIFY(decisions.index(0, 0).data(DecisionsModel::IsFallbackRole).toBool());
    QVERIFY(decisions.index(0, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(!decisions.index(1, 0).data(Qt::BackgroundRole).isValid());
    QCOMPARE(decisions.index(1, DecisionsModel::Value).data().toString(),
             QStringLiteral("$240,000"));
    // Issue 26: a `kellyctl size --reduce` call is marked as a reduce, not read as a buy.
    store::SizingDecision reduce = d;
    reduce.id = 3;
    reduce.result.qty = 400;
    reduce.result.binding = BindingLimit::OpenPosition;
    decisions.setDecisions({reduce, fallback, d});
    QCOMPARE(decisions.index(0, DecisionsModel::Qty).data().toString(),
             QStringLiteral("reduce 400"));
    QCOMPARE(decisions.index(2, DecisionsModel::Qty).data().toString(), QStringLiteral("1,600"));

    AuditModel auditModel;
    QAbstractItemModelTester auditTester(&auditModel,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    auditModel.setEntries({audit(1, "mode")});
    const QPersistentModelIndex first = auditModel.index(0, AuditModel::Key);
    auditModel.setEntries({audit(2, "symbol_cap_pct"), audit(1, "mode")});
    QCOMPARE(auditModel.rowCount(), 2);
    QCOMPARE(first.row(), 1);
    QCOMPARE(auditModel.index(1, AuditModel::OldValue).data().toString(),
             QStringLiteral("(unset)")); // issue 17: as `kellyctl audit` says
}

void TestUiModels::sizingLogFilters()
{
    DecisionsModel model;
    store::SizingDecision nvda;
    nvda.id = 1;
    nvda.result.symbol = "NVDA";
    store::SizingDecision btc;
    btc.id = 2;
    btc.result.symbol = "BTCUSD";
    btc.result.method = SizingMode::Legacy;
    store::SizingDecision fallback;
    fallback.id = 3;
    fallback.result.symbol = "NVDA";
    fallback.result.method = SizingMode::Legacy;
    fallback.result.fallbackReason = "stored volatility is NaN";
    model.setDecisions({fallback, btc, nvda});
    SizingLogPanel panel(&model);
    const QAbstractItemModel* shown = panel.table()->model();
    QCOMPARE(shown->rowCount(), 3);
    auto* fallbacksOnly = panel.findChild<QCheckBox*>(QStringLiteral("decisionFallbacksOnly"));
    auto* method = panel.findChild<QComboBox*>(QStringLiteral("decisionMethodFilter"));
    auto* symbol = panel.findChild<QLineEdit*>(QStringLiteral("decisionSymbolFilter"));
    QVERIFY(fallbacksOnly && method && symbol);
    fallbacksOnly->setChecked(true);
    QCOMPARE(shown->rowCount(), 1);
    fallbacksOnly->setChecked(false);
    method->setCurrentIndex(method->findData(QStringLiteral("legacy")));
    QCOMPARE(shown->rowCount(), 2);
    symbol->setText(QStringLiteral("btc"));
    QCOMPARE(shown->rowCount(), 1);
    // Newest first by default.
    symbol->clear();
    method->setCurrentIndex(0);
    QCOMPARE(shown->index(0, DecisionsModel::Symbol).data().toString(), QStringLiteral("NVDA"));
    QVERIFY(shown->index(0, 0).data(DecisionsModel::IsFallbackRole).toBool());
}

void TestUiModels::bookFilterMatchesSymbolOrClass_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("rows");
    QTest::newRow("none") << QString() << 3;
    QTest::newRow("symbol prefix") << QStringLiteral("nv") << 1;
    QTest::newRow("class") << QStringLiteral("crypto") << 1;
    QTest::newRow("no match") << QStringLiteral("zzz") << 0;
}

void TestUiModels::bookFilterMatchesSymbolOrClass()
{
    QFETCH(QString, filter);
    QFETCH(int, rows);
    PositionsModel model;
    PositionExposure btc = row("BTCUSD", 0.5, 50000);
    btc.assetClass = AssetClass::Crypto;
    model.setPositions({row("NVDA", 10, 150), row("AAPL", 5, 200), btc});
    BookPanel panel(&model);
    panel.filterEdit()->setText(filter);
    QCOMPARE(panel.table()->model()->rowCount(), rows);
}

void TestUiModels::appIconPaintsWithoutSvgSupport()
{
    const QIcon icon = appIcon();
    QVERIFY(!icon.isNull());
    const QImage image = icon.pixmap(32, 32).toImage();
    QCOMPARE(image.width(), 32);
    QVERIFY(image.pixelColor(16, 4).alpha() > 0); // the rounded square is painted
}

void TestUiModels::formats_data()
{
    QTest::addColumn<QString>("actual");
    QTest::addColumn<QString>("expected");
    QTest::newRow("usd grouped") << format::usd(1234567.4) << QStringLiteral("$1,234,567");
    QTest::newRow("usd negative") << format::usd(-12300.0) << QStringLiteral("-$12,300");
    QTest::newRow("usd cents") << format::usd(26.574, 2) << QStringLiteral("$26.57");
    QTest::newRow("usd tiny negative is zero") << format::usd(-0.2) << QStringLiteral("$0");
    QTest::newRow("signed gain") << format::signedUsd(1200.0) << QStringLiteral("+$1,200");
    QTest::newRow("signed loss") << format::signedUsd(-300.0) << QStringLiteral("-$300");
    QTest::newRow("leverage") << format::leverage(1.9) << QStringLiteral("1.90x");
    QTest::newRow("leverage absent") << format::leverage(std::nullopt) << format::missing();
    QTest::newRow("pct") << format::pct(38.66) << QStringLiteral("38.7%");
    QTest::newRow("stock qty") << format::qty(1600.0, AssetClass::Stock) << QStringLiteral("1,600");
    QTest::newRow("fractional shares")
        << format::qty(2.5, AssetClass::Stock) << QStringLiteral("2.5000");
    QTest::newRow("crypto qty") << format::qty(1.2, AssetClass::Crypto) << QStringLiteral("1.200");
    QTest::newRow("price") << format::price(120681.26) << QStringLiteral("120,681.26");
    QTest::newRow("sub-dollar price") << format::price(0.12345) << QStringLiteral("0.1235");
    QTest::newRow("duration hours")
        << format::duration(std::chrono::seconds(2 * 3600 + 5 * 60)) << QStringLiteral("2h 05m");
    QTest::newRow("duration minutes")
        << format::duration(std::chrono::seconds(15 * 60)) << QStringLiteral("15m 00s");
    using namespace std::chrono;
    const UtcTime fridayClose = sys_days{2026y / November / 27} + hours(21);
    QTest::newRow("new york time")
        << format::newYorkTime(fridayClose) << QStringLiteral("16:00 ET");
    QTest::newRow("utc") << format::utcDateTime(fridayClose)
                         << QStringLiteral("2026-11-27 21:00 UTC");
    // Issue 17: audit and log rows to the second, New York first, then local time.
    QTest::newRow("time of day") << format::timeOfDay(fridayClose + seconds(5))
                                 << QStringLiteral("16:00:05 ET");
    QTest::newRow("event time")
        << format::eventTime(fridayClose + seconds(5))
        << QStringLiteral("11-27 16:00:05 ET (%1 local)")
               .arg(QDateTime::fromSecsSinceEpoch(
                        (fridayClose + seconds(5)).time_since_epoch().count())
                        .toString(QStringLiteral("HH:mm:ss")));
}

void TestUiModels::formats()
{
    QFETCH(QString, actual);
    QFETCH(QString, expected);
    QCOMPARE(actual, expected);
}

void TestUiModels::nonFiniteNeverReachesText()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (double bad : {nan, inf, -inf}) {
        for (const QString& text :
             {format::usd(bad), format::signedUsd(bad), format::price(bad), format::pct(bad),
              format::leverage(bad), format::qty(bad, AssetClass::Stock), format::fraction(bad)}) {
            QCOMPARE(text, format::missing());
        }
    }
    PositionsModel model;
    PositionExposure p = row("NVDA", 10, 150);
    p.exposurePct = nan;
    model.setPositions({p});
    QCOMPARE(model.index(0, PositionsModel::ExposurePct).data().toString(), format::missing());
}

QTEST_MAIN(TestUiModels)
#include "tst_ui_models.moc"
