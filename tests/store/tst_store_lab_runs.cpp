// Issue 15: sizing-lab runs in the store (schema 5). A run round-trips with its settings,
// metrics (absent stays absent) and curves; a non-finite figure is refused and nothing is
// written; the list is newest first and carries no curves.

#include "Store.h"
#include "StoreTestSupport.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>

using namespace kelly;
using namespace kelly::store;

namespace {

LabRunRecord sampleRun()
{
    LabRunRecord run;
    run.ranAt = testing::utc(2026, 11, 30, 23, 0);
    run.pricesDir = QStringLiteral("/data/prices");
    run.symbols = {"BTCUSD", "NVDA"};
    run.fromDate = "2024-01-05";
    run.toDate = "2024-01-08";
    run.startingEquityUsd = 100000.0;
    run.costBps = 5.0;
    run.lookback = 60;
    run.settings.limits.intradayLeverage = 3.0;
    run.settings.financingRateAnnual = 0.08;
    run.annualizationDays = 365;
    lab::MethodRun enhanced;
    enhanced.method = lab::Method::Enhanced;
    enhanced.curve = {{"2024-01-05", 99900.0, 200000.0, -100100.0, 0.0, 100.0},
                      {"2024-01-08", 119771.9, 0.0, 119771.9, 54.2, 110.0}};
    enhanced.metrics.totalReturn = 0.197719;
    enhanced.metrics.sharpe = std::nullopt;
    enhanced.metrics.maxDrawdown = -0.001;
    enhanced.metrics.finalEquityUsd = 119771.9;
    enhanced.metrics.costsUsd = 210.0;
    enhanced.metrics.longestDrawdownDays = 3;
    enhanced.tradedValueUsd = 420000.0;
    lab::MethodRun equal = enhanced;
    equal.method = lab::Method::EqualWeight;
    equal.metrics.ruinedOn = "2024-01-08";
    run.runs = {enhanced, equal};
    return run;
}

} // namespace

class TestStoreLabRuns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrips();
    void refusesNonFiniteFigures();
    void roundTripsCurvesAcrossInsertChunks();
    void aFinishedRunIsRecordedWithItsInputsAndSpan();
};

void TestStoreLabRuns::roundTrips()
{
    QTemporaryDir dir;
    Store store;
    QString error;
    const QString name = testing::newStoreName(dir.path(), QStringLiteral("s.sqlite"), &error);
    QVERIFY2(store.open(name, &error), qPrintable(error));
    qint64 first = 0, second = 0;
    QVERIFY2(store.saveLabRun(sampleRun(), &first, &error), qPrintable(error));
    QVERIFY2(store.saveLabRun(sampleRun(), &second, &error), qPrintable(error));
    std::vector<LabRunRecord> list;
    QVERIFY2(store.loadLabRuns(&list, 0, &error), qPrintable(error));
    QCOMPARE(list.size(), size_t(2));
    QCOMPARE(list[0].id, second); // newest first
    QVERIFY(list[0].runs[0].curve.empty());
    std::optional<LabRunRecord> loaded;
    QVERIFY2(store.loadLabRun(first, &loaded, &error), qPrintable(error));
    QVERIFY(loaded);
    QCOMPARE(loaded->settings.limits.intradayLeverage, 3.0);
    QCOMPARE(loaded->settings.financingRateAnnual, 0.08);
    QCOMPARE(loaded->symbols, (std::vector<std::string>{"BTCUSD", "NVDA"}));
    QCOMPARE(loaded->annualizationDays, 365);
    QCOMPARE(loaded->runs.size(), size_t(2));
    QCOMPARE(loaded->runs[1].method, lab::Method::EqualWeight);
    QCOMPARE(loaded->runs[1].metrics.ruinedOn, std::optional<std::string>("2024-01-08"));
    QVERIFY(!loaded->runs[0].metrics.sharpe);
    QCOMPARE(*loaded->runs[0].metrics.maxDrawdown, -0.001);
    QCOMPARE(loaded->runs[0].curve.size(), size_t(2));
    QCOMPARE(loaded->runs[0].curve[1].financingUsd, 54.2);
    QCOMPARE(loaded->runs[0].curve[0].cashUsd, -100100.0);
    std::optional<LabRunRecord> missing;
    QVERIFY(store.loadLabRun(999, &missing, &error));
    QVERIFY(!missing);
}

void TestStoreLabRuns::refusesNonFiniteFigures()
{
    QTemporaryDir dir;
    Store store;
    QString error;
    const QString name = testing::newStoreName(dir.path(), QStringLiteral("s.sqlite"), &error);
    QVERIFY2(store.open(name, &error), qPrintable(error));
    LabRunRecord bad = sampleRun();
    bad.runs[1].curve[1].equityUsd = std::nan("");
    QVERIFY(!store.saveLabRun(bad, nullptr, &error));
    QVERIFY(error.contains(QStringLiteral("not finite")));
    bad = sampleRun();
    bad.runs[0].metrics.sharpe = std::numeric_limits<double>::infinity();
    QVERIFY(!store.saveLabRun(bad, nullptr, &error));
    std::vector<LabRunRecord> list;
    QVERIFY(store.loadLabRuns(&list, 0, &error));
    QVERIFY(list.empty());
}

// Curve points are written in multi-row chunks: lengths around a chunk's size (and none)
// must come back whole, in order, each figure exact.
void TestStoreLabRuns::roundTripsCurvesAcrossInsertChunks()
{
    QTemporaryDir dir;
    Store store;
    QString error;
    const QString name = testing::newStoreName(dir.path(), QStringLiteral("s.sqlite"), &error);
    QVERIFY2(store.open(name, &error), qPrintable(error));
    LabRunRecord record = sampleRun();
    const std::vector<std::size_t> lengths{0, 1, 63, 64, 65, 129, 200};
    record.runs.assign(lengths.size(), record.runs[0]);
    for (std::size_t r = 0; r < lengths.size(); ++r) {
        record.runs[r].curve.clear();
        for (std::size_t day = 0; day < lengths[r]; ++day) {
            const double x = static_cast<double>(r * 1000 + day);
            const std::string date = "2024-" + std::string(day / 28 % 12 < 9 ? "0" : "") +
                                     std::to_string(day / 28 % 12 + 1) + "-" +
                                     std::string(day % 28 < 9 ? "0" : "") +
                                     std::to_string(day % 28 + 1);
            record.runs[r].curve.push_back(
                {date, 1e5 + x / 3.0, x * 0.1, -x / 7.0, x / 11.0, x / 13.0});
        }
    }
    qint64 id = 0;
    QVERIFY2(store.saveLabRun(record, &id, &error), qPrintable(error));
    std::optional<LabRunRecord> loaded;
    QVERIFY2(store.loadLabRun(id, &loaded, &error), qPrintable(error));
    QVERIFY(loaded);
    QCOMPARE(loaded->runs.size(), lengths.size());
    for (std::size_t r = 0; r < lengths.size(); ++r) {
        const std::vector<lab::CurvePoint>& want = record.runs[r].curve;
        const std::vector<lab::CurvePoint>& got = loaded->runs[r].curve;
        QCOMPARE(got.size(), want.size());
        for (std::size_t day = 0; day < want.size(); ++day) {
            QCOMPARE(got[day].date, want[day].date);
            QCOMPARE(got[day].equityUsd, want[day].equityUsd);
            QCOMPARE(got[day].grossUsd, want[day].grossUsd);
            QCOMPARE(got[day].cashUsd, want[day].cashUsd);
            QCOMPARE(got[day].financingUsd, want[day].financingUsd);
            QCOMPARE(got[day].costsUsd, want[day].costsUsd);
        }
    }
}

QTEST_APPLESS_MAIN(TestStoreLabRuns)
// kellyctl, the Lab tab and the sweep record a finished run through one function: folders
// made absolute (a relative forecast was stored as typed from the tab), an empty forecast
// left empty, the span from the result's calendar, the figures from the options.
void TestStoreLabRuns::aFinishedRunIsRecordedWithItsInputsAndSpan()
{
    lab::LabOptions options;
    options.startingEquityUsd = 250000.0;
    options.costBps = 2.5;
    options.lookback = 40;
    lab::LabSettings settings;
    settings.limits.intradayLeverage = 3.0;
    lab::LabResult result;
    result.symbols = {"AAPL", "BTCUSD"};
    result.calendar = {"2024-01-02", "2024-01-03", "2024-01-04"};
    result.annualizationDays = 365;
    result.runs = sampleRun().runs;
    const UtcTime ranAt = testing::utc(2026, 12, 7, 15, 0);

    const LabRunRecord record = labRunRecord(ranAt, QStringLiteral("prices"),
                                             QStringLiteral("mu.csv"), options, settings, result);
    QCOMPARE(record.ranAt, ranAt);
    QCOMPARE(record.pricesDir, QDir::current().absoluteFilePath(QStringLiteral("prices")));
    QCOMPARE(record.forecastFile, QDir::current().absoluteFilePath(QStringLiteral("mu.csv")));
    QCOMPARE(record.symbols, result.symbols);
    QCOMPARE(record.fromDate, std::string("2024-01-02"));
    QCOMPARE(record.toDate, std::string("2024-01-04"));
    QCOMPARE(record.startingEquityUsd, 250000.0);
    QCOMPARE(record.costBps, 2.5);
    QCOMPARE(record.lookback, 40);
    QCOMPARE(record.settings.limits.intradayLeverage, 3.0);
    QCOMPARE(record.annualizationDays, 365);
    QCOMPARE(record.runs.size(), result.runs.size());
    QCOMPARE(record.runs[1].metrics.ruinedOn, result.runs[1].metrics.ruinedOn);
    QVERIFY(labRunRecord(ranAt, QStringLiteral("/p"), QString(), options, settings, result)
                .forecastFile.isEmpty());
}

#include "tst_store_lab_runs.moc"
