// SPEC 11 on the dashboard (issue 14): the what-if shows the correlation-aware size beside
// the plain enhanced and legacy columns and explains the adjustment; the sizing log shows
// when the adjustment changed a size.

#include "../sizing/CorrelationFixture.h"
#include "Clock.h"
#include "DecisionsModel.h"
#include "DeskSession.h"
#include "MainWindow.h"
#include "WhatIfPanel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

const UtcTime kNow = sys_days{2026y / November / 25} + hours(20) + minutes(30);

struct Desk
{
    Desk() : clock(kNow)
    {
        QVERIFY(folder.isValid());
        QString error;
        QVERIFY2(store.open(folder.filePath(QStringLiteral("desk.sqlite")), &error),
                 qPrintable(error));
        session = std::make_unique<DeskSession>(store, clock, store::Environment{});
        // SPEC 11's example: E = 100,000, BP = 400,000, AAPL held 100,000 long.
        QVERIFY2(store.setAccount(100'000, 400'000, kNow, &error), qPrintable(error));
        QVERIFY2(store.setPositions({{"AAPL", 500, 200, 190}}, true, kNow, &error),
                 qPrintable(error));
    }

    // A build made `age` ago from data that ends that day (SPEC 5: the data's date decides).
    void saveBuild(hours age)
    {
        QString error;
        const std::string day = store::isoUtc(kNow - age).left(10).toStdString();
        QVERIFY2(store.saveCorrelationBuild(testing::withDataDate(testing::nvdaAaplBuild(), day),
                                            kNow - age, nullptr, &error),
                 qPrintable(error));
    }

    void openWindow()
    {
        QString error;
        QVERIFY2(session->reload(&error), qPrintable(error));
        window = std::make_unique<MainWindow>(*session);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    }

    WhatIfPanel* sizeNvda(const char* mu)
    {
        WhatIfPanel* form = window->whatIf();
        form->symbolEdit()->setText(QStringLiteral("NVDA"));
        form->priceEdit()->setText(QStringLiteral("150"));
        form->muEdit()->setText(QString::fromLatin1(mu));
        form->sigmaEdit()->setText(QStringLiteral("0.02"));
        if (!form->calculate())
            qWarning("what-if refused the order");
        return form;
    }

    QTemporaryDir folder;
    ManualClock clock;
    store::Store store;
    std::unique_ptr<DeskSession> session;
    std::unique_ptr<MainWindow> window;
};

} // namespace

class TestUiCorrelation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // window QSettings
    void whatIfShowsThreeColumnsAndWhy();
    void whatIfSaysWhyNotApplied();
    void sizingLogShowsTheChange();
};

void TestUiCorrelation::whatIfShowsThreeColumnsAndWhy()
{
    Desk desk;
    desk.saveBuild(hours(24));
    desk.openWindow();
    WhatIfPanel* form = desk.sizeNvda("0.0005");
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::Qty),
             QStringLiteral("860 shares"));
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::BaseFraction),
             QStringLiteral("0.323"));
    QCOMPARE(form->resultText(WhatIfPanel::PlainEnhancedColumn, WhatIfPanel::Qty),
             QStringLiteral("1,323 shares"));
    QCOMPARE(form->resultText(WhatIfPanel::PlainEnhancedColumn, WhatIfPanel::BaseFraction),
             QStringLiteral("0.625"));
    QCOMPARE(form->resultText(WhatIfPanel::LegacyColumn, WhatIfPanel::Qty),
             QStringLiteral("800 shares"));
    // The bot's enhanced call is the correlation-aware one.
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("860 shares"));
    const QString why = form->correlationText();
    QVERIFY2(why.contains(QStringLiteral("AAPL +0.00024 (rho 0.60, weight 1.00)")),
             qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("1,323 \u2192 860")), qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("0.625 \u2192 0.323")), qPrintable(why));
}

void TestUiCorrelation::whatIfSaysWhyNotApplied()
{
    Desk desk;
    desk.saveBuild(hours(24 * 8));
    desk.openWindow();
    WhatIfPanel* form = desk.sizeNvda("0.0005");
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::Qty),
             QStringLiteral("1,323 shares"));
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::Note),
             QStringLiteral("Same as plain: stale build"));
    QVERIFY(form->correlationText().contains(QStringLiteral("older than 7 days")));
}

void TestUiCorrelation::sizingLogShowsTheChange()
{
    Desk desk;
    desk.saveBuild(hours(1));
    desk.openWindow();
    store::SizingService service(desk.store, {});
    store::SizingCall call;
    call.request = {"NVDA", 150.0, 0.0005, 0.02};
    call.origin = QStringLiteral("dashboard");
    store::SizingOutcome outcome;
    QString error;
    QVERIFY2(service.size(call, kNow, &outcome, &error), qPrintable(error));
    call.request = {"MSFT", 100.0, 0.0005, 0.02}; // not in the build
    QVERIFY2(service.size(call, kNow, &outcome, &error), qPrintable(error));
    QVERIFY2(desk.session->reload(&error), qPrintable(error));

    DecisionsModel* log = desk.window->decisionsModel();
    QCOMPARE(log->rowCount(), 2);
    int changed = 0;
    for (int row = 0; row < 2; ++row) {
        const QString symbol = log->index(row, DecisionsModel::Symbol).data().toString();
        const QModelIndex cell = log->index(row, DecisionsModel::Correlation);
        if (symbol == QLatin1String("NVDA")) {
            QCOMPARE(cell.data().toString(), QStringLiteral("1,323 \u2192 860"));
            QVERIFY(cell.data(DecisionsModel::CorrelationChangedRole).toBool());
            QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("+0.00024")));
            ++changed;
        } else {
            QCOMPARE(cell.data().toString(), QStringLiteral("off: symbol not in build"));
            QVERIFY(!cell.data(DecisionsModel::CorrelationChangedRole).toBool());
        }
    }
    QCOMPARE(changed, 1);

    // Issue 26 item 7: at 1024 px the log scrolls sideways, and its last column keeps its
    // header and its cells whole instead of being squeezed into what is left.
    desk.window->resize(1024, 640);
    QVERIFY(desk.window->selectTab(QStringLiteral("log")));
    QTest::qWait(200);
    auto* table = desk.window->findChild<QTableView*>(QStringLiteral("decisionsTable"));
    QVERIFY(table && table->isVisible());
    QHeaderView* header = table->horizontalHeader();
    const QAbstractItemView* cells = table; // QTableView makes sizeHintForColumn protected
    const int column = DecisionsModel::Correlation;
    QVERIFY2(header->sectionSize(column) >= header->sectionSizeHint(column) &&
                 header->sectionSize(column) >= cells->sizeHintForColumn(column),
             qPrintable(QStringLiteral("%1 px wide, the header needs %2, the cells %3")
                            .arg(header->sectionSize(column))
                            .arg(header->sectionSizeHint(column))
                            .arg(cells->sizeHintForColumn(column))));
    QVERIFY(!log->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
}

QTEST_MAIN(TestUiCorrelation)
#include "tst_ui_correlation.moc"
