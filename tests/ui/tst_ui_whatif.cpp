// The what-if form on the real MainWindow over a temporary store: the SPEC 8 examples, the
// figures following the book while the trader edits, a late refresh of an older order
// dropped, bad input flagged at its field.

#include "DeskFixture.h"
#include "WhatIfPanel.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace kelly;
using namespace kelly::ui;
using namespace std::chrono;

namespace {

// Friday 2026-11-27, 15:45 in New York (EST, UTC-5), as the window suite.
const UtcTime kFriday1545 = sys_days{2026y / November / 27} + hours(20) + minutes(45);

struct Desk : ui::testing::DeskFixture
{
    Desk() : DeskFixture(kFriday1545) {}
};

using ui::testing::position;

} // namespace

class TestUiWhatIf : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void whatIfShowsSpecExamples_data();
    void whatIfShowsSpecExamples();
    void whatIfShowsTheKellyMultipleAndItsOdds_data();
    void whatIfShowsTheKellyMultipleAndItsOdds();
    void whatIfFollowsTheBookWhileEditing();
    void whatIfDropsARefreshOfAnOlderOrder();
    void whatIfLastPriceFollowsTheMarks();
    void whatIfFlagsInvalidInput_data();
    void whatIfFlagsInvalidInput();
};

void TestUiWhatIf::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings of the window stay out of $HOME
}

void TestUiWhatIf::whatIfShowsSpecExamples_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("price");
    QTest::addColumn<QString>("mu");
    QTest::addColumn<QString>("sigma");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("qty");
    QTest::addColumn<QString>("binding");
    const int enhanced = static_cast<int>(SizingMode::Enhanced);
    const int legacy = static_cast<int>(SizingMode::Legacy);
    const QString none;
    QTest::newRow("enhanced NVDA @ 150") << "NVDA"
                                         << "150" << none << none << enhanced << "1,600 shares"
                                         << "symbol cap";
    QTest::newRow("enhanced BTCUSD @ 50,000")
        << "BTC/USD"
        << "50,000" << none << none << enhanced << "1.200 units"
        << "symbol cap";
    QTest::newRow("enhanced NVDA mu .001 sigma .02") << "NVDA"
                                                     << "150"
                                                     << "0.001"
                                                     << "0.02" << enhanced << "1,600 shares"
                                                     << "symbol cap";
    QTest::newRow("enhanced NVDA mu .0002 sigma .02") << "NVDA"
                                                      << "150"
                                                      << "0.0002"
                                                      << "0.02" << enhanced << "666 shares"
                                                      << "kelly";
    QTest::newRow("legacy NVDA @ 150") << "NVDA"
                                       << "150" << none << none << legacy << "800 shares"
                                       << "symbol cap";
    QTest::newRow("legacy BTCUSD @ 50,000") << "BTCUSD"
                                            << "50000" << none << none << legacy << "1.200 units"
                                            << "symbol cap";
}

void TestUiWhatIf::whatIfShowsSpecExamples()
{
    QFETCH(QString, symbol);
    QFETCH(QString, price);
    QFETCH(QString, mu);
    QFETCH(QString, sigma);
    QFETCH(int, mode);
    QFETCH(QString, qty);
    QFETCH(QString, binding);
    Desk desk; // SPEC 8: E = 100,000, BP = 400,000, no positions, no metrics, defaults
    desk.seedAccount(100'000, 400'000, {});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(symbol);
    form->priceEdit()->setText(price);
    form->muEdit()->setText(mu);
    form->sigmaEdit()->setText(sigma);
    QTest::keyClick(form->priceEdit(), Qt::Key_Return);
    const auto sizingMode = static_cast<SizingMode>(mode);
    QCOMPARE(form->resultText(sizingMode, WhatIfPanel::Qty), qty);
    QCOMPARE(form->resultText(sizingMode, WhatIfPanel::Binding), binding);
    if (symbol == QStringLiteral("NVDA") && sizingMode == SizingMode::Enhanced && mu.isEmpty())
        QCOMPARE(form->resultText(sizingMode, WhatIfPanel::Exposure),
                 QStringLiteral("0.0% \u2192 240.0%"));
}

// SPEC 18 on SPEC 8's rows: c_eff = (qty x p / E) / full and Thorp's odds x^(2/c_eff - 1),
// by hand. NVDA at the cap: 2.4 / 20.16 = 0.119x, 0.5^15.8 and 0.8^15.8; mu .001: 2.4 / 2.5
// = 0.96x, 0.5^1.083 = 47.2%, 0.8^1.083 = 78.5%; mu .0002: 0.999 / 0.5 = 1.998x; at c = 0.1
// the same order is 0.1995 / 0.5 = 0.399x, 0.5^4.01 = 6.2%, 0.8^4.01 = 40.8%.
void TestUiWhatIf::whatIfShowsTheKellyMultipleAndItsOdds_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("price");
    QTest::addColumn<QString>("mu");
    QTest::addColumn<QString>("kellyFraction");
    QTest::addColumn<QString>("enhanced"); // the sentence, the tooltip of the two rows
    QTest::addColumn<QString>("multiple");
    QTest::addColumn<QString>("risk");
    QTest::addColumn<QString>("baseCaption");
    const QString none;
    const QString half = QStringLiteral("Base fraction (half-Kelly)");
    QTest::newRow("NVDA @ 150 at the cap")
        << "NVDA"
        << "150" << none << none
        << "0.12x Kelly: a <0.1% chance to ever halve, 2.9% to ever be 20% down"
        << "0.12x Kelly"
        << "<0.1% / 2.9%" << half;
    QTest::newRow("BTCUSD @ 50,000 at the cap")
        << "BTCUSD"
        << "50000" << none << none
        << "0.12x Kelly: a <0.1% chance to ever halve, 2.9% to ever be 20% down"
        << "0.12x Kelly"
        << "<0.1% / 2.9%" << half;
    QTest::newRow("NVDA mu .001") << "NVDA"
                                  << "150"
                                  << "0.001" << none
                                  << "0.96x Kelly: a 47.2% chance to ever halve, 78.5% to ever be "
                                     "20% down"
                                  << "0.96x Kelly"
                                  << "47.2% / 78.5%" << half;
    QTest::newRow("NVDA mu .0002: Kelly binds at 2x")
        << "NVDA"
        << "150"
        << "0.0002" << none
        << "2.0x Kelly: if the forecast is right, growth is near zero at this size, and a fall "
           "to half is all but certain (>99.9%)"
        << "2.0x Kelly: growth near zero"
        << ">99.9% / >99.9%" << half;
    QTest::newRow("NVDA mu .0002, kelly_fraction 0.1")
        << "NVDA"
        << "150"
        << "0.0002"
        << "0.1"
        << "0.4x Kelly: a 6.2% chance to ever halve, 40.8% to ever be 20% down"
        << "0.4x Kelly"
        << "6.2% / 40.8%"
        << "Base fraction (0.1 x Kelly)";
}

void TestUiWhatIf::whatIfShowsTheKellyMultipleAndItsOdds()
{
    QFETCH(QString, symbol);
    QFETCH(QString, price);
    QFETCH(QString, mu);
    QFETCH(QString, kellyFraction);
    QFETCH(QString, enhanced);
    QFETCH(QString, multiple);
    QFETCH(QString, risk);
    QFETCH(QString, baseCaption);
    Desk desk;
    desk.seedAccount(100'000, 400'000, {});
    if (!kellyFraction.isEmpty()) {
        QString error;
        QVERIFY2(desk.store.writeSetting(store::SettingKey::KellyFraction, kellyFraction,
                                         store::SettingOrigin::Cli, desk.clock.now(), &error),
                 qPrintable(error));
    }
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(symbol);
    form->priceEdit()->setText(price);
    form->muEdit()->setText(mu);
    form->sigmaEdit()->setText(mu.isEmpty() ? QString() : QStringLiteral("0.02"));
    QVERIFY(form->calculate());
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::KellyOdds), multiple);
    QCOMPARE(form->resultText(WhatIfPanel::EnhancedColumn, WhatIfPanel::KellyRisk), risk);
    const auto* kellyLabel =
        desk.window->findChild<QLabel*>(QStringLiteral("whatIf.enhanced.kelly"));
    QVERIFY(kellyLabel);
    QCOMPARE(kellyLabel->toolTip(), enhanced);
    QCOMPARE(form->resultText(WhatIfPanel::LegacyColumn, WhatIfPanel::KellyOdds),
             QStringLiteral("not used by legacy"));
    // Labelled as resting on the forecast; the base caption follows the setting.
    QVERIFY(desk.window->findChild<QLabel*>(QStringLiteral("whatIf.enhanced.kelly")));
    bool captioned = false;
    bool baseNamed = false;
    for (const QLabel* label : form->findChildren<QLabel*>()) {
        captioned |= label->text() == QStringLiteral("Kelly multiple, if the forecast is right");
        baseNamed |= label->text() == baseCaption;
    }
    QVERIFY(captioned);
    QVERIFY(baseNamed);
}

void TestUiWhatIf::whatIfFollowsTheBookWhileEditing()
{
    Desk desk;
    desk.seedAccount(100'000, 400'000, {});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("NVDA"));
    form->priceEdit()->setText(QStringLiteral("150"));
    QVERIFY(form->calculate());
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("1,600 shares"));

    // The trader starts typing a new price while the bot buys 200 NVDA elsewhere: the
    // figures follow the book (room left (60,000 - 30,000) x 4), the half-typed field is not
    // flagged.
    form->priceEdit()->clear();
    QString error;
    QVERIFY(desk.store.setPosition(position("NVDA", 200, 150), desk.clock.now(), &error));
    QTRY_COMPARE_WITH_TIMEOUT(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
                              QStringLiteral("800 shares"), 10'000);
    QVERIFY(!form->priceEdit()->property("invalid").toBool());
}

// Issue 26 item 2: a price filled in from the book's last follows `kellyctl price`: the
// field, its "last" note and the figures kept current are valued at the new mark.
void TestUiWhatIf::whatIfLastPriceFollowsTheMarks()
{
    Desk desk;
    desk.seedAccount(100'000, 400'000, {position("NVDA", 200, 150)});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("NVDA"));
    form->priceEdit()->clear();
    QVERIFY(form->calculate());
    QCOMPARE(form->priceEdit()->text(), QStringLiteral("150.00"));
    QString error;
    bool found = false;
    QVERIFY(desk.store.markPrice(QStringLiteral("NVDA"), 200.0, desk.clock.now(), &found, &error));
    QVERIFY(found);
    QTRY_COMPARE_WITH_TIMEOUT(form->priceEdit()->text(), QStringLiteral("200.00"), 10'000);
    QCOMPARE(desk.label("whatIfPriceSource")->text(), QStringLiteral("last 200.00"));
    // The figures shown are valued at 200: value = quantity x 200.
    const auto number = [](QString text) {
        text.remove(QLatin1Char(',')).remove(QLatin1Char('$'));
        return text.section(QLatin1Char(' '), 0, 0).toDouble();
    };
    QTRY_VERIFY_WITH_TIMEOUT(number(form->resultText(SizingMode::Enhanced, WhatIfPanel::Value)) ==
                                 number(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty)) *
                                     200.0,
                             10'000);
    QVERIFY(number(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty)) > 0.0);
}

// Issue 7: the refresh on a new state sizes on the worker; when the trader sizes another
// order meanwhile, the late refresh of the old one must not overwrite it.
void TestUiWhatIf::whatIfDropsARefreshOfAnOlderOrder()
{
    Desk desk;
    desk.seedAccount(100'000, 400'000, {position("NVDA", 200, 150)});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(QStringLiteral("NVDA"));
    form->priceEdit()->setText(QStringLiteral("150"));
    QVERIFY(form->calculate()); // room left (60,000 - 30,000) x 4 = 120,000
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("800 shares"));

    QSignalSpy refreshed(desk.session.get(), &DeskSession::dryRunsSized);
    QString error;
    QVERIFY2(desk.session->reload(&error), qPrintable(error)); // re-sizes NVDA @ 150 later
    form->priceEdit()->setText(QStringLiteral("100"));
    QVERIFY(form->calculate());
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("1,200 shares"));
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() > 0, 10'000);
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty),
             QStringLiteral("1,200 shares"));
}

void TestUiWhatIf::whatIfFlagsInvalidInput_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("price");
    QTest::addColumn<QString>("sigma");
    QTest::addColumn<QString>("field");
    QTest::newRow("price not a number") << "NVDA"
                                        << "abc"
                                        << ""
                                        << "whatIfPrice";
    QTest::newRow("price zero") << "NVDA"
                                << "0"
                                << ""
                                << "whatIfPrice";
    QTest::newRow("price negative") << "NVDA"
                                    << "-5"
                                    << ""
                                    << "whatIfPrice";
    QTest::newRow("price nan") << "NVDA"
                               << "nan"
                               << ""
                               << "whatIfPrice";
    QTest::newRow("price inf") << "NVDA"
                               << "inf"
                               << ""
                               << "whatIfPrice";
    QTest::newRow("price missing") << "NVDA"
                                   << ""
                                   << ""
                                   << "whatIfPrice";
    QTest::newRow("sigma negative") << "NVDA"
                                    << "150"
                                    << "-0.1"
                                    << "whatIfSigma";
    QTest::newRow("symbol missing") << ""
                                    << "150"
                                    << ""
                                    << "whatIfSymbol";
    QTest::newRow("symbol garbage") << "$$$"
                                    << "150"
                                    << ""
                                    << "whatIfSymbol";
}

void TestUiWhatIf::whatIfFlagsInvalidInput()
{
    QFETCH(QString, symbol);
    QFETCH(QString, price);
    QFETCH(QString, sigma);
    QFETCH(QString, field);
    Desk desk;
    desk.seedAccount(100'000, 400'000, {});
    desk.openWindow();
    WhatIfPanel* form = desk.window->whatIf();
    form->symbolEdit()->setText(symbol);
    form->priceEdit()->setText(price);
    form->sigmaEdit()->setText(sigma);
    QVERIFY(!form->calculate());
    auto* flagged = form->findChild<QLineEdit*>(field);
    QVERIFY(flagged);
    QVERIFY(flagged->property("invalid").toBool());
    QVERIFY(!form->fieldError(flagged).isEmpty());
    QCOMPARE(form->resultText(SizingMode::Enhanced, WhatIfPanel::Qty), QString(QChar(0x2014)));
}

QTEST_MAIN(TestUiWhatIf)
#include "tst_ui_whatif.moc"
