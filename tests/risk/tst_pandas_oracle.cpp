// SPEC 5 "equals pandas": the C++ build against tests/risk/pandas_oracle.py on real price
// files, to 1e-9. Skipped, with a message, where python3-pandas or the folder is missing.
#include "risk/Correlation.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace kelly;

namespace {

constexpr double kTolerance = 1e-9;

QString sharedPricesDir()
{
    return QStringLiteral(KELLY_SOURCE_DIR "/../shared/data/prices");
}

QString bundledPricesDir()
{
    return QStringLiteral(KELLY_SOURCE_DIR "/resources/prices");
}

// The first interpreter that imports pandas: Debian's python3-pandas lives under
// /usr/bin/python3, which a pyenv or venv `python3` on PATH may shadow.
QString pythonWithPandas()
{
    for (const QString& candidate :
         {QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")}) {
        QProcess probe;
        probe.start(candidate, {QStringLiteral("-c"), QStringLiteral("import pandas")});
        if (probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            return candidate;
    }
    return {};
}

bool sameOrBothBlank(const QJsonValue& expected, const std::optional<double>& actual)
{
    if (expected.isNull())
        return !actual.has_value();
    return actual.has_value() && std::abs(expected.toDouble() - *actual) <= kTolerance;
}

} // namespace

class TestPandasOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesPandas_data();
    void matchesPandas();

private:
    QString m_python;
    QTemporaryDir m_stocksOnly;
};

void TestPandasOracle::initTestCase()
{
    m_python = pythonWithPandas();
    if (m_python.isEmpty())
        QSKIP("python3 with pandas is not installed (Debian: apt install python3-pandas); "
              "the pandas oracle comparison is skipped");
    // The nine Koi-west stocks and ETFs share every date: the no-gap fast path. They are in
    // the shared set and in the bundled sample alike.
    QVERIFY(m_stocksOnly.isValid());
    const QDir shared(QDir(sharedPricesDir()).exists() ? sharedPricesDir() : bundledPricesDir());
    for (const char* symbol :
         {"AAPL", "AMZN", "GOOGL", "META", "MSFT", "NVDA", "QQQ", "SPY", "TSLA"}) {
        const QString file = QString::fromLatin1(symbol) + QStringLiteral(".csv");
        if (shared.exists(file))
            QVERIFY(QFile::copy(shared.filePath(file), m_stocksOnly.filePath(file)));
    }
}

void TestPandasOracle::matchesPandas_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("lookback");
    const bool haveShared = QDir(sharedPricesDir()).exists();
    const QString shared = haveShared ? sharedPricesDir() : bundledPricesDir();
    const QString stocks = m_stocksOnly.path();
    QTest::newRow("all files, gaps, lookback 250") << shared << 250;
    QTest::newRow("all files, gaps, lookback 60") << shared << 60;
    QTest::newRow("all files, gaps, whole history") << shared << 100000;
    QTest::newRow("stocks only, no gaps, lookback 250") << stocks << 250;
    QTest::newRow("stocks only, no gaps, lookback 21") << stocks << 21;
    QTest::newRow("bundled sample, lookback 250") << bundledPricesDir() << 250;
}

void TestPandasOracle::matchesPandas()
{
    QFETCH(QString, folder);
    QFETCH(int, lookback);
    if (!QDir(folder).exists())
        QSKIP(qPrintable(QStringLiteral("price folder %1 is absent").arg(folder)));

    QProcess oracle;
    oracle.start(m_python, {QStringLiteral(KELLY_SOURCE_DIR "/tests/risk/pandas_oracle.py"), folder,
                            QString::number(lookback)});
    QVERIFY2(oracle.waitForFinished(60000), "the pandas oracle timed out");
    QVERIFY2(oracle.exitCode() == 0, oracle.readAllStandardError().constData());
    const QJsonObject expected = QJsonDocument::fromJson(oracle.readAllStandardOutput()).object();

    const auto loaded = loadPriceFolder(folder.toStdString());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().describe().c_str());
    const CorrelationBuild build = buildCorrelation(loaded.value(), lookback);

    const QJsonArray symbols = expected.value(QStringLiteral("symbols")).toArray();
    const auto n = static_cast<std::size_t>(symbols.size());
    QCOMPARE(build.symbols.size(), n);
    const QJsonArray matrix = expected.value(QStringLiteral("matrix")).toArray();
    const QJsonArray observations = expected.value(QStringLiteral("observations")).toArray();
    const QJsonArray inWindow = expected.value(QStringLiteral("returns_in_window")).toArray();
    const QJsonArray metrics = expected.value(QStringLiteral("metrics")).toArray();
    int compared = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto row = static_cast<qsizetype>(i);
        QCOMPARE(QString::fromStdString(build.symbols[i]), symbols.at(row).toString());
        QCOMPARE(build.quality[i].returnsUsed, inWindow.at(row).toInt());
        for (std::size_t j = 0; j < n; ++j) {
            const auto col = static_cast<qsizetype>(j);
            const QJsonValue cell = matrix.at(row).toArray().at(col);
            const auto actual = build.correlation[i * n + j];
            QVERIFY2(sameOrBothBlank(cell, actual),
                     qPrintable(QStringLiteral("rho(%1, %2): pandas %3, C++ %4")
                                    .arg(symbols.at(row).toString(), symbols.at(col).toString())
                                    .arg(cell.isNull() ? QStringLiteral("blank")
                                                       : QString::number(cell.toDouble(), 'g', 17))
                                    .arg(actual ? QString::number(*actual, 'g', 17)
                                                : QStringLiteral("blank"))));
            QCOMPARE(build.observations[i * n + j], observations.at(row).toArray().at(col).toInt());
            ++compared;
        }
        const QJsonObject m = metrics.at(row).toObject();
        const VolatilityMetrics& got = build.metrics[i];
        const QByteArray where = symbols.at(row).toString().toUtf8();
        QCOMPARE(got.returnsUsed, m.value(QStringLiteral("returns_used")).toInt());
        QVERIFY2(std::abs(got.annualizedVolatility -
                          m.value(QStringLiteral("annualized_volatility")).toDouble()) <=
                     kTolerance,
                 where.constData());
        QVERIFY2(std::abs(got.downsideVolatility -
                          m.value(QStringLiteral("downside_volatility")).toDouble()) <= kTolerance,
                 where.constData());
        QVERIFY2(sameOrBothBlank(m.value(QStringLiteral("sharpe_ratio")), got.sharpeRatio),
                 where.constData());
        QVERIFY2(std::abs(got.var95 - m.value(QStringLiteral("var_95")).toDouble()) <= kTolerance,
                 where.constData());
        QVERIFY2(std::abs(got.maxDrawdown - m.value(QStringLiteral("max_drawdown")).toDouble()) <=
                     kTolerance,
                 where.constData());
    }
    QVERIFY(compared > 0);
}

QTEST_GUILESS_MAIN(TestPandasOracle)
#include "tst_pandas_oracle.moc"
