// The Lab tab (SPEC 12, issue 15) on the real MainWindow: it runs the bundled prices on a
// worker, records the run, renders one curve per method and the metrics with their
// formulas; Cancel stops a run cleanly and records nothing; earlier runs compare side by
// side; a run exports to CSV and PNG. Writes a screenshot (KELLY_BINARY_DIR/lab-tab.png).

#include "Clock.h"
#include "DeskSession.h"
#include "MainWindow.h"
#include "lab/LabChartsPanel.h"
#include "lab/LabMetricsModel.h"
#include "lab/LabPanel.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFile>
#include <QGraphicsTextItem>
#include <QLineSeries>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>
#include <cmath>
#include <functional>
#include <memory>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

const UtcTime kNow = sys_days{2026y / November / 30} + hours(23);

struct Desk
{
    Desk() : clock(kNow)
    {
        QVERIFY(folder.isValid());
        QString error;
        QVERIFY2(store.open(folder.filePath(QStringLiteral("desk.sqlite")), &error),
                 qPrintable(error));
        // An account, so the window shows no "no equity" alert above the Lab (README's shot).
        QVERIFY2(store.setAccount(100'000, 400'000, kNow, &error), qPrintable(error));
        session = std::make_unique<DeskSession>(store, clock, store::Environment{});
        QVERIFY2(session->reload(&error), qPrintable(error));
        window = std::make_unique<MainWindow>(*session);
        window->resize(1500, 950);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QVERIFY(window->selectTab(QStringLiteral("lab")));
    }

    std::vector<store::LabRunRecord> recorded()
    {
        std::vector<store::LabRunRecord> runs;
        QString error;
        store.loadLabRuns(&runs, 0, &error);
        return runs;
    }

    QTemporaryDir folder;
    ManualClock clock;
    store::Store store;
    std::unique_ptr<DeskSession> session;
    std::unique_ptr<MainWindow> window;
};

// The text a chart draws (title, axis labels, legend), as shown.
QStringList drawnTexts(QChart* chart)
{
    QStringList texts;
    std::function<void(QGraphicsItem*)> walk = [&](QGraphicsItem* item) {
        if (!item->isVisible())
            return;
        if (auto* text = dynamic_cast<QGraphicsTextItem*>(item)) {
            texts << text->toPlainText();
        } else if (auto* simple = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            texts << simple->text();
        for (QGraphicsItem* child : item->childItems())
            walk(child);
    };
    walk(chart);
    return texts;
}

// "$250k" -> 250000, "$1.5M" -> 1500000; 0 when not a dollar label.
double dollars(QString label)
{
    if (!label.startsWith(QLatin1Char('$')))
        return 0.0;
    label = label.mid(1).remove(QLatin1Char(','));
    double scale = 1.0;
    if (label.endsWith(QLatin1Char('k')))
        scale = 1e3;
    else if (label.endsWith(QLatin1Char('M')))
        scale = 1e6;
    if (scale != 1.0)
        label.chop(1);
    bool ok = false;
    const double value = label.toDouble(&ok);
    return ok ? value * scale : 0.0;
}

bool isRoundDollar(double value)
{
    const double mantissa = value / std::pow(10.0, std::floor(std::log10(value)));
    for (const double round : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0})
        if (std::abs(mantissa - round) < 1e-9)
            return true;
    return false;
}

QCategoryAxis* categoryAxis(QChart* chart, Qt::Alignment side)
{
    const QList<QAbstractAxis*> axes =
        chart->axes(side == Qt::AlignBottom ? Qt::Horizontal : Qt::Vertical);
    return axes.size() == 1 ? qobject_cast<QCategoryAxis*>(axes.front()) : nullptr;
}

// Issue 26: every axis of the Lab's three charts is labelled at round values, nothing elided.
// `roomy`: the window is large enough for several labels on each axis (not 1024x640).
void checkRoundAxes(LabChartsPanel* charts, double startingEquity, bool roomy)
{
    const qsizetype several = roomy ? 3 : 1;
    const QStringList equityTexts = drawnTexts(charts->equityChart());
    QStringList dollarLabels;
    for (const QString& text : equityTexts) {
        QVERIFY2(!text.contains(QStringLiteral("...")) && !text.contains(QChar(0x2026)),
                 qPrintable(equityTexts.join(QLatin1Char('|'))));
        if (dollars(text) > 0.0) {
            dollarLabels << text;
            QVERIFY2(isRoundDollar(dollars(text)), qPrintable(text)); // not $65,536, $131,072
        }
    }
    QVERIFY2(dollarLabels.size() >= several, qPrintable(equityTexts.join(QLatin1Char('|'))));
    // Each label sits where the log scale puts its amount.
    QCategoryAxis* equityAxis = categoryAxis(charts->equityChart(), Qt::AlignLeft);
    QVERIFY(equityAxis);
    for (const QString& label : dollarLabels)
        QCOMPARE(equityAxis->endValue(label), std::log10(dollars(label)));
    // The starting equity's line, named in the legend, at that amount.
    const QString startName =
        QStringLiteral("start $%1").arg(QLocale(QLocale::English).toString(startingEquity, 'f', 0));
    QVERIFY2(equityTexts.contains(startName), qPrintable(equityTexts.join(QLatin1Char('|'))));
    QLineSeries* startLine = nullptr;
    for (QAbstractSeries* series : charts->equityChart()->series())
        if (series->name() == startName)
            startLine = qobject_cast<QLineSeries*>(series);
    QVERIFY(startLine && startLine->count() == 2);
    QCOMPARE(startLine->at(0).y(), std::log10(startingEquity));
    QCOMPARE(startLine->at(1).y(), std::log10(startingEquity));

    // Drawdown every 5, 10, 20 or 50 points from 0; leverage every 0.5x.
    QList<double> falls;
    for (const QString& text : drawnTexts(charts->drawdownChart()))
        if (text.endsWith(QLatin1Char('%')))
            falls << QStringView(text).chopped(1).toDouble();
    std::sort(falls.begin(), falls.end());
    QVERIFY2(falls.size() >= several && falls.back() == 0.0,
             qPrintable(QString::number(falls.size())));
    for (int i = 1; i < falls.size(); ++i) {
        const double fallStep = falls[i] - falls[i - 1];
        QVERIFY2(fallStep == 5.0 || fallStep == 10.0 || fallStep == 20.0 || fallStep == 50.0,
                 qPrintable(QString::number(fallStep)));
        QCOMPARE(fallStep, falls[1] - falls[0]);
    }
    QList<double> leverages;
    for (const QString& text : drawnTexts(charts->leverageChart()))
        if (text.endsWith(QLatin1Char('x')))
            leverages << QStringView(text).chopped(1).toDouble();
    QVERIFY(leverages.size() >= several);
    for (const double leverage : leverages)
        QVERIFY2(std::fmod(leverage, 0.5) == 0.0, qPrintable(QString::number(leverage)));

    // Dates on the first of a month, labelled with that month.
    for (QChart* chart :
         {charts->equityChart(), charts->drawdownChart(), charts->leverageChart()}) {
        QCategoryAxis* time = categoryAxis(chart, Qt::AlignBottom);
        QVERIFY(time);
        const QStringList labels = time->categoriesLabels();
        QVERIFY2(labels.size() >= std::min<qsizetype>(several, 2),
                 qPrintable(labels.join(QLatin1Char('|'))));
        const QStringList drawn = drawnTexts(chart);
        for (const QString& label : labels) {
            const QDateTime at =
                QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(time->endValue(label)), Qt::UTC);
            QCOMPARE(at.time(), QTime(0, 0));
            QCOMPARE(at.date().day(), 1);
            // "Jan 2025", or "2025" on a year's boundary when years are labelled.
            QVERIFY2(
                label ==
                        QLocale(QLocale::English).toString(at.date(), QStringLiteral("MMM yyyy")) ||
                    (at.date().month() == 1 && label == QString::number(at.date().year())),
                qPrintable(label));
            QVERIFY2(drawn.contains(label), qPrintable(label));
        }
    }
}

} // namespace

class TestUiLab : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsTheBundledPricesAndRenders();
    void chartsAreLabelledAtRoundValues();
    void cancelStopsCleanlyAndRecordsNothing();
    void badFolderSaysWhy();
};

void TestUiLab::runsTheBundledPricesAndRenders()
{
    Desk desk;
    LabPanel* lab = desk.window->lab();
    QVERIFY(lab);
    QSignalSpy finished(lab, &LabPanel::runFinished);
    auto* run = lab->findChild<QPushButton*>(QStringLiteral("labRunButton"));
    QVERIFY(run);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(desk.recorded().size(), size_t(1));
    QCOMPARE(lab->charts()->curveCount(), 4); // every method
    QCOMPARE(lab->metrics()->rowCount(), 4);
    QVERIFY(lab->metrics()
                ->headerData(LabMetricsModel::Sharpe, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("std(r, n-1)")));
    QVERIFY(lab->statusText().contains(QStringLiteral("recorded")));
    QTest::qWait(300); // the charts lay their labels out
    checkRoundAxes(lab->charts(), 100000.0, true);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(drawnTexts(lab->charts()->equityChart()).contains(QStringLiteral("$100k")));

    // A second run, then both side by side.
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
    lab->compareRuns({desk.recorded().back().id});
    QCOMPARE(lab->charts()->curveCount(), 8);
    QCOMPARE(lab->metrics()->rowCount(), 8);

    QString error;
    const QString csv = desk.folder.filePath(QStringLiteral("curves.csv"));
    QVERIFY2(lab->exportCsv(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readLine().trimmed(),
             QByteArray("run,date,method,equity,gross,cash,financing,costs"));
    QCOMPARE(file.readAll().count('\n'), 8 * 731);
    const QString png = desk.folder.filePath(QStringLiteral("charts.png"));
    QVERIFY2(lab->exportPng(png, &error), qPrintable(error));
    QVERIFY(QFileInfo(png).size() > 10000);

    QTest::qWait(300); // let the charts lay out before the screenshot
    QVERIFY(desk.window->grab().save(QStringLiteral(KELLY_BINARY_DIR "/lab-tab.png"), "PNG"));

    // Issue 26: at 1024x640 the metrics table shows all rows of a run without scrolling.
    lab->compareRuns({});
    QCOMPARE(lab->metrics()->rowCount(), 4);
    desk.window->resize(1024, 640);
    QTest::qWait(100);
    auto* table = lab->findChild<QTableView*>(QStringLiteral("labMetricsTable"));
    QVERIFY(table);
    QVERIFY2(!table->verticalScrollBar()->isVisible() &&
                 table->rowViewportPosition(3) + table->rowHeight(3) <= table->viewport()->height(),
             qPrintable(QStringLiteral("viewport %1 high").arg(table->viewport()->height())));

    // Issue 26: a run another program records (kellyctl backtest) is listed when the tab
    // is opened again, not only after the next run from the window.
    auto* history = lab->findChild<QListWidget*>(QStringLiteral("labHistory"));
    QVERIFY(history);
    const int listed = history->count();
    store::LabRunRecord copy = desk.recorded().front();
    qint64 id = 0;
    QVERIFY2(desk.store.saveLabRun(copy, &id, &error), qPrintable(error));
    QVERIFY(desk.window->selectTab(QStringLiteral("book")));
    QVERIFY(desk.window->selectTab(QStringLiteral("lab")));
    QTRY_COMPARE_WITH_TIMEOUT(history->count(), listed + 1, 5000);
}

void TestUiLab::chartsAreLabelledAtRoundValues()
{
    Desk desk;
    LabPanel* lab = desk.window->lab();
    // Not the default 100,000: the start line follows the run's starting equity.
    auto* equity = lab->findChild<QDoubleSpinBox*>(QStringLiteral("labStartingEquity"));
    QVERIFY(equity);
    equity->setValue(250000.0);
    QSignalSpy finished(lab, &LabPanel::runFinished);
    QVERIFY(lab->startRun());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QTest::qWait(300); // the charts lay their labels out
    checkRoundAxes(lab->charts(), 250000.0, true);
    if (QTest::currentTestFailed())
        return;
    // At 1024x640 (under the no-equity banner) fewer labels, still round and whole.
    desk.window->resize(1024, 640);
    QTest::qWait(300);
    QVERIFY(desk.window->grab().save(QStringLiteral(KELLY_BINARY_DIR "/lab-tab-1024.png"), "PNG"));
    checkRoundAxes(lab->charts(), 250000.0, false);
}

void TestUiLab::cancelStopsCleanlyAndRecordsNothing()
{
    Desk desk;
    // A folder big enough (200 symbols x 1,500 days) that Cancel lands mid-run.
    QTemporaryDir prices;
    QVERIFY(prices.isValid());
    quint32 seed = 15;
    for (int s = 0; s < 200; ++s) {
        QFile file(prices.filePath(QStringLiteral("S%1.csv").arg(s)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray text = "date,close\n";
        double close = 100.0;
        QDate date(2020, 1, 1);
        for (int d = 0; d < 1500; ++d, date = date.addDays(1)) {
            seed = seed * 1664525u + 1013904223u;
            close *= 1.0 + (static_cast<double>(seed >> 8) / 16777216.0 - 0.5) * 0.04;
            text += date.toString(Qt::ISODate).toLatin1() + ',' +
                    QByteArray::number(close, 'g', 12) + '\n';
        }
        file.write(text);
    }
    LabPanel* lab = desk.window->lab();
    lab->setPricesFolder(prices.path());
    QSignalSpy cancelled(lab, &LabPanel::runCancelled);
    QSignalSpy finished(lab, &LabPanel::runFinished);
    QVERIFY(lab->startRun());
    QVERIFY(lab->isRunning());
    auto* cancel = lab->findChild<QPushButton*>(QStringLiteral("labCancelButton"));
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 60000);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!lab->isRunning());
    QCOMPARE(desk.recorded().size(), size_t(0));
    QVERIFY(lab->statusText().contains(QStringLiteral("Cancelled")));
    // Issue 26: the bar empties, instead of staying at the share done before the Cancel.
    auto* progress = lab->findChild<QProgressBar*>(QStringLiteral("labProgress"));
    QVERIFY(progress);
    QCOMPARE(progress->value(), progress->minimum() - 1);
    QCOMPARE(lab->charts()->curveCount(), 0);
    QVERIFY(lab->findChild<QPushButton*>(QStringLiteral("labRunButton"))->isEnabled());
}

void TestUiLab::badFolderSaysWhy()
{
    Desk desk;
    LabPanel* lab = desk.window->lab();
    QSignalSpy failed(lab, &LabPanel::runFailed);
    lab->setPricesFolder(desk.folder.filePath(QStringLiteral("nowhere")));
    QVERIFY(lab->startRun());
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    QVERIFY(lab->statusText().contains(QStringLiteral("no such folder")));
    QCOMPARE(desk.recorded().size(), size_t(0));
}

QTEST_MAIN(TestUiLab)
#include "tst_ui_lab.moc"
