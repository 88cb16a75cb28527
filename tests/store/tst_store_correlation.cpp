// The correlation write (issue 25): every field of a build reads back as it was saved,
// whether the store packs the pairwise part itself or is handed it packed ahead (kellyctl
// packs it on a second thread while the covariance is repaired), and on SQLite through its
// own statement for the symbol rows.

#include "Store.h"
#include "StoreTestSupport.h"
#include "risk/Correlation.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

namespace {

// A build whose every per-symbol field differs from symbol to symbol and from its
// neighbouring columns, so a value stored in the wrong column or row shows.
CorrelationBuild variedBuild(size_t n)
{
    CorrelationBuild build;
    build.lookback = 120;
    build.shrinkage = 0.125;
    for (size_t i = 0; i < n; ++i) {
        const double x = double(i);
        build.symbols.push_back("SYM" + std::to_string(i));
        build.metrics.push_back(
            VolatilityMetrics{0.2 + 0.01 * x, 0.1 + 0.003 * x,
                              i % 4 == 1 ? std::nullopt : std::optional<double>(-0.5 + 0.17 * x),
                              -0.03 - 0.001 * x, -0.2 - 0.02 * x, 200 + int(i)});
        build.quality.push_back(SymbolQuality{build.symbols.back(), 200 + int(i), int(3 * i + 1),
                                              "2025-01-" + std::to_string(10 + i),
                                              "2026-11-" + std::to_string(10 + i)});
        build.dailyVolatility.push_back(0.015 + 0.001 * x);
    }
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
            const size_t low = std::min(i, j), high = std::max(i, j);
            const bool blank = i != j && (low + high) % 5 == 2;
            build.correlation.push_back(
                i == j  ? std::optional<double>(1.0)
                : blank ? std::nullopt
                        : std::optional<double>(0.9 * std::sin(double(low * n + high))));
            build.observations.push_back(blank ? int(low + high) : 100 + int(low * n + high));
        }
    }
    for (size_t k = 0; k < 2 * n; ++k) // a two-column repair lift, as a gappy build has
        build.covarianceLift.push_back(0.02 * std::cos(double(k)));
    build.covarianceDaily = assembleCovariance(build);
    return build;
}

void compareBuilds(const CorrelationBuild& loaded, const CorrelationBuild& saved)
{
    QCOMPARE(loaded.lookback, saved.lookback);
    QCOMPARE(loaded.shrinkage, saved.shrinkage);
    QCOMPARE(loaded.symbols, saved.symbols);
    QCOMPARE(loaded.correlation, saved.correlation);
    QCOMPARE(loaded.observations, saved.observations);
    QCOMPARE(loaded.dailyVolatility, saved.dailyVolatility);
    QCOMPARE(loaded.covarianceLift, saved.covarianceLift);
    QCOMPARE(loaded.covarianceDaily, saved.covarianceDaily);
    QCOMPARE(loaded.metrics.size(), saved.metrics.size());
    QCOMPARE(loaded.quality.size(), saved.quality.size());
    for (size_t i = 0; i < saved.metrics.size(); ++i) {
        const VolatilityMetrics& a = loaded.metrics[i];
        const VolatilityMetrics& b = saved.metrics[i];
        QCOMPARE(a.annualizedVolatility, b.annualizedVolatility);
        QCOMPARE(a.downsideVolatility, b.downsideVolatility);
        QCOMPARE(a.sharpeRatio, b.sharpeRatio);
        QCOMPARE(a.var95, b.var95);
        QCOMPARE(a.maxDrawdown, b.maxDrawdown);
        QCOMPARE(a.returnsUsed, b.returnsUsed);
        const SymbolQuality& p = loaded.quality[i];
        const SymbolQuality& q = saved.quality[i];
        QCOMPARE(p.symbol, q.symbol);
        QCOMPARE(p.returnsUsed, q.returnsUsed);
        QCOMPARE(p.missing, q.missing);
        QCOMPARE(p.firstDate, q.firstDate);
        QCOMPARE(p.lastDate, q.lastDate);
    }
}

} // namespace

class TestStoreCorrelation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_store.close(); }
    void everyFieldReadsBack();
    void packedAheadStoresTheSameRows();

private:
    QTemporaryDir m_dir;
    QString m_path;
    Store m_store;
};

void TestStoreCorrelation::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_path = testing::newStoreName(
        m_dir.path(), QStringLiteral("%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())),
        &error);
    QVERIFY2(!m_path.isEmpty(), qPrintable(error));
    QFile::remove(m_path);
    QVERIFY2(m_store.open(m_path, &error), qPrintable(error));
}

void TestStoreCorrelation::everyFieldReadsBack()
{
    const CorrelationBuild build = variedBuild(9);
    QString error;
    qint64 id = 0;
    QVERIFY2(m_store.saveCorrelationBuild(build, utc(2026, 11, 25, 15), &id, &error),
             qPrintable(error));
    std::optional<StoredCorrelationBuild> loaded;
    QVERIFY2(m_store.loadLatestCorrelationBuild(&loaded, &error), qPrintable(error));
    QVERIFY(loaded);
    QCOMPARE(loaded->id, id);
    compareBuilds(loaded->build, build);
    std::optional<VolatilityMetrics> metrics;
    QVERIFY2(m_store.loadLatestMetrics(QStringLiteral("SYM5"), &metrics, &error),
             qPrintable(error));
    QVERIFY(metrics);
    QCOMPARE(metrics->var95, build.metrics[5].var95);
    QCOMPARE(metrics->returnsUsed, 205);
}

void TestStoreCorrelation::packedAheadStoresTheSameRows()
{
    const CorrelationBuild build = variedBuild(9);
    // As kellyctl does: packed from the build before its repair filled the covariance.
    CorrelationBuild beforeRepair = build;
    beforeRepair.covarianceLift.clear();
    beforeRepair.covarianceDaily.clear();
    const PackedCorrelation ahead = packCorrelation(beforeRepair);
    const PackedCorrelation otherSize = packCorrelation(variedBuild(4)); // not used for 9
    QString error;
    for (const PackedCorrelation* packed :
         {static_cast<const PackedCorrelation*>(nullptr), &ahead, &otherSize}) {
        QVERIFY2(
            m_store.saveCorrelationBuild(build, utc(2026, 11, 25, 15), nullptr, &error, packed),
            qPrintable(error));
        std::optional<StoredCorrelationBuild> loaded;
        QVERIFY2(m_store.loadLatestCorrelationBuild(&loaded, &error), qPrintable(error));
        QVERIFY(loaded);
        compareBuilds(loaded->build, build);
    }
    // The three saves stored the same bytes and the same symbol rows.
    QCOMPARE(testing::rawScalar(m_path, QStringLiteral("SELECT count(*) FROM correlation_builds")),
             QStringLiteral("3"));
    QCOMPARE(testing::rawScalar(
                 m_path, QStringLiteral("SELECT count(*) FROM (SELECT DISTINCT correlation,"
                                        " correlation_present, observations, covariance_daily"
                                        " FROM correlation_builds) AS d")),
             QStringLiteral("1"));
    QCOMPARE(testing::rawScalar(
                 m_path, QStringLiteral("SELECT count(*) FROM (SELECT DISTINCT position, symbol,"
                                        " annualized_volatility, downside_volatility,"
                                        " sharpe_ratio, var_95, max_drawdown, returns_used,"
                                        " missing, first_date, last_date"
                                        " FROM correlation_symbols) AS d")),
             QStringLiteral("9"));
}

QTEST_GUILESS_MAIN(TestStoreCorrelation)
#include "tst_store_correlation.moc"
