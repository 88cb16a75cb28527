// SPEC 18's sweep in the lab: `enhanced` once per Kelly fraction, named enhanced@c, beside
// (or instead of) the methods asked for, with the look-ahead check, and its bad input.

#include "lab/Lab.h"
#include "risk/PriceFile.h"

#include <QTest>

using namespace kelly;
using namespace kelly::lab;

namespace {

std::vector<PriceSeries> bundled()
{
    const auto loaded = loadPriceFolder(KELLY_SOURCE_DIR "/resources/prices");
    if (!loaded)
        qFatal("%s", loaded.error().describe().c_str());
    return *loaded;
}

QStringList namesOf(const LabResult& result)
{
    QStringList names;
    for (const MethodRun& run : result.runs)
        names << QString::fromStdString(runName(run));
    return names;
}

// Every curve point and metric equal, exactly (the same engine path, the same c).
bool identical(const MethodRun& a, const MethodRun& b)
{
    if (a.curve.size() != b.curve.size())
        return false;
    for (std::size_t i = 0; i < a.curve.size(); ++i) {
        const CurvePoint& p = a.curve[i];
        const CurvePoint& q = b.curve[i];
        if (p.date != q.date || p.equityUsd != q.equityUsd || p.grossUsd != q.grossUsd ||
            p.cashUsd != q.cashUsd || p.financingUsd != q.financingUsd || p.costsUsd != q.costsUsd)
            return false;
    }
    return a.metrics.cagr == b.metrics.cagr && a.metrics.maxDrawdown == b.metrics.maxDrawdown &&
           a.metrics.sharpe == b.metrics.sharpe && a.tradedValueUsd == b.tradedValueUsd;
}

} // namespace

class TestLabKellySweep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void halfEqualsPlainEnhancedAtTheDefault();
    void sweepFollowsItsOwnFractionNotTheStores();
    void sweepAloneRunsOnlyItsFractions();
    void runNamesRoundTrip();
    void badListsNameTheField_data();
    void badListsNameTheField();
    void engineRejectsAFractionOutsideTheRange();
    void lookaheadCoversTheSweep();
};

void TestLabKellySweep::halfEqualsPlainEnhancedAtTheDefault()
{
    LabOptions options;
    options.methods = {Method::Enhanced};
    options.kellyFractions = {0.5};
    const auto result = runLab(bundled(), LabSettings{}, options);
    QVERIFY(result.ok());
    QCOMPARE(namesOf(*result),
             (QStringList{QStringLiteral("enhanced"), QStringLiteral("enhanced@0.5")}));
    QVERIFY(result->runs[0].curve.size() > 300);
    QVERIFY(identical(result->runs[0], result->runs[1]));
}

void TestLabKellySweep::sweepFollowsItsOwnFractionNotTheStores()
{
    // The store's c moves plain enhanced only; enhanced@0.25 is the same under any c, and
    // equals plain enhanced when the store's c is 0.25.
    LabSettings quarter;
    quarter.kellyFraction = 0.25;
    LabSettings tenth;
    tenth.kellyFraction = 0.1;
    LabOptions options;
    options.methods = {Method::Enhanced};
    options.kellyFractions = {0.25};
    const auto atQuarter = runLab(bundled(), quarter, options);
    const auto atTenth = runLab(bundled(), tenth, options);
    QVERIFY(atQuarter.ok() && atTenth.ok());
    QVERIFY(identical(atQuarter->runs[0], atQuarter->runs[1]));
    QVERIFY(identical(atQuarter->runs[1], atTenth->runs[1]));
    QVERIFY(!identical(atTenth->runs[0], atTenth->runs[1]));
}

void TestLabKellySweep::sweepAloneRunsOnlyItsFractions()
{
    LabOptions options;
    options.kellyFractions = {0.125, 1.0};
    const auto result = runLab(bundled(), LabSettings{}, options);
    QVERIFY(result.ok());
    QCOMPARE(namesOf(*result),
             (QStringList{QStringLiteral("enhanced@0.125"), QStringLiteral("enhanced@1")}));
    // A bigger bet trades more: the fraction reached the sizer.
    QVERIFY(result->runs[1].tradedValueUsd > result->runs[0].tradedValueUsd);
}

void TestLabKellySweep::runNamesRoundTrip()
{
    for (const char* name : {"enhanced", "legacy", "equal-weight", "enhanced-corr", "enhanced@0.25",
                             "enhanced@1", "enhanced@0.125"}) {
        MethodRun run;
        QVERIFY2(parseRunName(name, run), name);
        QCOMPARE(runName(run), std::string(name));
    }
    MethodRun run;
    QVERIFY(parseRunName("enhanced@0.25", run));
    QCOMPARE(run.method, Method::Enhanced);
    QCOMPARE(*run.kellyFraction, 0.25);
    QVERIFY(!parseRunName("bogus@0.5", run));
    QVERIFY(!parseRunName("enhanced@", run));
    QVERIFY(!parseRunName("enhanced@x", run));
    QCOMPARE(*parseKellyFractionList("0.125, 0.25,1"), (std::vector<double>{0.125, 0.25, 1.0}));
}

void TestLabKellySweep::badListsNameTheField_data()
{
    QTest::addColumn<QString>("list");
    for (const char* list : {"0", "1.5", "-0.25", "abc", "", "0.5,", "0.25,0.25", "nan", "inf",
                             "0.5x", "0.1234567,0.1234568"})
        QTest::newRow(list) << QString::fromLatin1(list);
}

void TestLabKellySweep::badListsNameTheField()
{
    QFETCH(QString, list);
    const auto parsed = parseKellyFractionList(list.toStdString());
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().field, std::string("kelly-fractions"));
}

void TestLabKellySweep::engineRejectsAFractionOutsideTheRange()
{
    LabOptions options;
    options.kellyFractions = {0.5, 1.25};
    const auto result = runLab(bundled(), LabSettings{}, options);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().field, std::string("kelly-fractions"));
}

void TestLabKellySweep::lookaheadCoversTheSweep()
{
    const std::vector<PriceSeries> prices = bundled();
    LabOptions options;
    options.methods = {Method::EqualWeight};
    options.kellyFractions = {0.25, 1.0};
    const auto full = runLab(prices, LabSettings{}, options);
    QVERIFY(full.ok());
    const auto report = checkLookahead(prices, LabSettings{}, options, *full);
    QVERIFY(report.ok());
    QVERIFY(report->passed());
    QVERIFY(report->datesCompared > 300);
    LabResult tampered = *full;
    tampered.runs[2].curve[7].equityUsd += 1.0;
    const auto caught = checkLookahead(prices, LabSettings{}, options, tampered);
    QVERIFY(caught.ok());
    QVERIFY(!caught->passed());
    QCOMPARE(*caught->firstDifferenceRun, std::string("enhanced@1"));
    QCOMPARE(*caught->firstDifferenceDate, full->calendar[7]);
}

QTEST_APPLESS_MAIN(TestLabKellySweep)
#include "tst_lab_kelly_sweep.moc"
