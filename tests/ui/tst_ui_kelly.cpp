// SPEC 18 in the dashboard: the Settings dialog's kelly_fraction with its stock multiple and
// the drawdown-budget helper, and the Lab tab's Kelly sweep against the engine run directly.

#include "DeskFixture.h"
#include "KellyFractionHelper.h"
#include "SettingsDialog.h"
#include "lab/KellySweepView.h"
#include "lab/LabPanel.h"
#include "risk/PriceFile.h"
#include "sizing/KellyOdds.h"

#include <QChart>
#include <QGraphicsTextItem>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <functional>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

const UtcTime kFriday1545 = sys_days{2026y / November / 27} + hours(20) + minutes(45);
const QString kBundled = QStringLiteral(KELLY_SOURCE_DIR "/resources/prices");

struct Desk : ui::testing::DeskFixture
{
    Desk() : DeskFixture(kFriday1545) {}
};

QLineSeries* seriesNamed(QChart* chart, const QString& prefix)
{
    for (QAbstractSeries* series : chart->series())
        if (series->name().startsWith(prefix))
            return qobject_cast<QLineSeries*>(series);
    return nullptr;
}

} // namespace

class TestUiKelly : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void settingsShowTheStockMultipleAsTheTraderTypes();
    void drawdownBudgetFillsTheFraction();
    void sweepPlotsTheEngineAndMarksDefaultAndTwoTimesKelly();
};

void TestUiKelly::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestUiKelly::settingsShowTheStockMultipleAsTheTraderTypes()
{
    Desk desk;
    desk.openWindow();
    SettingsDialog dialog(*desk.session, desk.window.get());
    KellyFractionHelper* helper = dialog.kellyHelper();
    QVERIFY(helper);
    // The defaults: c 0.5 at L 4 holds a stock at 2x Kelly, where growth is zero.
    QVERIFY2(helper->multipleText().contains(QStringLiteral("0.5 x 4 = 2.00x full Kelly; crypto "
                                                            "at 0.5x")),
             qPrintable(helper->multipleText()));
    QVERIFY(helper->multipleText().contains(QStringLiteral("certain in time")));
    QLineEdit* fraction = dialog.field(store::SettingKey::KellyFraction);
    fraction->setText(QStringLiteral("0.25"));
    QVERIFY2(helper->multipleText().contains(QStringLiteral("= 1.00x full Kelly")) &&
                 helper->multipleText().contains(
                     QStringLiteral("a 50.0% chance to ever halve, 80.0% to ever be 20% down")),
             qPrintable(helper->multipleText()));
    // The intraday limit being edited moves it too: 0.25 x 2 = 0.5x, SPEC 18's 12.5% / 51.2%.
    dialog.field(store::SettingKey::MaxIntradayLeverage)->setText(QStringLiteral("2"));
    QVERIFY2(helper->multipleText().contains(QStringLiteral("= 0.50x full Kelly")) &&
                 helper->multipleText().contains(
                     QStringLiteral("a 12.5% chance to ever halve, 51.2% to ever be 20% down")),
             qPrintable(helper->multipleText()));
    fraction->setText(QStringLiteral("1.5"));
    QVERIFY(helper->multipleText().contains(QStringLiteral("at most 1")));
}

void TestUiKelly::drawdownBudgetFillsTheFraction()
{
    Desk desk;
    desk.openWindow();
    SettingsDialog dialog(*desk.session, desk.window.get());
    KellyFractionHelper* helper = dialog.kellyHelper();
    QVERIFY(helper);
    QVERIFY(!helper->drawdownEdit()->isVisibleTo(helper));
    helper->budgetButton()->click();
    QVERIFY(helper->drawdownEdit()->isVisibleTo(helper));
    // A bad budget names the field and fills nothing.
    helper->drawdownEdit()->setText(QStringLiteral("1.5"));
    helper->probabilityEdit()->setText(QStringLiteral("0.05"));
    QVERIFY(!helper->fillFromBudget());
    QVERIFY(helper->budgetText().startsWith(QStringLiteral("drawdown:")));
    QCOMPARE(dialog.field(store::SettingKey::KellyFraction)->text(), QStringLiteral("0.5"));
    // D 0.2, P 0.05: lambda 13.425, c* 0.1386, the setting c*/4 = 0.0347 (SPEC 18, by hand).
    helper->drawdownEdit()->setText(QStringLiteral("0.2"));
    QVERIFY(helper->fillFromBudget());
    QVERIFY2(helper->budgetText().contains(QStringLiteral("lambda 13.425")) &&
                 helper->budgetText().contains(QStringLiteral("c* 0.1386")) &&
                 helper->budgetText().contains(QStringLiteral("0.0347")),
             qPrintable(helper->budgetText()));
    const double filled = dialog.field(store::SettingKey::KellyFraction)->text().toDouble();
    QCOMPARE(filled, kellyForDrawdownBudget(0.2, 0.05)->effectiveFraction / 4.0);
    QVERIFY(helper->multipleText().contains(QStringLiteral("= 0.14x full Kelly")));
    // Its look on the smallest screen, written as a PNG when KELLY_UI_SCREENSHOT_DIR is set.
    const QString folder = qEnvironmentVariable("KELLY_UI_SCREENSHOT_DIR");
    if (!folder.isEmpty()) {
        dialog.resize(1024, 640);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        if (auto* scroll = dialog.findChild<QScrollArea*>())
            scroll->ensureWidgetVisible(helper);
        QVERIFY(dialog.grab().save(folder + QStringLiteral("/settings-kelly.png")));
    }
    // Save writes it, audited with origin dashboard.
    QVERIFY(dialog.apply());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.saving(), 10'000);
    QString stored, error;
    QVERIFY(desk.store.readSetting(store::SettingKey::KellyFraction, &stored, &error));
    QCOMPARE(stored.toDouble(), filled);
}

void TestUiKelly::sweepPlotsTheEngineAndMarksDefaultAndTwoTimesKelly()
{
    Desk desk;
    desk.openWindow();
    auto* sweep = desk.window->findChild<KellySweepView*>();
    QVERIFY(sweep);
    auto* views = desk.window->findChild<QTabWidget*>(QStringLiteral("labViews"));
    QVERIFY(views);
    views->setCurrentWidget(sweep);
    auto* lab = desk.window->findChild<LabPanel*>();
    lab->setPricesFolder(kBundled);
    sweep->fractionsEdit()->setText(QStringLiteral("0.4,2"));
    QVERIFY(!sweep->startSweep());
    QVERIFY2(sweep->statusText().contains(QStringLiteral("kelly-fractions")),
             qPrintable(sweep->statusText()));

    sweep->fractionsEdit()->setText(QStringLiteral("0.125,0.5,1"));
    QSignalSpy finished(sweep, &KellySweepView::sweepFinished);
    QVERIFY(sweep->startSweep());
    QVERIFY(finished.wait(120'000));

    // The same engine, run here: every plotted point is its figure.
    const auto prices = loadPriceFolder(kBundled.toStdString());
    QVERIFY(prices.ok());
    lab::LabOptions options;
    options.kellyFractions = {0.125, 0.5, 1.0};
    const auto expected =
        lab::runLab(*prices, desk.session->state().settings.labSettings(), options);
    QVERIFY(expected.ok());
    QLineSeries* cagr = seriesNamed(sweep->chart(), QStringLiteral("CAGR"));
    QLineSeries* drawdown = seriesNamed(sweep->chart(), QStringLiteral("max drawdown"));
    QVERIFY(cagr && drawdown);
    QCOMPARE(cagr->count(), 3);
    QCOMPARE(drawdown->count(), 3);
    for (int i = 0; i < 3; ++i) {
        const lab::LabMetrics& m = expected->runs[static_cast<std::size_t>(i)].metrics;
        QCOMPARE(cagr->at(i).x(), options.kellyFractions[static_cast<std::size_t>(i)]);
        QCOMPARE(cagr->at(i).y(), *m.cagr * 100.0);
        QCOMPARE(drawdown->at(i).y(), *m.maxDrawdown * 100.0);
    }
    QLineSeries* byDefault = seriesNamed(sweep->chart(), QStringLiteral("default 0.5"));
    QLineSeries* twoTimes = seriesNamed(sweep->chart(), QStringLiteral("stock at 2x Kelly"));
    QVERIFY(byDefault && twoTimes);
    QCOMPARE(byDefault->at(0).x(), 0.5);
    QCOMPARE(twoTimes->at(0).x(), 2.0 / 4.0);
    QCOMPARE(sweep->table()->rowCount(), 3);
    QCOMPARE(sweep->table()->item(2, 1)->text(), QStringLiteral("4.00x Kelly"));

    // Recorded like any lab run, under SPEC 18's names.
    std::vector<store::LabRunRecord> runs;
    QString error;
    QVERIFY(desk.store.loadLabRuns(&runs, 0, &error));
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs[0].id, finished.at(0).at(0).toLongLong());
    QCOMPARE(lab::runName(runs[0].runs[2]), std::string("enhanced@1"));

    // Issue 23: the sweep at the window's smallest size, written as a PNG when asked.
    desk.window->resize(1024, 640);
    desk.window->selectTab(QStringLiteral("lab"));
    QApplication::processEvents();
    QVERIFY(sweep->chart()->plotArea().width() > 200);
    // Issue 26: round labels, as many as fit, none elided to "..." on the short chart.
    QTest::qWait(200);
    QStringList drawn;
    std::function<void(QGraphicsItem*)> walk = [&](QGraphicsItem* item) {
        if (!item->isVisible())
            return;
        if (auto* text = dynamic_cast<QGraphicsTextItem*>(item))
            drawn << text->toPlainText();
        for (QGraphicsItem* child : item->childItems())
            walk(child);
    };
    walk(sweep->chart());
    QVERIFY2(!drawn.join(QLatin1Char('|')).contains(QStringLiteral("...")),
             qPrintable(drawn.join(QLatin1Char('|'))));
    for (const char* fraction : {"0.00", "0.25", "0.50", "0.75", "1.00"})
        QVERIFY2(drawn.contains(QLatin1String(fraction)), fraction);
    const QByteArray dir = qgetenv("KELLY_UI_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(desk.window->grab().save(QString::fromLocal8Bit(dir) +
                                         QStringLiteral("/lab-kelly-sweep.png")));
}

QTEST_MAIN(TestUiKelly)
#include "tst_ui_kelly.moc"
