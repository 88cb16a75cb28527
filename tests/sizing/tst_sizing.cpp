// SPEC 2, 3 and 8: the worked examples and every branch of both sizers.
#include "sizing/Sizing.h"

#include <QTest>
#include <cmath>
#include <optional>

using namespace kelly;

namespace {

struct CapturingLog : SizingLogSink
{
    std::vector<std::string> lines;
    void info(std::string_view line) override { lines.emplace_back(line); }
};

Account specAccount() // SPEC 8: E = 100,000, BP = 400,000, no positions
{
    return Account{100'000.0, 400'000.0, {}};
}

std::optional<double> opt(double v)
{
    return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

} // namespace

Q_DECLARE_METATYPE(kelly::SizingMode)
Q_DECLARE_METATYPE(kelly::BindingLimit)
Q_DECLARE_METATYPE(kelly::Account)

class TestSizing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sizes_data();
    void sizes();
    void badInput_data();
    void badInput();
    void logLines_data();
    void logLines();
    void fallsBackOnCorruptMetrics_data();
    void fallsBackOnCorruptMetrics();
    void metricsDerivedForecast();
    void givenValueWinsOverMetrics();
    void rounding_data();
    void rounding();
    void symbolNormalisation();
};

void TestSizing::sizes_data()
{
    QTest::addColumn<SizingMode>("mode");
    QTest::addColumn<Account>("account");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<double>("mu");    // NaN = not given
    QTest::addColumn<double>("sigma"); // NaN = not given
    QTest::addColumn<double>("intraday");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<double>("expectedQty");
    QTest::addColumn<BindingLimit>("expectedBinding");
    QTest::addColumn<double>("expectedBase"); // NaN = absent
    QTest::addColumn<double>("expectedExposureAfterPct");

    const double none = std::nan("");
    const Account spec = specAccount();

    // SPEC 8, row by row.
    QTest::newRow("spec: enhanced NVDA @ 150")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 1600.0
        << BindingLimit::SymbolCap << 1.0 << 240.0;
    QTest::newRow("spec: enhanced BTCUSD @ 50,000")
        << SizingMode::Enhanced << spec << "BTCUSD" << 50'000.0 << none << none << 4.0 << 2.0 << 1.2
        << BindingLimit::SymbolCap << 1.0 << 60.0;
    QTest::newRow("spec: enhanced NVDA mu 0.001 sigma 0.02")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << 0.001 << 0.02 << 4.0 << 2.0 << 1600.0
        << BindingLimit::SymbolCap << 1.0 << 240.0;
    QTest::newRow("spec: enhanced NVDA mu 0.0002 sigma 0.02")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << 0.0002 << 0.02 << 4.0 << 2.0 << 666.0
        << BindingLimit::Kelly << 0.25 << 99.9;
    QTest::newRow("spec: legacy NVDA @ 150")
        << SizingMode::Legacy << spec << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 800.0
        << BindingLimit::SymbolCap << none << 120.0;
    QTest::newRow("spec: legacy BTCUSD @ 50,000")
        << SizingMode::Legacy << spec << "BTCUSD" << 50'000.0 << none << none << 4.0 << 2.0 << 1.2
        << BindingLimit::SymbolCap << none << 60.0;

    // SPEC 8, a symbol already held: the cap is a share of equity before leverage.
    const Account held50k{100'000.0, 400'000.0, {{"NVDA", 50'000.0 / 150.0, 150.0, 150.0}}};
    QTest::newRow("spec: enhanced NVDA @ 150, NVDA held 50,000")
        << SizingMode::Enhanced << held50k << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 266.0
        << BindingLimit::SymbolCap << 1.0 << 89.9;
    QTest::newRow("spec: legacy NVDA @ 150, NVDA held 50,000")
        << SizingMode::Legacy << held50k << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 133.0
        << BindingLimit::SymbolCap << none << 69.95;
    const Account held60k{100'000.0, 400'000.0, {{"NVDA", 400.0, 150.0, 150.0}}};
    const Account held100k{100'000.0, 400'000.0, {{"NVDA", 100'000.0 / 150.0, 150.0, 150.0}}};
    QTest::newRow("spec: enhanced, NVDA held 60,000")
        << SizingMode::Enhanced << held60k << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 0.0
        << BindingLimit::SymbolCap << 0.0 << 60.0;
    QTest::newRow("spec: legacy, NVDA held 60,000")
        << SizingMode::Legacy << held60k << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 0.0
        << BindingLimit::SymbolCap << none << 60.0;
    // The old rule (cap x E x L - current) added 933 shares here, pyramiding past the cap.
    QTest::newRow("spec: enhanced, NVDA held 100,000")
        << SizingMode::Enhanced << held100k << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 0.0
        << BindingLimit::SymbolCap << 0.0 << 100.0;
    QTest::newRow("crypto held under the cap: room unlevered")
        << SizingMode::Enhanced << Account{100'000.0, 400'000.0, {{"BTCUSD", 0.8, 50'000.0, 0.0}}}
        << "BTCUSD" << 50'000.0 << none << none << 4.0 << 2.0 << 0.4 << BindingLimit::SymbolCap
        << 1.0 << 60.0;

    // Branches.
    Account full = spec;
    full.positions.push_back({"NVDA", 1600.0, 150.0, 140.0});
    QTest::newRow("symbol cap reached")
        << SizingMode::Enhanced << full << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 0.0
        << BindingLimit::SymbolCap << 0.0 << 240.0;
    QTest::newRow("symbol cap reached by a short")
        << SizingMode::Enhanced << Account{100'000.0, 400'000.0, {{"NVDA", -1700.0, 150.0, 150.0}}}
        << "NVDA" << 150.0 << none << none << 4.0 << 2.0 << 0.0 << BindingLimit::SymbolCap << 0.0
        << 255.0;

    QTest::newRow("buying power binds")
        << SizingMode::Enhanced << Account{100'000.0, 30'000.0, {}} << "NVDA" << 150.0 << none
        << none << 4.0 << 2.0 << 200.0 << BindingLimit::BuyingPower << 1.0 << 30.0;

    // A 2x limit, so the gross room (14,000) binds before SPEC 15's margin room (108,507).
    Account levered{100'000.0, 400'000.0, {}};
    for (const char* s : {"AAPL", "MSFT", "GOOGL", "AMZN", "META", "TSLA"})
        levered.positions.push_back({s, 100.0, 310.0, 300.0}); // 6 x 31,000 = 186,000 gross
    QTest::newRow("gross leverage binds")
        << SizingMode::Enhanced << levered << "NVDA" << 150.0 << none << none << 2.0 << 2.0 << 93.0
        << BindingLimit::GrossLeverage << 1.0 << 13.95;
    QTest::newRow("legacy gross leverage binds")
        << SizingMode::Legacy << levered << "NVDA" << 150.0 << none << none << 2.0 << 2.0 << 93.0
        << BindingLimit::GrossLeverage << none << 13.95;
    // SPEC 3.4: legacy takes the margin room too (SPEC 8's AAPL row: 58,507.46 of room).
    QTest::newRow("legacy maintenance margin binds")
        << SizingMode::Legacy << Account{100'000.0, 400'000.0, {{"NVDA", 1600.0, 150.0, 150.0}}}
        << "AAPL" << 200.0 << none << none << 4.0 << 2.0 << 292.0 << BindingLimit::MaintenanceMargin
        << none << 58.4;

    QTest::newRow("no equity") << SizingMode::Enhanced << Account{0.0, 400'000.0, {}} << "NVDA"
                               << 150.0 << none << none << 4.0 << 2.0 << 0.0
                               << BindingLimit::NoEquity << none << none;
    QTest::newRow("negative equity, legacy")
        << SizingMode::Legacy << Account{-5'000.0, 400'000.0, {}} << "NVDA" << 150.0 << none << none
        << 4.0 << 2.0 << 0.0 << BindingLimit::NoEquity << none << none;

    QTest::newRow("sigma 0 sizes nothing")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << 0.01 << 0.0 << 4.0 << 2.0 << 0.0
        << BindingLimit::Kelly << 0.0 << 0.0;
    QTest::newRow("negative mu still sizes long")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << -0.0002 << 0.02 << 4.0 << 2.0 << 666.0
        << BindingLimit::Kelly << 0.25 << 99.9;
    QTest::newRow("crypto never leveraged")
        << SizingMode::Enhanced << spec << "ETH/USD" << 2'000.0 << 0.0001 << 0.02 << 4.0 << 2.0
        << 6.25 << BindingLimit::Kelly << 0.125 << 12.5;
    QTest::newRow("kelly binds under every room")
        << SizingMode::Enhanced << Account{100'000.0, 1'000'000.0, {}} << "SPY" << 500.0 << 0.0001
        << 0.01 << 4.0 << 2.0 << 400.0 << BindingLimit::Kelly << 0.5 << 200.0;

    // Environment-style overrides: a cash account (intraday limit 1.0).
    QTest::newRow("cash account: enhanced stock at 1x")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << none << none << 1.0 << 2.0 << 400.0
        << BindingLimit::SymbolCap << 1.0 << 60.0;
    QTest::newRow("cash account: legacy gross room")
        << SizingMode::Legacy << Account{100'000.0, 400'000.0, {{"AAPL", 400.0, 200.0, 190.0}}}
        << "NVDA" << 150.0 << none << none << 1.0 << 2.0 << 133.0 << BindingLimit::GrossLeverage
        << none << 19.95;
    QTest::newRow("intraday limit 2x")
        << SizingMode::Enhanced << spec << "NVDA" << 150.0 << none << none << 2.0 << 2.0 << 800.0
        << BindingLimit::SymbolCap << 1.0 << 120.0;
    QTest::newRow("legacy with a raised threshold")
        << SizingMode::Legacy << spec << "NVDA" << 150.0 << none << none << 4.0 << 3.0 << 1200.0
        << BindingLimit::SymbolCap << none << 180.0;
}

void TestSizing::sizes()
{
    QFETCH(SizingMode, mode);
    QFETCH(Account, account);
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(double, mu);
    QFETCH(double, sigma);
    QFETCH(double, intraday);
    QFETCH(double, threshold);
    QFETCH(double, expectedQty);
    QFETCH(BindingLimit, expectedBinding);
    QFETCH(double, expectedBase);
    QFETCH(double, expectedExposureAfterPct);

    const CryptoList crypto;
    RiskLimits limits;
    limits.intradayLeverage = intraday;
    const SizingContext context{account, limits, crypto, threshold, nullptr, nullptr};
    const SizingRequest request{symbol.toStdString(), price, opt(mu), opt(sigma)};

    const auto result = sizePosition(mode, request, context);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().describe().c_str());
    QCOMPARE(result->method, mode);
    QCOMPARE(result->qty, expectedQty);
    QCOMPARE(bindingLimitName(result->binding), bindingLimitName(expectedBinding));
    QCOMPARE(result->fallbackReason.has_value(), false);
    if (std::isnan(expectedBase)) {
        QVERIFY(!result->baseFraction);
    } else {
        QVERIFY(result->baseFraction);
        QVERIFY(std::abs(*result->baseFraction - expectedBase) < 1e-12);
    }
    if (std::isnan(expectedExposureAfterPct)) {
        QVERIFY(!result->exposureAfterPct);
        QVERIFY(!result->leverageAfter);
    } else {
        QVERIFY(result->exposureAfterPct);
        QVERIFY2(std::abs(*result->exposureAfterPct - expectedExposureAfterPct) < 1e-9,
                 QByteArray::number(*result->exposureAfterPct, 'f', 12).constData());
    }
    QVERIFY(std::isfinite(result->qty) && result->qty >= 0.0);
}

void TestSizing::badInput_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<double>("mu");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<double>("equity");
    QTest::addColumn<QString>("field");

    const double none = std::nan("");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("zero price") << "NVDA" << 0.0 << none << none << 1e5 << "price";
    QTest::newRow("negative price") << "NVDA" << -1.0 << none << none << 1e5 << "price";
    QTest::newRow("inf price") << "NVDA" << inf << none << none << 1e5 << "price";
    QTest::newRow("NaN price") << "NVDA" << std::nan("") << none << none << 1e5 << "price";
    QTest::newRow("inf mu") << "NVDA" << 150.0 << inf << none << 1e5 << "mu";
    QTest::newRow("negative sigma") << "NVDA" << 150.0 << none << -0.01 << 1e5 << "sigma";
    QTest::newRow("inf sigma") << "NVDA" << 150.0 << none << inf << 1e5 << "sigma";
    QTest::newRow("empty symbol") << "" << 150.0 << none << none << 1e5 << "symbol";
    QTest::newRow("symbol with quotes") << "NV'DA" << 150.0 << none << none << 1e5 << "symbol";
    QTest::newRow("NaN equity") << "NVDA" << 150.0 << none << none << std::nan("") << "equity";
}

void TestSizing::badInput()
{
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(double, mu);
    QFETCH(double, sigma);
    QFETCH(double, equity);
    QFETCH(QString, field);

    const CryptoList crypto;
    const Account account{equity, 400'000.0, {}};
    CapturingLog log;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, &log};
    const SizingRequest request{symbol.toStdString(), price,
                                std::isnan(mu) ? std::nullopt : std::optional(mu),
                                std::isnan(sigma) ? std::nullopt : std::optional(sigma)};
    for (SizingMode mode : {SizingMode::Enhanced, SizingMode::Legacy}) {
        const auto result = sizePosition(mode, request, context);
        QVERIFY(!result.ok());
        QCOMPARE(QString::fromStdString(result.error().field), field);
        QVERIFY(!result.error().message.empty());
    }
    QVERIFY(log.lines.empty()); // nothing sized, nothing logged
}

void TestSizing::logLines_data()
{
    QTest::addColumn<SizingMode>("mode");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<double>("price");
    QTest::addColumn<QString>("expected");

    QTest::newRow("enhanced stock")
        << SizingMode::Enhanced << "NVDA" << 150.0
        << "NVDA: Enhanced Kelly sizing with 4.0x leverage - base_fraction=1.000, qty=1600, "
           "exposure: 0.0% -> 240.0%";
    QTest::newRow("enhanced crypto")
        << SizingMode::Enhanced << "btc-usd" << 50'000.0
        << "BTCUSD: Enhanced Kelly sizing with no leverage (crypto) - base_fraction=1.000, "
           "qty=1.2, exposure: 0.0% -> 60.0%";
    QTest::newRow("legacy stock")
        << SizingMode::Legacy << "NVDA" << 150.0
        << "NVDA: Legacy sizing - current=0.0%, new=120.0%, risk_multiplier=2.00";
}

void TestSizing::logLines()
{
    QFETCH(SizingMode, mode);
    QFETCH(QString, symbol);
    QFETCH(double, price);
    QFETCH(QString, expected);

    const CryptoList crypto;
    const Account account = specAccount();
    CapturingLog log;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, &log};
    QVERIFY(sizePosition(mode, {symbol.toStdString(), price, {}, {}}, context).ok());
    QCOMPARE(log.lines.size(), size_t(1));
    QCOMPARE(QString::fromStdString(log.lines.front()), expected);
}

void TestSizing::fallsBackOnCorruptMetrics_data()
{
    QTest::addColumn<double>("annualVol");
    QTest::addColumn<double>("sharpe");
    QTest::newRow("NaN volatility") << std::nan("") << 0.5;
    QTest::newRow("negative volatility") << -0.2 << 0.5;
    QTest::newRow("inf volatility") << std::numeric_limits<double>::infinity() << 0.5;
    QTest::newRow("NaN sharpe") << 0.3 << std::nan("");
}

void TestSizing::fallsBackOnCorruptMetrics()
{
    QFETCH(double, annualVol);
    QFETCH(double, sharpe);
    const CryptoList crypto;
    const Account account = specAccount();
    VolatilityMetrics metrics;
    metrics.annualizedVolatility = annualVol;
    metrics.sharpeRatio = sharpe;
    CapturingLog log;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, &metrics, &log};

    const auto result = sizeEnhanced({"NVDA", 150.0, {}, {}}, context);
    QVERIFY(result.ok());
    QCOMPARE(result->method, SizingMode::Legacy);
    QCOMPARE(result->qty, 800.0); // the legacy example
    QVERIFY(result->fallbackReason);
    QCOMPARE(log.lines.size(), size_t(2));
    QVERIFY(QString::fromStdString(log.lines[0])
                .startsWith(QLatin1String("NVDA: Enhanced sizing failed (")));
    QVERIFY(
        QString::fromStdString(log.lines[0]).endsWith(QLatin1String("), falling back to legacy")));
    QVERIFY(QString::fromStdString(log.lines[1]).startsWith(QLatin1String("NVDA: Legacy sizing")));

    // Given mu and sigma need no metrics: no fallback.
    const auto given = sizeEnhanced({"NVDA", 150.0, 0.0002, 0.02}, context);
    QVERIFY(given.ok());
    QCOMPARE(given->method, SizingMode::Enhanced);
    QCOMPARE(given->qty, 666.0);
}

void TestSizing::metricsDerivedForecast()
{
    const CryptoList crypto;
    const Account account = specAccount();
    VolatilityMetrics metrics;
    metrics.annualizedVolatility = 0.40;
    metrics.sharpeRatio = 0.02;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, &metrics, nullptr};
    const auto result = sizeEnhanced({"NVDA", 150.0, {}, {}}, context);
    QVERIFY(result.ok());
    // SPEC 2.4: the annual Sharpe over sqrt(252), times the daily sigma: a daily mean return.
    const double sigma = 0.40 / std::sqrt(252.0);
    const double mu = 0.02 / std::sqrt(252.0) * sigma;
    QCOMPARE(*result->sigmaDaily, sigma);
    QCOMPARE(*result->muDaily, mu);
    const double base = std::min(0.5 * mu / (sigma * sigma), 1.0); // 0.025: below the cap of 1
    QVERIFY(std::abs(*result->baseFraction - base) < 1e-12);
    QCOMPARE(result->qty, std::floor(base * 4.0 * 100'000.0 / 150.0 + 1e-9));
    QCOMPARE(result->binding, BindingLimit::Kelly);

    // No sharpe stored: 0.5.
    metrics.sharpeRatio.reset();
    const auto noSharpe = sizeEnhanced({"NVDA", 150.0, {}, {}}, context);
    QCOMPARE(*noSharpe->muDaily, 0.5 / std::sqrt(252.0) * sigma);
}

void TestSizing::givenValueWinsOverMetrics()
{
    const CryptoList crypto;
    const Account account = specAccount();
    VolatilityMetrics metrics;
    metrics.annualizedVolatility = 0.40;
    metrics.sharpeRatio = 0.1;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, &metrics, nullptr};
    const auto sigmaGiven = sizeEnhanced({"NVDA", 150.0, {}, 0.05}, context);
    QCOMPARE(*sigmaGiven->sigmaDaily, 0.05);
    QCOMPARE(*sigmaGiven->muDaily, 0.1 / std::sqrt(252.0) * 0.40 / std::sqrt(252.0));
    const auto muGiven = sizeEnhanced({"NVDA", 150.0, 0.003, {}}, context);
    QCOMPARE(*muGiven->muDaily, 0.003);
    QCOMPARE(*muGiven->sigmaDaily, 0.40 / std::sqrt(252.0));
}

void TestSizing::rounding_data()
{
    QTest::addColumn<double>("raw");
    QTest::addColumn<bool>("crypto");
    QTest::addColumn<double>("expected");
    QTest::newRow("stock floor") << 666.67 << false << 666.0;
    QTest::newRow("stock float noise") << 1599.9999999999998 << false << 1600.0;
    QTest::newRow("stock just under, beyond tolerance") << 1599.999999 << false << 1599.0;
    QTest::newRow("crypto 0.001") << 1.23456 << true << 1.234;
    QTest::newRow("crypto float noise") << 1.2 - 1e-13 << true << 1.2;
    QTest::newRow("negative") << -3.0 << false << 0.0;
    QTest::newRow("zero") << 0.0 << true << 0.0;
    QTest::newRow("NaN") << std::nan("") << false << 0.0;
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << false << 0.0;
}

void TestSizing::rounding()
{
    QFETCH(double, raw);
    QFETCH(bool, crypto);
    QFETCH(double, expected);
    QCOMPARE(roundDownQty(raw, crypto ? AssetClass::Crypto : AssetClass::Stock), expected);
}

void TestSizing::symbolNormalisation()
{
    QCOMPARE(normalizeSymbol("BTC/USD"), std::string("BTCUSD"));
    QCOMPARE(normalizeSymbol("btc-usd"), std::string("BTCUSD"));
    QCOMPARE(normalizeSymbol(" nvda "), std::string("NVDA"));
    const CryptoList crypto;
    QCOMPARE(crypto.classify("BTCUSD"), AssetClass::Crypto);
    QCOMPARE(crypto.classify("NVDA"), AssetClass::Stock);
    const CryptoList custom({"doge/usd"});
    QVERIFY(custom.contains("DOGEUSD"));
    QVERIFY(!custom.contains("BTCUSD"));
}

QTEST_APPLESS_MAIN(TestSizing)
#include "tst_sizing.moc"
