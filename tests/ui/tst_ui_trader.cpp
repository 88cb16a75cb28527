// Issue 17, "the dashboard after a trader's first hour", on the real MainWindow over a
// temporary store: the what-if's price follows the symbol unless it was typed for it; the
// switch shows and writes the store's mode, this window's environment lock is shown apart,
// and a bot whose own environment locks the mode is named; a store that cannot be read
// leaves a persistent "data as of" banner over faded figures until a read succeeds; the
// first geometry fits the screen; Halt keeps its place when the mode flips.

#include "AccountHeader.h"
#include "BookPanel.h"
#include "Clock.h"
#include "CorrelationPanel.h"
#include "DecisionsModel.h"
#include "DeskFixture.h"
#include "DeskSession.h"
#include "HaltSwitch.h"
#include "KellyctlRunner.h"
#include "MainWindow.h"
#include "ModeSwitch.h"
#include "SettingsDialog.h"
#include "StaleBanner.h"
#include "WhatIfPanel.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <memory>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

// Wednesday 2026-11-25, 11:00:00 in New York (EST): mid-session, no close warning.
const UtcTime kWednesday1100 = sys_days{2026y / November / 25} + hours(16);

using ui::testing::position;

// A small book at Wednesday 11:00: NVDA, SPY (last 600.12) and BTCUSD held.
struct Desk : ui::testing::DeskFixture
{
    explicit Desk(store::Environment environment = {})
        : DeskFixture(kWednesday1100, std::move(environment))
    {
        seedAccount(100'000, 400'000,
                    {position("NVDA", 10, 150), position("SPY", 10, 600.12),
                     position("BTCUSD", 0.1, 50'000)});
    }
};

void typeInto(QLineEdit* field, const QString& text)
{
    field->setFocus();
    field->selectAll();
    QTest::keyClick(field, Qt::Key_Backspace);
    QTest::keyClicks(field, text);
}

} // namespace

class TestUiTrader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void whatIfPriceFollowsTheSymbol();
    void whatIfEmptyPriceOfAHeldSymbolUsesItsLast();
    void switchShowsTheStoreModeApartFromThisWindowsLock();
    void botWhoseEnvironmentLocksTheModeIsNamed();
    void staleBannerUntilAReadSucceeds();
    void movedOrReplacedStoreFileIsStale();
    void storeErrorsInTradersWords_data();
    void storeErrorsInTradersWords();
    void haltKeepsItsPlaceWhenTheModeFlips();
    void firstGeometryFitsTheScreen();
    void failedRebuildWrapsStaysAndNeverResizes();
    void settingsSpeakInUnitsAndRanges();
    void rowsLeftOutAreNamedUnderTheBook();
};

void TestUiTrader::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings of the window stay out of $HOME
}

// Item 1: NVDA sized at a typed 300, then SPY: SPY must be sized at its own last price.
void TestUiTrader::whatIfPriceFollowsTheSymbol()
{
    Desk desk;
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    typeInto(form->symbolEdit(), QStringLiteral("NVDA"));
    typeInto(form->priceEdit(), QStringLiteral("300"));
    QTest::keyClick(form->priceEdit(), Qt::Key_Return);
    QCOMPARE(form->priceEdit()->text(), QStringLiteral("300"));
    QLabel* source = desk.label("whatIfPriceSource");
    QVERIFY(source);
    QCOMPARE(source->text(), QStringLiteral("typed"));
    // 60% x 100,000 - 1,500 held = 58,500 x 4 = 234,000 of room at 300 -> 780 shares.
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("780 shares"));

    typeInto(form->symbolEdit(), QStringLiteral("spy"));
    QTest::keyClick(form->symbolEdit(), Qt::Key_Return);
    QCOMPARE(form->priceEdit()->text(), QStringLiteral("600.12"));
    QCOMPARE(source->text(), QStringLiteral("last 600.12"));
    // (60,000 - 6,001.20) x 4 = 215,995.20 at 600.12 -> 359 shares, not 719 at 300.
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("359 shares"));

    // Back to NVDA: the 300 was typed for NVDA but replaced since; NVDA's last price now.
    typeInto(form->symbolEdit(), QStringLiteral("NVDA"));
    QTest::keyClick(form->symbolEdit(), Qt::Key_Return);
    QCOMPARE(form->priceEdit()->text(), QStringLiteral("150.00"));

    // A price typed for NVDA never sizes a symbol without a last price either.
    typeInto(form->priceEdit(), QStringLiteral("300"));
    typeInto(form->symbolEdit(), QStringLiteral("AMD"));
    QVERIFY(!form->calculate());
    QVERIFY(form->priceEdit()->text().isEmpty());
    QVERIFY2(form->fieldError(form->priceEdit()).contains(QStringLiteral("not held")),
             qPrintable(form->fieldError(form->priceEdit())));

    // A price typed for the symbol itself stays.
    typeInto(form->priceEdit(), QStringLiteral("120"));
    QVERIFY(form->calculate());
    QCOMPARE(form->priceEdit()->text(), QStringLiteral("120"));
    QCOMPARE(source->text(), QStringLiteral("typed"));
}

// Item 1: the placeholder promises the last price for an empty field.
void TestUiTrader::whatIfEmptyPriceOfAHeldSymbolUsesItsLast()
{
    Desk desk;
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("BTCUSD"));
    form->priceEdit()->clear();
    QVERIFY(form->calculate());
    QVERIFY(form->fieldError(form->priceEdit()).isEmpty());
    QCOMPARE(desk.label("whatIfPriceSource")->text(), QStringLiteral("last 50,000.00"));
    // (60,000 - 5,000) x 1 at 50,000 -> 1.1 units.
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("1.100 units"));
}

// Item 2: this window runs with USE_ENHANCED_KELLY_SIZING=false, the store says enhanced:
// the switch shows (and can change) the store's mode; the window's lock is shown apart.
void TestUiTrader::switchShowsTheStoreModeApartFromThisWindowsLock()
{
    Desk desk({{QStringLiteral("USE_ENHANCED_KELLY_SIZING"), QStringLiteral("false")}});
    desk.openWindow();
    QAction* toggle = desk.window->modeSwitch()->toggleAction();
    QVERIFY(toggle->isEnabled());
    QCOMPARE(toggle->text(), QStringLiteral("Enhanced: Kelly 50% @ 4x"));
    QLabel* note = desk.label("modeNote");
    QVERIFY(note);
    QVERIFY2(note->text().contains(QStringLiteral("USE_ENHANCED_KELLY_SIZING=false")),
             qPrintable(note->text()));
    // Issue 26 item 4: every line of the note shows, and the title says the store's mode
    // with this window's own apart.
    QApplication::processEvents();
    QVERIFY2(note->height() >= note->heightForWidth(note->width()),
             qPrintable(QStringLiteral("%1 high, needs %2 for: %3")
                            .arg(note->height())
                            .arg(note->heightForWidth(note->width()))
                            .arg(note->text())));
    QVERIFY2(desk.window->windowTitle().endsWith(
                 QStringLiteral("enhanced sizing (this window's what-if: legacy)")),
             qPrintable(desk.window->windowTitle()));

    QSignalSpy switched(desk.window->modeSwitch(), &ModeSwitch::switched);
    toggle->trigger();
    // Issue 12 item 8: written on the session's worker; the outcome comes by signal.
    QTRY_COMPARE_WITH_TIMEOUT(switched.count(), 1, 10'000);
    QString stored, error;
    QVERIFY(desk.store.readSetting(store::SettingKey::Mode, &stored, &error));
    QCOMPARE(stored, QStringLiteral("legacy"));
    QTRY_COMPARE_WITH_TIMEOUT(toggle->text(), QStringLiteral("Legacy sizing (rolled back)"),
                              10'000);

    // Halt and Resume come back to the store's mode, and say so.
    QAction* halt = desk.window->haltSwitch()->action();
    halt->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(desk.session->state().settings.halted(), 10'000);
    switched.clear();
    QSignalSpy resumed(desk.window->haltSwitch(), &HaltSwitch::switched);
    halt->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(resumed.count(), 1, 10'000);
    QVERIFY2(resumed.first().at(0).toString().contains(QStringLiteral("legacy")),
             qPrintable(resumed.first().at(0).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(toggle->text(), QStringLiteral("Legacy sizing (rolled back)"),
                              10'000);
    toggle->trigger(); // back to enhanced in the store, whatever this window's variable says
    QTRY_VERIFY_WITH_TIMEOUT(!desk.window->modeSwitch()->switching(), 10'000);
    QVERIFY(desk.store.readSetting(store::SettingKey::Mode, &stored, &error));
    QCOMPARE(stored, QStringLiteral("enhanced"));
}

// Item 2: after `kellyctl mode legacy`, `USE_ENHANCED_KELLY_SIZING=true kellyctl size` is
// recorded as enhanced; the dashboard names that bot as ignoring the switch.
void TestUiTrader::botWhoseEnvironmentLocksTheModeIsNamed()
{
    Desk desk;
    desk.openWindow();
    const KellyctlRunner kellyctl(desk.path);
    QCOMPARE(kellyctl.run(args({"mode", "legacy"})).exitCode, 0);
    QCOMPARE(kellyctl.run(args({"size", "NVDA", "150"})).exitCode, 0);
    QLabel* note = desk.label("modeNote");
    QVERIFY(note);
    QTRY_VERIFY_WITH_TIMEOUT(note->text().contains(QStringLiteral("legacy")), 10'000);
    QVERIFY2(!note->text().contains(QStringLiteral("ignores")), qPrintable(note->text()));

    const KellyctlRun locked = kellyctl.run(args({"size", "NVDA", "150", "--json"}),
                                            envWith({{"USE_ENHANCED_KELLY_SIZING", "true"}}));
    QCOMPARE(locked.exitCode, 0);
    QVERIFY2(locked.out.contains(QStringLiteral("enhanced")), qPrintable(locked.out));
    QTRY_VERIFY_WITH_TIMEOUT(
        note->text().contains(QStringLiteral("ignores the switch (USE_ENHANCED_KELLY_SIZING set)")),
        10'000);
    QVERIFY2(note->text().contains(QStringLiteral("cli@")), qPrintable(note->text()));
    // Issue 26 item 4: the warning adds to what the bots did, it does not replace it.
    QVERIFY2(note->text().contains(QStringLiteral("Bots' last calls:")), qPrintable(note->text()));
    const QString origin =
        desk.window->decisionsModel()->index(0, DecisionsModel::Origin).data().toString();
    QVERIFY2(origin.contains(QStringLiteral("environment")), qPrintable(origin));

    // The switch no longer promises that every bot's next call follows it.
    QSignalSpy switched(desk.window->modeSwitch(), &ModeSwitch::switched);
    desk.window->modeSwitch()->toggleAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(switched.count(), 1, 10'000);
    QVERIFY2(switched.first().at(0).toString().contains(QStringLiteral("ignores the switch")),
             qPrintable(switched.first().at(0).toString()));

    // The same bot without the variable follows the switch again: the warning goes.
    QCOMPARE(kellyctl.run(args({"size", "NVDA", "150"})).exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!note->text().contains(QStringLiteral("ignores")), 10'000);
}

// Item 8: a store error leaves a persistent banner and faded figures until a read succeeds.
void TestUiTrader::staleBannerUntilAReadSucceeds()
{
    Desk desk;
    desk.openWindow();
    QLabel* banner = desk.label("staleBanner");
    QVERIFY(banner);
    QVERIFY(banner->isHidden());

    desk.execSql(QStringLiteral("ALTER TABLE positions RENAME TO positions_away"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10'000);
    QVERIFY2(banner->text().startsWith(QStringLiteral("Store unreachable since 11:00:00 ET")),
             qPrintable(banner->text()));
    // Issue 26 item 3: said in a trader's words; the driver's text waits behind Details.
    auto* stale = desk.window->findChild<StaleBanner*>();
    QVERIFY(stale);
    QVERIFY2(!banner->text().contains(QStringLiteral("no such table")) &&
                 !banner->text().contains(QStringLiteral("\\x")),
             qPrintable(banner->text()));
    QVERIFY2(stale->details().contains(QStringLiteral("positions")), qPrintable(stale->details()));
    auto* details = desk.window->findChild<QToolButton*>(QStringLiteral("staleDetailsButton"));
    QVERIFY(details && details->isVisible());
    QCOMPARE(details->toolTip(), stale->details());
    // The strip sits above the tabs: the page and its table headers stay uncovered.
    const QWidget* page = desk.window->book()->table();
    QVERIFY(stale->mapTo(desk.window.get(), QPoint(0, stale->height())).y() <=
            page->mapTo(desk.window.get(), QPoint(0, 0)).y());
    auto* veil = desk.window->findChild<QWidget*>(QStringLiteral("staleVeil"));
    QVERIFY(veil && veil->isVisible());
    QVERIFY(veil->geometry().contains(desk.window->header()->geometry()));
    // Still there long after a status-bar message would have gone, and over the clock's ticks.
    desk.clock.set(kWednesday1100 + seconds(30));
    QTest::qWait(1500);
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().contains(QStringLiteral("11:00:00 ET")));

    desk.execSql(QStringLiteral("ALTER TABLE positions_away RENAME TO positions"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isHidden(), 10'000);
    QVERIFY(veil->isHidden());
}

// Issue 26 item 2: a store file moved away, or replaced at its path, is not live: the
// window's connections keep reading the old file, so the path's identity is what tells.
// Nothing in the window creates a new store where the file was.
void TestUiTrader::movedOrReplacedStoreFileIsStale()
{
    Desk desk;
    if (desk.store.isPostgres())
        QSKIP("a SQLite store file only");
    QSignalSpy loaded(desk.session.get(), &DeskSession::stateChanged);
    desk.openWindow();
    QTRY_VERIFY(loaded.size() >= 2); // the worker read the file once: it holds it open
    QLabel* banner = desk.label("staleBanner");
    QVERIFY(banner && banner->isHidden());
    auto* stale = desk.window->findChild<StaleBanner*>();
    QVERIFY(stale);

    const QString moved = desk.path + QStringLiteral(".moved");
    QVERIFY(QFile::rename(desk.path, moved));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10'000);
    QVERIFY2(stale->details().contains(QStringLiteral("moved")), qPrintable(stale->details()));
    QVERIFY2(banner->text().contains(QStringLiteral("moved")), qPrintable(banner->text()));
    QTest::qWait(2000); // polls, the close plan and the clock's ticks
    QVERIFY2(!QFileInfo::exists(desk.path), "the window made a new store where the file was");
    QVERIFY(banner->isVisible());

    // Back where it was: live again.
    QVERIFY(QFile::rename(moved, desk.path));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isHidden(), 10'000);

    // Replaced by a copy (a restored backup): another file at the path, not the one read.
    QVERIFY(QFile::rename(desk.path, moved));
    QVERIFY(QFile::copy(moved, desk.path));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10'000);
    QVERIFY2(stale->details().contains(QStringLiteral("replaced")), qPrintable(stale->details()));
}

// Issue 26 item 3: what the drivers said during the second hour, in a trader's words.
void TestUiTrader::storeErrorsInTradersWords_data()
{
    QTest::addColumn<QString>("driver");
    QTest::addColumn<QString>("words");
    QTest::newRow("sqlite lock")
        << QStringLiteral("locking protocol Unable to fetch row [PRAGMA data_version]\tx")
        << QStringLiteral("another program holds the store locked");
    QTest::newRow("file gone") << QStringLiteral("unable to open database file")
                               << QStringLiteral("the store file is missing");
    QTest::newRow("server down")
        << QStringLiteral("could not connect to server: Connection refused Is the server running "
                          "on host \"db\" and accepting TCP/IP connections?.")
        << QStringLiteral("the database server does not answer");
    QTest::newRow("login") << QStringLiteral("FATAL: password authentication failed for user bot")
                           << QStringLiteral("the database server refused this login");
}

void TestUiTrader::storeErrorsInTradersWords()
{
    QFETCH(QString, driver);
    QFETCH(QString, words);
    QVERIFY2(StaleBanner::inTraderWords(driver).startsWith(words),
             qPrintable(StaleBanner::inTraderWords(driver)));
    StaleBanner banner;
    banner.setError(QStringLiteral("11:00:00 ET"), driver);
    QVERIFY(banner.text().contains(words));
    QVERIFY2(!banner.details().contains(QStringLiteral("\\x")), qPrintable(banner.details()));
}

// Item 4: the Undo's longer text after a flip must not slide the emergency button.
void TestUiTrader::haltKeepsItsPlaceWhenTheModeFlips()
{
    Desk desk;
    desk.openWindow();
    auto* halt = desk.window->findChild<QToolButton*>(QStringLiteral("haltButton"));
    QVERIFY(halt);
    const QPoint before = halt->mapTo(desk.window.get(), QPoint(0, 0));
    desk.window->modeSwitch()->toggleAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(desk.window->modeSwitch()->undoAction()->isEnabled(), 10'000);
    QApplication::processEvents();
    QCOMPARE(halt->mapTo(desk.window.get(), QPoint(0, 0)), before);
}

// Item 6: the first geometry never exceeds the screen's available area (or, on a screen
// smaller than any usable dashboard, the window's own minimum).
void TestUiTrader::firstGeometryFitsTheScreen()
{
    Desk desk;
    desk.openWindow();
    const QRect available = desk.window->screen()->availableGeometry();
    const QSize limit = available.size().expandedTo(desk.window->minimumSizeHint());
    QVERIFY2(desk.window->width() <= limit.width() && desk.window->height() <= limit.height(),
             qPrintable(QStringLiteral("%1x%2 on %3x%4")
                            .arg(desk.window->width())
                            .arg(desk.window->height())
                            .arg(available.width())
                            .arg(available.height())));
    QVERIFY(desk.window->width() < 1440); // the fixed first size of before
}

// Item 5: a price file with a duplicate date: the error wraps, survives reloads and ticks,
// replaces any "rebuilt" message, and the window keeps its size.
void TestUiTrader::failedRebuildWrapsStaysAndNeverResizes()
{
    Desk desk;
    desk.openWindow();
    desk.window->selectTab(QStringLiteral("correlation"));
    QTemporaryDir prices;
    QFile file(prices.filePath(QStringLiteral("DUPLICATEDATESYMBOL.csv")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("date,close\n2026-01-02,10\n2026-01-05,11\n2026-01-05,12\n");
    file.close();
    const QSize before = desk.window->size();
    desk.window->rebuildCorrelationFrom(prices.path());
    CorrelationPanel* panel = desk.window->correlation();
    QTRY_VERIFY_WITH_TIMEOUT(!panel->rebuildError().isEmpty(), 10'000);
    QVERIFY2(panel->rebuildError().contains(QStringLiteral("DUPLICATEDATESYMBOL.csv")),
             qPrintable(panel->rebuildError()));
    QVERIFY(!desk.window->statusMessageText().contains(QStringLiteral("rebuilt")));
    QApplication::processEvents();
    QCOMPARE(desk.window->size(), before);

    // Another process writes (a live store reloads) and the clock ticks: the error stays.
    QString error;
    QVERIFY(desk.store.setAccount(101'000, 404'000, desk.clock.now(), &error));
    QTRY_COMPARE_WITH_TIMEOUT(desk.session->state().account.account.equityUsd, 101'000.0, 10'000);
    QTest::qWait(1200);
    QVERIFY(!panel->rebuildError().isEmpty());
    QCOMPARE(desk.window->size(), before);
}

// Item 3: each setting shows its unit, meaning and allowed values next to the field.
void TestUiTrader::settingsSpeakInUnitsAndRanges()
{
    Desk desk;
    desk.openWindow();
    SettingsDialog dialog(*desk.session, desk.window.get());
    auto* help = dialog.findChild<QLabel*>(QStringLiteral("settingHelp_leverage_cost_annual"));
    QVERIFY(help);
    QVERIFY2(help->text().contains(QStringLiteral("0.065")) &&
                 help->text().contains(QStringLiteral("Allowed")),
             qPrintable(help->text()));
    QVERIFY(!dialog.findChildren<QLabel*>().isEmpty());
    bool unitShown = false;
    for (const QLabel* label : dialog.findChildren<QLabel*>())
        unitShown = unitShown || label->text() == QStringLiteral("fraction per year");
    QVERIFY(unitShown);

    // A refused value: the message is shown in full, and the field keeps its height.
    QLineEdit* rate = dialog.field(store::SettingKey::LeverageCostAnnual);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const int height = rate->height();
    rate->setText(QStringLiteral("-1"));
    QVERIFY(!dialog.apply());
    QApplication::processEvents();
    const QString shown = dialog.fieldError(store::SettingKey::LeverageCostAnnual);
    QVERIFY(!shown.isEmpty());
    QVERIFY(rate->height() >= height);
    auto* errorLabel =
        dialog.findChild<QLabel*>(QStringLiteral("settingError_leverage_cost_annual"));
    QVERIFY(errorLabel);
    QVERIFY(errorLabel->height() >= errorLabel->heightForWidth(errorLabel->width()));
}

// Issue 24 item 10: a snapshot stored before schema 12 with an impossible date no longer
// fails the whole read: the figures show, and the row is named under the book.
void TestUiTrader::rowsLeftOutAreNamedUnderTheBook()
{
    Desk desk;
    desk.execSql(kelly::testing::onPostgres()
                     ? QStringLiteral("ALTER TABLE snapshots DROP CONSTRAINT snapshots_rule_5")
                     : QStringLiteral("DROP TRIGGER snapshots_calendar_insert"));
    desk.execSql(QStringLiteral("INSERT INTO snapshots (observed_at, portfolio_value_usd,"
                                " equity_usd, gross_usd) VALUES ('2026-11-31T15:00:00Z',"
                                " 100000, 100000, 0)"));
    desk.openWindow();
    QLabel* note = desk.window->book()->leftOutNote();
    QTRY_VERIFY_WITH_TIMEOUT(note->isVisible(), 10000);
    QVERIFY2(note->text().contains(QLatin1String("snapshots row '2026-11-31T15:00:00Z'")),
             qPrintable(note->text()));
    QCOMPARE(desk.window->book()->table()->model()->rowCount(), 3);
    desk.execSql(QStringLiteral("DELETE FROM snapshots WHERE observed_at LIKE '2026-11-31%'"));
    QTRY_VERIFY_WITH_TIMEOUT(!note->isVisible(), 10000);
}

QTEST_MAIN(TestUiTrader)
#include "tst_ui_trader.moc"
