// Invariants of both sizers over 100,000+ seeded random accounts and requests.
#include "sizing/Sizing.h"

#include <QTest>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>

using namespace kelly;

class TestSizingProperties : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invariantsHold();
    void preparedBookSizesAlike();
    void preparedBookOfAnotherBookIsIgnored();
    void spelledSymbolsSizeAsTheirNormalForm();
    void cryptoListFindsExactlyItsSymbols();
    void roundingDownAgreesWithFloorAtEveryMagnitude();
};

namespace {

constexpr double kUsdTolerance = 1e-6; // rounding within 1e-9 of a step may add a hair

struct Scenario
{
    Account account;
    RiskLimits limits;
    SizingRequest request;
    double threshold = 2.0;
};

Scenario randomScenario(std::mt19937_64& rng, const CryptoList& crypto)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto logUniform = [&](double lo, double hi) {
        return std::exp(std::log(lo) + unit(rng) * (std::log(hi) - std::log(lo)));
    };
    static const std::vector<std::string> stocks{"NVDA", "AAPL", "MSFT", "SPY", "TSLA", "QQQ"};
    const auto& cryptos = crypto.symbols();
    auto pickSymbol = [&] {
        if (unit(rng) < 0.35)
            return cryptos[rng() % cryptos.size()];
        return stocks[rng() % stocks.size()];
    };

    Scenario s;
    s.account.equityUsd = unit(rng) < 0.03 ? -logUniform(1, 1e5) : logUniform(1e2, 1e8);
    s.account.buyingPowerUsd = unit(rng) < 0.05 ? 0.0 : logUniform(1, 4e8);
    const int positions = static_cast<int>(rng() % 12);
    for (int i = 0; i < positions; ++i) {
        const std::string symbol = pickSymbol();
        if (s.account.find(symbol))
            continue;
        const double price = logUniform(0.01, 1e5);
        const double value = logUniform(1, std::max(2.0, 3.0 * std::abs(s.account.equityUsd)));
        const double qty = (unit(rng) < 0.2 ? -1.0 : 1.0) * value / price;
        s.account.positions.push_back({symbol, qty, price, price});
    }
    s.limits.intradayLeverage = unit(rng) < 0.2 ? 1.0 : 1.0 + unit(rng) * 5.0;
    s.limits.overnightLeverage = 1.0 + unit(rng);
    s.limits.symbolCapPct = 1.0 + unit(rng) * 99.0;
    s.threshold = 2.0 + (unit(rng) < 0.3 ? unit(rng) * 3.0 : 0.0);
    s.request.symbol = pickSymbol();
    s.request.priceUsd = logUniform(1e-4, 2e5);
    if (unit(rng) < 0.6)
        s.request.muDaily = (unit(rng) - 0.5) * 0.02;
    if (unit(rng) < 0.6)
        s.request.sigmaDaily = unit(rng) < 0.05 ? 0.0 : logUniform(1e-4, 0.2);
    return s;
}

} // namespace

void TestSizingProperties::invariantsHold()
{
    const CryptoList crypto;
    std::mt19937_64 rng(20261125);
    constexpr int kCases = 100'000;
    int sizedNonZero = 0;
    for (int i = 0; i < kCases; ++i) {
        const Scenario s = randomScenario(rng, crypto);
        const SizingContext context{s.account, s.limits, crypto, s.threshold, nullptr, nullptr};
        const double E = s.account.equityUsd;
        const double grossBefore = s.account.grossUsd();
        const Position* held = s.account.find(normalizeSymbol(s.request.symbol));
        const double currentBefore = held ? held->currentUsd() : 0.0;
        const bool isCrypto = crypto.contains(s.request.symbol);

        for (SizingMode mode : {SizingMode::Enhanced, SizingMode::Legacy}) {
            const auto r = sizePosition(mode, s.request, context);
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
            const double value = r->qty * s.request.priceUsd;
            const QByteArray where = QByteArray("case ") + QByteArray::number(i) + " " +
                                     sizingModeName(mode) + " " + s.request.symbol.c_str();
            QVERIFY2(std::isfinite(r->qty) && r->qty >= 0.0, where);
            if (E <= 0.0) {
                QVERIFY2(r->qty == 0.0, where);
                continue;
            }
            sizedNonZero += r->qty > 0.0;
            const double assetLeverage =
                isCrypto ? 1.0
                         : (mode == SizingMode::Enhanced ? s.limits.intradayLeverage
                                                         : std::max(s.threshold, 1.0));
            // SPEC 2.3 / 3.4: the cap is a share of equity, checked before leverage. A symbol at
            // or over it gets nothing; below it, the add stays within the levered room, so
            // repeated adds never pyramid past cap x E x leverage.
            const double capShareUsd = s.limits.symbolCapPct / 100.0 * E;
            if (currentBefore >= capShareUsd)
                QVERIFY2(r->qty == 0.0 && r->binding == BindingLimit::SymbolCap, where);
            if (r->qty > 0.0)
                QVERIFY2(value <= (capShareUsd - currentBefore) * assetLeverage * (1 + 1e-9) +
                                      kUsdTolerance,
                         where);
            if (grossBefore <= s.limits.intradayLeverage * E)
                QVERIFY2(grossBefore + value <=
                             s.limits.intradayLeverage * E * (1 + 1e-9) + kUsdTolerance,
                         where);
            if (isCrypto)
                QVERIFY2(value <= s.limits.symbolCapPct / 100.0 * E * (1 + 1e-9), where);
            if (mode == SizingMode::Enhanced) {
                QVERIFY2(value <=
                             std::max(s.account.buyingPowerUsd, 0.0) * (1 + 1e-9) + kUsdTolerance,
                         where);
                QVERIFY2(r->qty <= r->qtyRaw + 1e-9 * std::max(1.0, r->qtyRaw), where);
            }
            QVERIFY2(!r->exposureAfterPct || std::isfinite(*r->exposureAfterPct), where);
            QVERIFY2(!r->leverageAfter || std::isfinite(*r->leverageAfter), where);

            const auto again = sizePosition(mode, s.request, context);
            QVERIFY2(again->qty == r->qty && again->binding == r->binding, where);
        }
    }
    // The generator must actually exercise sizing, not only the zero paths.
    QVERIFY(sizedNonZero > kCases / 2);
}

namespace {

// Symbols that share their first 8 bytes, are exactly 8 long, are held twice, or are crypto:
// what a lookup by prefix could get wrong.
Account randomBook(std::mt19937_64& rng, const std::vector<std::string>& pool)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Account account{unit(rng) < 0.05 ? 0.0 : 1e3 + unit(rng) * 1e6, unit(rng) * 4e6, {}};
    const int positions = static_cast<int>(rng() % 60);
    for (int i = 0; i < positions; ++i) {
        const double price = unit(rng) < 0.1 ? 1.0 + unit(rng) * 5.0 : 5.0 + unit(rng) * 500.0;
        account.positions.push_back({pool[rng() % pool.size()],
                                     (unit(rng) < 0.25 ? -1.0 : 1.0) * (1.0 + rng() % 500), price,
                                     price});
    }
    return account;
}

MarginRates randomRates(std::mt19937_64& rng, const std::vector<std::string>& pool)
{
    MarginRates rates;
    for (const std::string& symbol : pool) {
        if (rng() % 3 == 0)
            rates.broker.emplace(symbol,
                                 BrokerMarginRate{rng() % 5 != 0, 0.3 + 0.05 * double(rng() % 5),
                                                  0.3 + 0.05 * double(rng() % 7)});
        if (rng() % 7 == 0)
            rates.overrides.emplace(symbol, 0.25 + 0.1 * double(rng() % 6));
    }
    return rates;
}

bool sameResult(const SizingResult& a, const SizingResult& b)
{
    return a.symbol == b.symbol && a.qty == b.qty && a.qtyRaw == b.qtyRaw &&
           a.binding == b.binding && a.method == b.method && a.addRate == b.addRate &&
           a.maintenanceBeforeUsd == b.maintenanceBeforeUsd &&
           a.maintenanceAfterUsd == b.maintenanceAfterUsd && a.excessAfterUsd == b.excessAfterUsd &&
           a.exposureBeforePct == b.exposureBeforePct && a.exposureAfterPct == b.exposureAfterPct &&
           a.leverageBefore == b.leverageBefore && a.leverageAfter == b.leverageAfter &&
           a.targetFraction == b.targetFraction && a.kellyMultiple == b.kellyMultiple;
}

const std::vector<std::string>& symbolPool(const CryptoList& crypto)
{
    static const std::vector<std::string> pool = [&] {
        std::vector<std::string> symbols{"NVDA",     "AAPL",      "SPY",       "BRK.B",
                                         "ABCDEFGH", "ABCDEFGHI", "ABCDEFGHJ", "ABCDEFGHIJKL"};
        for (size_t i = 0; i < crypto.symbols().size(); i += 5)
            symbols.push_back(crypto.symbols()[i]);
        return symbols;
    }();
    return pool;
}

} // namespace

// Issue 25: the book's totals computed once size every call exactly as a pass over the
// positions does, for held, unheld and twice-held symbols, every mode, with and without rates.
void TestSizingProperties::preparedBookSizesAlike()
{
    const CryptoList crypto;
    const std::vector<std::string>& pool = symbolPool(crypto);
    std::mt19937_64 rng(20261207);
    int held = 0;
    for (int i = 0; i < 3'000; ++i) {
        const Account account = randomBook(rng, pool);
        const MarginRates rates = randomRates(rng, pool);
        SizingContext plain{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
        if (rng() % 2)
            plain.margin.rates = &rates;
        SizingContext prepared = plain;
        const PreparedBook book(account, crypto, plain.margin);
        prepared.prepared = &book;
        for (const std::string& symbol : pool) {
            held += account.find(symbol) != nullptr;
            for (SizingMode mode : {SizingMode::Enhanced, SizingMode::Legacy, SizingMode::Halt})
                for (bool reduce : {false, true}) {
                    SizingRequest request{symbol, 3.0 + double(rng() % 300), 0.001, 0.02, reduce};
                    if (rng() % 4 == 0)
                        request.muDaily = -0.001;
                    const auto a = sizePosition(mode, request, plain);
                    const auto b = sizePosition(mode, request, prepared);
                    QVERIFY2(a.ok() && b.ok() && sameResult(*a, *b),
                             qPrintable(QStringLiteral("case %1 %2 %3 reduce %4")
                                            .arg(i)
                                            .arg(QString::fromStdString(symbol))
                                            .arg(QLatin1String(sizingModeName(mode)))
                                            .arg(reduce)));
                }
        }
    }
    QVERIFY(held > 10'000); // the generator holds symbols, often twice
}

// A PreparedBook describes the account it was built from; another account, or the same one
// after a position was added, is sized from its own positions.
void TestSizingProperties::preparedBookOfAnotherBookIsIgnored()
{
    const CryptoList crypto;
    Account account{100'000.0, 400'000.0, {{"NVDA", 100.0, 500.0, 500.0}}};
    const PreparedBook book(account, crypto, MarginPolicy{});
    Account other = account;
    other.positions[0].qty = 200.0;
    const SizingRequest request{"NVDA", 500.0, 0.001, 0.02};

    SizingContext context{other, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    const auto plain = sizePosition(SizingMode::Enhanced, request, context);
    context.prepared = &book;
    const auto withOthers = sizePosition(SizingMode::Enhanced, request, context);
    QVERIFY(sameResult(*plain, *withOthers));
    QCOMPARE(withOthers->exposureBeforePct.value(), 100.0); // 200 x 500 / 100,000

    account.positions.push_back({"AAPL", 500.0, 200.0, 200.0}); // after `book` was built
    SizingContext grown{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    const auto fresh = sizePosition(SizingMode::Enhanced, request, grown);
    grown.prepared = &book;
    QVERIFY(sameResult(*fresh, *sizePosition(SizingMode::Enhanced, request, grown)));
    QCOMPARE(fresh->leverageBefore.value(), 1.5); // (50,000 + 100,000) / 100,000
}

// Issue 25: a symbol valid as given skips normalisation; any other spelling of it (lower
// case, separators) must still size exactly as the normal form, held or not, prepared or not.
void TestSizingProperties::spelledSymbolsSizeAsTheirNormalForm()
{
    const CryptoList crypto;
    const std::vector<std::string>& pool = symbolPool(crypto);
    std::mt19937_64 rng(20261208);
    const auto spellings = [](const std::string& symbol) {
        std::string lower = symbol;
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return std::vector<std::string>{lower, " " + symbol + "\t",
                                        symbol.substr(0, 1) + "/" + symbol.substr(1),
                                        lower.substr(0, 2) + "-" + symbol.substr(2)};
    };
    int compared = 0;
    for (int i = 0; i < 300; ++i) {
        const Account account = randomBook(rng, pool);
        SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
        const PreparedBook book(account, crypto, context.margin);
        if (rng() % 2)
            context.prepared = &book;
        for (const std::string& symbol : pool)
            for (SizingMode mode : {SizingMode::Enhanced, SizingMode::Legacy})
                for (const std::string& spelled : spellings(symbol)) {
                    const SizingRequest normal{symbol, 3.0 + double(rng() % 300), 0.001, 0.02};
                    SizingRequest request = normal;
                    request.symbol = spelled;
                    const auto a = sizePosition(mode, normal, context);
                    const auto b = sizePosition(mode, request, context);
                    QVERIFY2(a.ok() && b.ok() && sameResult(*a, *b) && b->symbol == symbol,
                             qPrintable(QString::fromStdString(spelled)));
                    ++compared;
                }
    }
    QCOMPARE(compared, 300 * int(pool.size()) * 2 * 4);
    // Not a symbol in any spelling: the input error, nothing sized.
    const Account account = randomBook(rng, pool);
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    for (const char* bad : {"", "NV$DA", "/", "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567"})
        QVERIFY2(!sizePosition(SizingMode::Enhanced, {bad, 10.0, 0.001, 0.02}, context).ok(), bad);
}

// Issue 25: the crypto list looks symbols up by their first 8 bytes as an integer. Symbols
// sharing those bytes, of every length 1-12, must be told apart exactly as a string compare.
void TestSizingProperties::cryptoListFindsExactlyItsSymbols()
{
    std::mt19937_64 rng(20261209);
    const std::string alphabet = "AB.9"; // few letters: many shared prefixes
    const auto randomSymbol = [&] {
        std::string symbol(1 + rng() % 12, 'A');
        for (char& c : symbol)
            c = alphabet[rng() % alphabet.size()];
        return symbol;
    };
    int found = 0;
    for (int list = 0; list < 200; ++list) {
        std::vector<std::string> symbols;
        for (int i = 0, n = 1 + int(rng() % 40); i < n; ++i)
            symbols.push_back(randomSymbol());
        const CryptoList crypto(symbols);
        for (int probe = 0; probe < 200; ++probe) {
            const std::string symbol = probe % 2 ? randomSymbol() : symbols[rng() % symbols.size()];
            const bool listed = std::find(symbols.begin(), symbols.end(), symbol) != symbols.end();
            QVERIFY2(crypto.contains(symbol) == listed, symbol.c_str());
            found += listed;
        }
    }
    QVERIFY(found > 20'000); // half the probes are listed symbols
}

// Issue 25: SPEC 2.8's rounding no longer calls std::floor. Against the rule written with
// it, for quantities from 1e-6 to 1e300, near whole steps and on both sides of 2^52.
void TestSizingProperties::roundingDownAgreesWithFloorAtEveryMagnitude()
{
    const auto byFloor = [](double qty, AssetClass assetClass) {
        const double stepsPerUnit = assetClass == AssetClass::Crypto ? 1000.0 : 1.0;
        const double steps = qty * stepsPerUnit;
        double whole = std::floor(steps);
        if (whole + 1.0 - steps <= 1e-9)
            whole += 1.0;
        return whole / stepsPerUnit;
    };
    std::mt19937_64 rng(20261210);
    std::uniform_real_distribution<double> exponent(-6.0, 300.0);
    std::vector<double> quantities{1.0,
                                   0.999999999999,
                                   2.0 - 1e-12,
                                   4503599627370495.5,
                                   4503599627370496.0,
                                   4503599627370497.0,
                                   9.2e18,
                                   1e300};
    for (int i = 0; i < 100'000; ++i) {
        const double qty = std::pow(10.0, exponent(rng));
        quantities.push_back(qty);
        quantities.push_back(std::nextafter(std::round(qty), 0.0)); // just under a whole step
    }
    for (double qty : quantities)
        for (AssetClass assetClass : {AssetClass::Stock, AssetClass::Crypto})
            QVERIFY2(roundDownQty(qty, assetClass) == byFloor(qty, assetClass),
                     qPrintable(QString::number(qty, 'g', 17)));
}

QTEST_APPLESS_MAIN(TestSizingProperties)
#include "tst_sizing_properties.moc"
