// SPEC 11: correlation-aware enhanced sizing. The worked example, every reason it does not
// apply, corrupt data, and properties over seeded random books.
#include "CorrelationFixture.h"
#include "risk/OrderCorrelation.h"
#include "sizing/Sizing.h"

#include <QTest>
#include <random>

using namespace kelly;

class TestCorrelationAware : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workedExample_data();
    void workedExample();
    void reasons_data();
    void reasons();
    void uncoveredReadAsZero();
    void hedgeGetsALargerAdd();
    void largestContributions();
    void corruptDataFallsBackToLegacy_data();
    void corruptDataFallsBackToLegacy();
    void zeroMuOrSigmaKeepsBaseZero();
    void properties();
};

namespace {

class CapturingLog : public SizingLogSink
{
public:
    void info(std::string_view line) override { lines.emplace_back(line); }
    std::vector<std::string> lines;
};

// SPEC 11's account: E = 100,000, BP = 400,000, AAPL held 100,000 long.
Account exampleAccount()
{
    return Account{100'000.0, 400'000.0, {{"AAPL", 500.0, 200.0, 190.0}}};
}

} // namespace

void TestCorrelationAware::workedExample_data()
{
    QTest::addColumn<double>("mu");
    QTest::addColumn<double>("expectedQty");
    QTest::addColumn<double>("expectedBase");
    QTest::addColumn<double>("expectedTarget");
    QTest::addColumn<QString>("expectedBinding");
    QTest::addColumn<double>("expectedUncorrelatedBase");
    QTest::addColumn<double>("expectedUncorrelatedQty");
    QTest::addColumn<QString>("expectedLogLine");

    // full = (0.001 - 0.0002419) / 0.0004 = 1.895 -> base 0.948, target 3.79; SPEC 15's
    // margin room binds: MR 30,000, (100,000 - 30,000 - 0.05 x 70,000) / 0.335 = 198,507.46.
    QTest::newRow("mu 0.001") << 0.001 << 1323.0 << 0.947628 << 3.790514 << "maintenance margin"
                              << 1.0 << 1323.0
                              << "NVDA: Enhanced Kelly sizing with 4.0x leverage - "
                                 "base_fraction=0.948, qty=1323, exposure: 0.0% -> 198.4%";
    // full = 0.645 -> base 0.323, target 1.29, qty 860 (uncorrelated: base 0.625, qty 1323).
    QTest::newRow("mu 0.0005") << 0.0005 << 860.0 << 0.322628 << 1.290514 << "kelly" << 0.625
                               << 1323.0
                               << "NVDA: Enhanced Kelly sizing with 4.0x leverage - "
                                  "base_fraction=0.323, qty=860, exposure: 0.0% -> 129.0%";
}

void TestCorrelationAware::workedExample()
{
    QFETCH(double, mu);
    QFETCH(double, expectedQty);
    QFETCH(double, expectedBase);
    QFETCH(double, expectedTarget);
    QFETCH(QString, expectedBinding);
    QFETCH(double, expectedUncorrelatedBase);
    QFETCH(double, expectedUncorrelatedQty);
    QFETCH(QString, expectedLogLine);

    const Account account = exampleAccount();
    const CryptoList crypto;
    const BookCorrelation correlation =
        bookCorrelationFromBuild(testing::nvdaAaplBuild(), "NVDA", account);
    CapturingLog log;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, &log, &correlation};
    const auto r = sizeEnhanced({"NVDA", 150.0, mu, 0.02}, context);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());

    QVERIFY(r->correlationAware);
    QVERIFY(!r->correlationReason);
    QVERIFY(r->uncovered.empty());
    // sigma_AAPL = 0.32 / sqrt(252) = 0.02016; book_cov = 0.02 x 1.0 x 0.6 x 0.02016.
    const double sigmaAapl = 0.32 / std::sqrt(252.0);
    QVERIFY(std::abs(sigmaAapl - 0.02016) < 5e-6);
    QVERIFY(std::abs(*r->bookCov - 0.02 * 1.0 * 0.6 * sigmaAapl) < 1e-15);
    QVERIFY(std::abs(*r->bookCov - 0.0002419) < 5e-8);
    QVERIFY(std::abs(*r->baseFraction - expectedBase) < 1e-6);
    QVERIFY(std::abs(*r->targetFraction - expectedTarget) < 1e-6);
    QCOMPARE(r->qty, expectedQty);
    QCOMPARE(QString::fromLatin1(bindingLimitName(r->binding)), expectedBinding);
    QCOMPARE(*r->baseFractionUncorrelated, expectedUncorrelatedBase);
    QCOMPARE(*r->qtyUncorrelated, expectedUncorrelatedQty);
    // The log line keeps SPEC 2.9's exact phrasing, with the adjusted base.
    QCOMPARE(log.lines.size(), size_t(1));
    QCOMPARE(QString::fromStdString(log.lines.front()), expectedLogLine);
    QCOMPARE(r->largestContributions.size(), size_t(1));
    QCOMPARE(r->largestContributions.front().symbol, std::string("AAPL"));
    QCOMPARE(r->largestContributions.front().rho, 0.6);
    QCOMPARE(r->largestContributions.front().weight, 1.0);
    QCOMPARE(r->largestContributions.front().bookCov, *r->bookCov);
}

void TestCorrelationAware::reasons_data()
{
    QTest::addColumn<int>("source"); // 0: no data given; 1: unavailable as set; 2: from build
    QTest::addColumn<int>("unavailable");
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("expectedReason");

    QTest::newRow("no data given") << 0 << 0 << "NVDA"
                                   << "no build";
    QTest::newRow("setting off") << 1 << int(CorrelationReason::SettingOff) << "NVDA"
                                 << "setting off";
    QTest::newRow("no build") << 1 << int(CorrelationReason::NoBuild) << "NVDA"
                              << "no build";
    QTest::newRow("stale build") << 1 << int(CorrelationReason::StaleBuild) << "NVDA"
                                 << "stale build";
    QTest::newRow("symbol not in build") << 2 << 0 << "MSFT"
                                         << "symbol not in build";
}

void TestCorrelationAware::reasons()
{
    QFETCH(int, source);
    QFETCH(int, unavailable);
    QFETCH(QString, symbol);
    QFETCH(QString, expectedReason);

    const Account account = exampleAccount();
    const CryptoList crypto;
    BookCorrelation correlation;
    if (source == 1)
        correlation.unavailable = static_cast<CorrelationReason>(unavailable);
    else if (source == 2)
        correlation =
            bookCorrelationFromBuild(testing::nvdaAaplBuild(), symbol.toStdString(), account);
    const SizingContext withData{
        account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, source == 0 ? nullptr : &correlation};
    const SizingContext plain{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr};
    const SizingRequest request{symbol.toStdString(), 150.0, 0.0005, 0.02};
    const auto r = sizeEnhanced(request, withData);
    QVERIFY(r.ok());
    QVERIFY(!r->correlationAware);
    QVERIFY(r->correlationReason);
    QCOMPARE(QString::fromLatin1(correlationReasonName(*r->correlationReason)), expectedReason);
    QVERIFY(!r->bookCov && !r->baseFractionUncorrelated && !r->qtyUncorrelated);
    // SPEC 2 holds exactly.
    const auto section2 = sizeEnhanced(request, plain);
    QCOMPARE(r->qty, section2->qty);
    QCOMPARE(*r->baseFraction, *section2->baseFraction);
    QCOMPARE(r->binding, section2->binding);
    QCOMPARE(r->qty, 1323.0); // SPEC 11's example: the margin room binds
}

void TestCorrelationAware::uncoveredReadAsZero()
{
    // TSLA is not in the build, SPY's cell with NVDA is blank: both read rho = 0, listed.
    const CorrelationBuild build = testing::correlationBuild(
        {"AAPL", "NVDA", "SPY"}, {1.0, 0.6, 0.5, 0.6, 1.0, std::nullopt, 0.5, std::nullopt, 1.0},
        {0.32, 0.5, 0.2});
    Account account = exampleAccount();
    account.positions.push_back({"SPY", 100.0, 500.0, 500.0});
    account.positions.push_back({"TSLA", -100.0, 300.0, 300.0});
    const CryptoList crypto;
    const BookCorrelation correlation = bookCorrelationFromBuild(build, "NVDA", account);
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, &correlation};
    const auto r = sizeEnhanced({"NVDA", 150.0, 0.0005, 0.02}, context);
    QVERIFY(r->correlationAware);
    QCOMPARE(r->uncovered, (std::vector<std::string>{"SPY", "TSLA"}));
    QVERIFY(std::abs(*r->bookCov - 0.02 * 0.6 * 0.32 / std::sqrt(252.0)) < 1e-15);
}

void TestCorrelationAware::hedgeGetsALargerAdd()
{
    // Short AAPL, positively correlated with NVDA: the long add hedges, so base rises.
    Account account = exampleAccount();
    account.positions.front().qty = -250.0; // -50,000
    const CryptoList crypto;
    const BookCorrelation correlation =
        bookCorrelationFromBuild(testing::nvdaAaplBuild(), "NVDA", account);
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, &correlation};
    const auto r = sizeEnhanced({"NVDA", 150.0, 0.0002, 0.02}, context);
    QVERIFY(*r->bookCov < 0.0);
    QVERIFY(*r->baseFraction > *r->baseFractionUncorrelated);
    QVERIFY(r->qty > *r->qtyUncorrelated);
}

void TestCorrelationAware::largestContributions()
{
    // Five held symbols; the three largest |shares| come first, largest first.
    const CorrelationBuild build = testing::correlationBuild(
        {"A", "B", "C", "D", "E", "NVDA"},
        {1, 0, 0, 0, 0, 0.1,  0, 1, 0, 0, 0, -0.8, 0,   0,    1,   0,    0,   0.3,
         0, 0, 0, 1, 0, 0.05, 0, 0, 0, 0, 1, 0.6,  0.1, -0.8, 0.3, 0.05, 0.6, 1},
        {0.2, 0.2, 0.2, 0.2, 0.2, 0.4});
    Account account{100'000.0, 400'000.0, {}};
    for (const char* symbol : {"A", "B", "C", "D", "E"})
        account.positions.push_back({symbol, 100.0, 100.0, 100.0});
    const CryptoList crypto;
    const BookCorrelation correlation = bookCorrelationFromBuild(build, "NVDA", account);
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, &correlation};
    const auto r = sizeEnhanced({"NVDA", 150.0, 0.001, 0.02}, context);
    QCOMPARE(r->largestContributions.size(), kTopBookCovContributions);
    QCOMPARE(r->largestContributions[0].symbol, std::string("B"));
    QCOMPARE(r->largestContributions[1].symbol, std::string("E"));
    QCOMPARE(r->largestContributions[2].symbol, std::string("C"));
    QVERIFY(r->largestContributions[0].bookCov < 0.0);
    QCOMPARE(r->largestContributions[0].rho, -0.8);
    QCOMPARE(r->largestContributions[0].weight, 0.1);
}

void TestCorrelationAware::corruptDataFallsBackToLegacy_data()
{
    QTest::addColumn<double>("rho");
    QTest::addColumn<double>("sigma");
    QTest::addColumn<int>("entries");
    QTest::addColumn<QString>("reason");

    QTest::newRow("NaN rho") << std::nan("") << 0.02 << 1 << "invalid stored correlation for AAPL";
    QTest::newRow("rho above 1") << 1.5 << 0.02 << 1 << "invalid stored correlation for AAPL";
    QTest::newRow("negative sigma")
        << 0.5 << -0.02 << 1 << "invalid stored annualized_volatility for AAPL";
    QTest::newRow("inf sigma") << 0.5 << std::numeric_limits<double>::infinity() << 1
                               << "invalid stored annualized_volatility for AAPL";
    QTest::newRow("misaligned") << 0.5 << 0.02 << 2
                                << "correlation data does not match the book (2 correlations, 2 "
                                   "volatilities, 1 positions)";
}

void TestCorrelationAware::corruptDataFallsBackToLegacy()
{
    QFETCH(double, rho);
    QFETCH(double, sigma);
    QFETCH(int, entries);
    QFETCH(QString, reason);

    const Account account = exampleAccount();
    const CryptoList crypto;
    BookCorrelation correlation;
    correlation.rhoWithOrder.assign(size_t(entries), rho);
    correlation.sigmaDaily.assign(size_t(entries), sigma);
    CapturingLog log;
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, &log, &correlation};
    const auto r = sizeEnhanced({"NVDA", 150.0, 0.0005, 0.02}, context);
    QVERIFY(r.ok());
    QCOMPARE(r->method, SizingMode::Legacy);
    QCOMPARE(QString::fromStdString(r->fallbackReason.value_or("")), reason);
    QCOMPARE(
        QString::fromStdString(log.lines.front()),
        QStringLiteral("NVDA: Enhanced sizing failed (%1), falling back to legacy").arg(reason));
}

void TestCorrelationAware::zeroMuOrSigmaKeepsBaseZero()
{
    const Account account = exampleAccount();
    const CryptoList crypto;
    const BookCorrelation correlation =
        bookCorrelationFromBuild(testing::nvdaAaplBuild(), "NVDA", account);
    const SizingContext context{account, RiskLimits{}, crypto, 2.0, nullptr, nullptr, &correlation};
    for (const auto& [mu, sigma] : {std::pair{0.0, 0.02}, std::pair{0.001, 0.0}}) {
        const auto r = sizeEnhanced({"NVDA", 150.0, mu, sigma}, context);
        QVERIFY(r->correlationAware);
        QCOMPARE(*r->baseFraction, 0.0);
        QCOMPARE(r->qty, 0.0);
        QCOMPARE(*r->bookCov, 0.0);
        QVERIFY(!std::signbit(*r->bookCov));
    }
}

namespace {

struct RandomBook
{
    Account account;
    BookCorrelation correlation;
    SizingRequest request;
    RiskLimits limits;
};

RandomBook randomBook(std::mt19937_64& rng)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto logUniform = [&](double lo, double hi) {
        return std::exp(std::log(lo) + unit(rng) * (std::log(hi) - std::log(lo)));
    };
    RandomBook b;
    b.account.equityUsd = logUniform(1e3, 1e8);
    b.account.buyingPowerUsd = unit(rng) < 0.05 ? 0.0 : logUniform(1e2, 4e8);
    b.limits.intradayLeverage = unit(rng) < 0.2 ? 1.0 : 1.0 + unit(rng) * 5.0;
    b.limits.symbolCapPct = 1.0 + unit(rng) * 99.0;
    const int held = static_cast<int>(rng() % 51);
    for (int i = 0; i < held; ++i) {
        const double price = logUniform(0.5, 2e3);
        const double value = logUniform(1, 2.0 * b.account.equityUsd);
        const double qty = (unit(rng) < 0.3 ? -1.0 : 1.0) * value / price;
        b.account.positions.push_back({"H" + std::to_string(i), qty, price, price});
        b.correlation.rhoWithOrder.push_back(unit(rng) < 0.1 ? std::nullopt
                                                             : std::optional(unit(rng) * 2 - 1));
        b.correlation.sigmaDaily.push_back(logUniform(1e-3, 0.1));
    }
    // Half the time s is also held, with an entry the sizer must ignore.
    b.request.symbol = unit(rng) < 0.5 && held > 0 ? "H0" : "NVDA";
    b.request.priceUsd = logUniform(0.5, 2e3);
    b.request.muDaily = (unit(rng) - 0.5) * 0.01;
    b.request.sigmaDaily = logUniform(1e-3, 0.1);
    return b;
}

QByteArray describe(int i, const RandomBook& b)
{
    return "case " + QByteArray::number(i) + " " + b.request.symbol.c_str() + " mu " +
           QByteArray::number(*b.request.muDaily, 'g', 17);
}

bool allFinite(const SizingResult& r)
{
    for (const std::optional<double>& v :
         {std::optional(r.qty), std::optional(r.qtyRaw), r.baseFraction, r.targetFraction,
          r.bookCov, r.baseFractionUncorrelated, r.qtyUncorrelated, r.exposureAfterPct,
          r.leverageAfter})
        if (v && !std::isfinite(*v))
            return false;
    for (const BookCovContribution& c : r.largestContributions)
        if (!std::isfinite(c.bookCov) || !std::isfinite(c.weight))
            return false;
    return true;
}

} // namespace

void TestCorrelationAware::properties()
{
    const CryptoList crypto;
    std::mt19937_64 rng(20261130);
    constexpr int kCases = 20'000;
    int smallerAdds = 0;
    for (int i = 0; i < kCases; ++i) {
        RandomBook b = randomBook(rng);
        const QByteArray where = describe(i, b);
        const SizingContext context{b.account, b.limits, crypto,        2.0,
                                    nullptr,   nullptr,  &b.correlation};
        const SizingContext section2Context{b.account, b.limits, crypto, 2.0, nullptr, nullptr};
        const auto r = sizeEnhanced(b.request, context);
        const auto section2 = sizeEnhanced(b.request, section2Context);
        QVERIFY2(r.ok() && section2.ok(), where);
        QVERIFY2(r->method == SizingMode::Enhanced, where);
        QVERIFY2(allFinite(*r), where);
        QVERIFY2(r->qty >= 0.0, where);
        if (r->binding == BindingLimit::SymbolCap && !r->bookCov)
            continue; // s already at its cap: no Kelly step (SPEC 2.3)
        QVERIFY2(r->correlationAware, where);
        QCOMPARE(*r->qtyUncorrelated, section2->qty);
        QCOMPARE(*r->baseFractionUncorrelated, *section2->baseFraction);

        // Never past SPEC 2's rooms.
        const double E = b.account.equityUsd;
        const Position* held = b.account.find(b.request.symbol);
        const double current = held ? held->currentUsd() : 0.0;
        const double value = r->qty * b.request.priceUsd;
        const double tolerance = 1e-9 * E * b.limits.intradayLeverage + 1e-6;
        QVERIFY2(value <=
                     (b.limits.symbolCapPct / 100.0 * E - current) * b.limits.intradayLeverage +
                         tolerance,
                 where);
        QVERIFY2(value <= b.account.buyingPowerUsd + tolerance, where);
        QVERIFY2(value <= std::max(b.limits.intradayLeverage * E - b.account.grossUsd(), 0.0) +
                              tolerance,
                 where);

        // Flipping the order's direction flips the sign of book_cov.
        SizingRequest flipped = b.request;
        flipped.muDaily = -*b.request.muDaily;
        const auto opposite = sizeEnhanced(flipped, context);
        QVERIFY2(*opposite->bookCov == -*r->bookCov, where);

        // All held rho = 0: SPEC 2 exactly.
        BookCorrelation uncorrelated = b.correlation;
        for (auto& rho : uncorrelated.rhoWithOrder)
            if (rho)
                rho = 0.0;
        const SizingContext zeroContext{b.account, b.limits, crypto,       2.0,
                                        nullptr,   nullptr,  &uncorrelated};
        const auto zero = sizeEnhanced(b.request, zeroContext);
        QVERIFY2(zero->qty == section2->qty && *zero->baseFraction == *section2->baseFraction &&
                     zero->binding == section2->binding &&
                     *zero->targetFraction == *section2->targetFraction,
                 where);

        // A positively correlated long position added never increases a long add.
        if (*b.request.muDaily > 0.0) {
            RandomBook more = b;
            const double price = 50.0;
            more.account.positions.push_back(
                {"ADDED", (0.01 + 0.5 * (i % 7)) * E / price, price, price});
            more.correlation.rhoWithOrder.push_back(0.05 + 0.9 * ((i % 11) / 10.0));
            more.correlation.sigmaDaily.push_back(0.005 + 0.002 * (i % 13));
            const SizingContext moreContext{more.account, more.limits, crypto,           2.0,
                                            nullptr,      nullptr,     &more.correlation};
            const auto added = sizeEnhanced(b.request, moreContext);
            QVERIFY2(added->qty <= r->qty, where);
            QVERIFY2(*added->baseFraction <= *r->baseFraction, where);
            smallerAdds += added->qty < r->qty;
        }
    }
    // The properties must have had something to bite on.
    QVERIFY2(smallerAdds > kCases / 20, QByteArray::number(smallerAdds));
}

QTEST_APPLESS_MAIN(TestCorrelationAware)
#include "tst_correlation_aware.moc"
