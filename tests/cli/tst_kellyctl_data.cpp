// kellyctl's file inputs through the real binary: broker imports (Alpaca JSON, CSV; all or
// nothing, errors naming file and line or index) and correlation builds from price folders,
// with the risk figures `status` then reports (SPEC 5, 9).

#include "KellyctlFixture.h"
#include "StoreTestSupport.h"
#include "risk/Correlation.h"
#include "risk/PortfolioRisk.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QJsonArray>
#include <cmath>

class TestKellyctlData : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(setUpStore()); }
    void importAlpacaJson();
    void importCsv();
    void correlationBuildShowAndRisk();
    void correlationBadInputChangesNothing();
    void equityFollowsMarks();
};

void TestKellyctlData::importAlpacaJson()
{
    const QString file = writeFile(QStringLiteral("positions.json"), R"([
      {"asset_id": "x", "symbol": "NVDA", "exchange": "NASDAQ", "asset_class": "us_equity",
       "avg_entry_price": "140.10", "qty": "100", "side": "long", "market_value": "15000",
       "cost_basis": "14010", "current_price": "150.00", "lastday_price": "149"},
      {"symbol": "TSLA", "qty": "-20", "side": "short", "market_value": "-5000",
       "avg_entry_price": "260"},
      {"symbol": "BTC/USD", "qty": 0.5, "side": "long", "current_price": 50000}
    ])");
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("AAPL"),
                  QStringLiteral("--qty"), QStringLiteral("1"), QStringLiteral("--price"),
                  QStringLiteral("1")})
                 .exitCode,
             0);
    const KellyctlRun result = run({QStringLiteral("import"), file});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonArray positions =
        QJsonDocument::fromJson(
            run({QStringLiteral("positions"), QStringLiteral("--json")}).out.toUtf8())
            .array();
    QCOMPARE(positions.size(), 3); // AAPL is gone: the file is the whole book
    QCOMPARE(positions[0].toObject().value(QLatin1String("symbol")).toString(),
             QStringLiteral("BTCUSD"));
    QCOMPARE(positions[1].toObject().value(QLatin1String("avg_entry")).toDouble(), 140.10);
    QCOMPARE(positions[2].toObject().value(QLatin1String("qty")).toDouble(), -20.0);
    QCOMPARE(positions[2].toObject().value(QLatin1String("price")).toDouble(), 250.0);

    // One bad object anywhere: nothing changes and the index is named.
    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    struct Case
    {
        const char* json;
        const char* message;
    };
    for (
        const Case& c :
        {Case{
             R"([{"symbol":"A","qty":"1","current_price":"2"},{"symbol":"B","qty":"x","current_price":"2"}])",
             "position [1]: qty: 'x' is not a number"},
         Case{R"([{"symbol":"A","qty":"1","current_price":"-2"}])",
              "position [0]: current_price: must be > 0"},
         Case{R"([{"symbol":"A","qty":"1"}])", "position [0]: current_price: missing"},
         Case{R"([{"symbol":"A","qty":"1","side":"up","current_price":"2"}])",
              "side: must be long or short"},
         Case{
             R"([{"symbol":"A","qty":"1","current_price":"2"},{"symbol":"a","qty":"1","current_price":"2"}])",
             "symbol: A is listed twice"},
         Case{R"([{"symbol":"A","qty":"1","current_price":"NaN"}])", "current_price:"},
         Case{R"({"symbol":"A"})", "expected a JSON array"},
         Case{R"([{"symbol":"A",)", "not valid JSON"}}) {
        const QString bad = writeFile(QStringLiteral("bad.json"), c.json);
        const KellyctlRun refused = run({QStringLiteral("import"), bad});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(bad) && refused.err.contains(QLatin1String(c.message)),
                 qPrintable(refused.err));
        QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
    }
}

void TestKellyctlData::importCsv()
{
    const QString file =
        writeFile(QStringLiteral("book.csv"),
                  "symbol,qty,price,avg_entry\n# from the broker\nNVDA,10,150,140\n\n"
                  "eth-usd,1.5,3000\nSPY,-3,500,\n");
    const KellyctlRun result = run({QStringLiteral("import"), file});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(result.out.contains(QLatin1String("imported 3 positions")));
    const QJsonArray positions =
        QJsonDocument::fromJson(
            run({QStringLiteral("positions"), QStringLiteral("--json")}).out.toUtf8())
            .array();
    QCOMPARE(positions.size(), 3);
    QCOMPARE(positions[0].toObject().value(QLatin1String("symbol")).toString(),
             QStringLiteral("ETHUSD"));

    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    for (const auto& [csv, message] :
         {std::pair{"AAPL,1,100\nMSFT,1,abc\n", ":2: price: 'abc' is not a number"},
          std::pair{"AAPL,1,100\nMSFT,1\n",
                    ":2: expected symbol,qty,price[,avg_entry], got 2 fields"},
          std::pair{"symbol,qty,price\nAAPL,1,0\n", ":2: price: must be > 0"},
          std::pair{"AAPL,nan,100\n", ":1: qty: 'nan' is not a finite number"},
          std::pair{"AAPL,1,100,-1\n", ":1: avg_entry: must be >= 0"},
          std::pair{"AAPL,1,100\n\nAAPL,2,100\n", ":3: symbol: AAPL is listed twice"},
          std::pair{"   \n", "the file is empty"}}) {
        const QString bad = writeFile(QStringLiteral("bad.csv"), csv);
        const KellyctlRun refused = run({QStringLiteral("import"), bad});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(bad) && refused.err.contains(QLatin1String(message)),
                 qPrintable(refused.err));
        QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
    }
}

void TestKellyctlData::correlationBuildShowAndRisk()
{
    QCOMPARE(run(args({"correlation", "show"})).exitCode, 1); // no build yet
    // The bundled sample plus a series too short for any correlation (blank cells).
    const QString prices = m_dir->filePath(QStringLiteral("prices"));
    QVERIFY(QDir().mkpath(prices));
    const QString sample = QStringLiteral(KELLY_SOURCE_DIR "/resources/prices");
    for (const QString& name :
         {QStringLiteral("NVDA.csv"), QStringLiteral("SPY.csv"), QStringLiteral("BTCUSD.csv")})
        QVERIFY(QFile::copy(sample + QLatin1Char('/') + name, prices + QLatin1Char('/') + name));
    QByteArray young("date,close\n");
    for (int day = 1; day <= 12; ++day)
        young += QByteArrayLiteral("2026-11-%1,%2\n")
                     .replace("%1", QByteArray::number(day + 10))
                     .replace("%2", QByteArray::number(100 + day % 3));
    writeFile(QStringLiteral("prices/NEWCO.csv"), young);

    const KellyctlRun built =
        run(args({"correlation", "build", "--prices"}) +
            QStringList{prices, QStringLiteral("--lookback"), QStringLiteral("120")});
    QVERIFY2(built.exitCode == 0, qPrintable(built.err));

    const auto series = kelly::loadPriceFolder(prices.toStdString());
    QVERIFY(series.ok());
    const kelly::CorrelationBuild expected = kelly::buildCorrelation(*series, 120);
    const QJsonObject shown = jsonObject(run(args({"correlation", "show", "--json"})).out);
    QCOMPARE(shown.value(QLatin1String("built_at")).toString(), kNow);
    QCOMPARE(shown.value(QLatin1String("lookback")).toInt(), 120);
    const QJsonArray symbols = shown.value(QLatin1String("symbols")).toArray();
    QCOMPARE(symbols.size(), 4);
    const QJsonArray matrix = shown.value(QLatin1String("matrix")).toArray();
    int blanks = 0;
    for (qsizetype i = 0; i < 4; ++i) {
        QCOMPARE(symbols[i].toString(), QString::fromStdString(expected.symbols[size_t(i)]));
        for (qsizetype j = 0; j < 4; ++j) {
            const QJsonValue cell = matrix[i].toArray()[j];
            const auto& want = expected.correlation[size_t(i * 4 + j)];
            QCOMPARE(cell.isNull(), !want.has_value());
            blanks += cell.isNull() ? 1 : 0;
            if (want)
                QCOMPARE(cell.toDouble(), *want);
        }
    }
    QCOMPARE(blanks, 7); // NEWCO's row and column: under 20 common observations
    const QJsonObject nvda = shown.value(QLatin1String("volatility_metrics"))
                                 .toObject()
                                 .value(QLatin1String("NVDA"))
                                 .toObject();
    for (const char* key : {"annualized_volatility", "downside_volatility", "sharpe_ratio",
                            "var_95", "max_drawdown", "returns_used"})
        QVERIFY2(nvda.contains(QLatin1String(key)), key);
    QCOMPARE(nvda.value(QLatin1String("returns_used")).toInt(), 120);
    QVERIFY(
        run(args({"correlation", "show"})).out.contains(QLatin1String("lookback 120, 4 symbols")));

    // status now carries SPEC 5 risk from the stored build.
    QCOMPARE(run(args({"position", "set", "NVDA", "--qty", "100", "--price", "150"})).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "SPY", "--qty", "-50", "--price", "500"})).exitCode, 0);
    kelly::Account account{100000, 400000, {{"NVDA", 100, 150, 0}, {"SPY", -50, 500, 0}}};
    const kelly::PortfolioRisk risk = kelly::computePortfolioRisk(account, expected);
    const QJsonObject status = jsonObject(run(args({"status", "--json"})).out);
    QCOMPARE(status.value(QLatin1String("var_95")).toDouble(), *risk.var95Usd);
    QCOMPARE(status.value(QLatin1String("effective_bets")).toDouble(), *risk.effectiveBets);
    QVERIFY(!status.value(QLatin1String("correlation_stale")).toBool());
    // Eight days later the build is stale.
    const QJsonObject later =
        jsonObject(m_runner->run(args({"--now", "2026-12-03T20:30:00Z", "status", "--json"})).out);
    QVERIFY(later.value(QLatin1String("correlation_stale")).toBool());

    // Sizing now derives NVDA's forecast from the stored metrics (SPEC 2.4).
    const QJsonObject sized =
        jsonObject(run(args({"size", "NVDA", "150", "--json", "--dry-run"})).out);
    const double annual = nvda.value(QLatin1String("annualized_volatility")).toDouble();
    QVERIFY(qAbs(sized.value(QLatin1String("sigma")).toDouble() - annual / std::sqrt(252.0)) <
            1e-15);
}

void TestKellyctlData::correlationBadInputChangesNothing()
{
    const QString prices = m_dir->filePath(QStringLiteral("badprices"));
    QVERIFY(QDir().mkpath(prices));
    writeFile(QStringLiteral("badprices/AAPL.csv"), "date,close\n2026-01-02,100\n2026-01-05,abc\n");
    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    const KellyctlRun result =
        run(args({"correlation", "build", "--prices"}) + QStringList{prices});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QLatin1String("AAPL.csv:3")), qPrintable(result.err));
    QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
}

// Issue 24 item 15 (SPEC 1): E is the last set figure plus every mark's P&L since, until the
// next `account set --equity` or sync; `position set` and `import` (fills, corrections) leave
// it alone.
void TestKellyctlData::equityFollowsMarks()
{
    const auto status = [&] {
        return jsonObject(run(args({"status", "--json"})).out);
    };
    const auto equity = [&] {
        return status().value(QLatin1String("equity")).toDouble();
    };
    QCOMPARE(run(args({"position", "set", "NVDA", "--qty", "1000", "--price", "150"})).exitCode, 0);
    QCOMPARE(run(args({"position", "set", "SPY", "--qty", "-10", "--price", "500"})).exitCode, 0);
    QCOMPARE(equity(), 100000.0);

    QCOMPARE(run(args({"price", "NVDA", "154"})).exitCode, 0); // +4,000
    QCOMPARE(run(args({"price", "SPY", "510"})).exitCode, 0);  // short: -100
    const QJsonObject marked = status();
    QCOMPARE(marked.value(QLatin1String("equity")).toDouble(), 103900.0);
    QCOMPARE(marked.value(QLatin1String("equity_set")).toDouble(), 100000.0);
    QCOMPARE(marked.value(QLatin1String("equity_set_at")).toString(), kNow);
    QCOMPARE(marked.value(QLatin1String("equity_set_by")).toString(), QStringLiteral("cli"));
    QCOMPARE(marked.value(QLatin1String("pnl_since_set")).toDouble(), 3900.0);
    QCOMPARE(marked.value(QLatin1String("leverage")).toDouble(), (154000.0 + 5100.0) / 103900.0);
    const QString text = run(args({"status"})).out;
    QVERIFY2(text.contains(QLatin1String("103900.00  (set 100000.00 at 2026-11-25T20:30:00Z by cli;"
                                         " P&L since +3900.00)")),
             qPrintable(text));

    // Not a mark: an unknown symbol, a fill recorded by position set, an import.
    QCOMPARE(run(args({"price", "AAPL", "999"})).exitCode, 2);
    QCOMPARE(run(args({"position", "set", "NVDA", "--qty", "1200", "--price", "160"})).exitCode, 0);
    const QString csv =
        writeFile(QStringLiteral("book.csv"), "symbol,qty,price\nNVDA,1200,160\nSPY,-10,520\n");
    QCOMPARE(run({QStringLiteral("import"), csv}).exitCode, 0);
    QCOMPARE(equity(), 103900.0);
    QCOMPARE(run(args({"account", "set", "--buying-power", "300000"})).exitCode, 0);
    QCOMPARE(status().value(QLatin1String("pnl_since_set")).toDouble(), 3900.0);

    // A new figure replaces E and its basis; marks count from there.
    QCOMPARE(run(args({"account", "set", "--equity", "90000"})).exitCode, 0);
    QCOMPARE(run(args({"price", "NVDA", "161"})).exitCode, 0); // +1,200
    const QJsonObject reset = status();
    QCOMPARE(reset.value(QLatin1String("equity")).toDouble(), 91200.0);
    QCOMPARE(reset.value(QLatin1String("equity_set")).toDouble(), 90000.0);
    QCOMPARE(reset.value(QLatin1String("pnl_since_set")).toDouble(), 1200.0);
}

QTEST_GUILESS_MAIN(TestKellyctlData)
#include "tst_kellyctl_data.moc"
