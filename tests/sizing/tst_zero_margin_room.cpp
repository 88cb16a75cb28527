// Issue 25: marginRoomSizesAddToZero (sizing/ZeroMarginRoom.h), which the lab asks before
// each order. Whenever it answers yes, the sizer itself must size the order 0 without an
// error: sizeEnhanced with and without SPEC 11's correlations (any rho, strongly negative
// ones included, which raise the Kelly fraction) and sizeLegacy, on random books around the
// margin limit, stocks and crypto, long and short forecasts.

#include "sizing/ZeroMarginRoom.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace kelly;

class TestZeroMarginRoom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ordersLeftUnsizedAreOnesTheSizerSizesZero();
    void leavesToTheSizerWhatItMustSee();
};

void TestZeroMarginRoom::ordersLeftUnsizedAreOnesTheSizerSizesZero()
{
    std::mt19937_64 random(25);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const CryptoList cryptoList;
    const MarginPolicy margin{0.25, 0.05, nullptr};
    const std::vector<std::string> names{"AAA", "BBB",    "CCC",    "DDD",    "EEE",
                                         "FFF", "BTCUSD", "ETHUSD", "DOGEUSD"};
    int skipped = 0, sized = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        Account account;
        account.equityUsd = 10000.0 + 90000.0 * unit(random);
        // Gross from a fraction of equity to past the margin limit, so the room left runs
        // from plenty to none.
        const double grossTarget = account.equityUsd * 4.5 * unit(random);
        const int held = 1 + static_cast<int>(unit(random) * 5);
        for (int h = 0; h < held; ++h) {
            const std::string& symbol = names[(trial + h) % 6];
            const double price = 5.0 + 495.0 * unit(random);
            const double qty = grossTarget / held / price * (unit(random) < 0.3 ? -1.0 : 1.0);
            account.positions.push_back(Position{symbol, qty, price, 0.0});
        }
        account.buyingPowerUsd = std::max(4.0 * account.equityUsd - account.grossUsd(), 0.0);
        const PreparedBook prepared(account, cryptoList, margin);

        const std::string& symbol = names[static_cast<std::size_t>(trial) % names.size()];
        const double price = (cryptoList.classify(symbol) == AssetClass::Crypto ? 0.05 : 5.0) *
                             std::pow(10.0, 3.0 * unit(random));
        const double mu = (unit(random) - 0.4) * 0.01;
        const double sigma = 0.002 + 0.05 * unit(random);
        for (bool enhanced : {true, false}) {
            SizingContext context{account, RiskLimits{}, cryptoList, 2.0, nullptr, nullptr};
            context.margin = margin;
            context.prepared = &prepared;
            const SizingRequest request{symbol, price, mu, sigma, false};
            const SizingMode mode = enhanced ? SizingMode::Enhanced : SizingMode::Legacy;
            if (!marginRoomSizesAddToZero(mode, request, context)) {
                ++sized;
                continue;
            }
            ++skipped;
            context.kellyFraction = 0.25 + 0.75 * unit(random);
            if (!enhanced) {
                const Result<SizingResult> legacy = sizeLegacy(request, context);
                QVERIFY(legacy);
                QVERIFY2(legacy->qty <= 0.0, qPrintable(QString::number(trial)));
                continue;
            }
            const Result<SizingResult> plain = sizeEnhanced(request, context);
            QVERIFY(plain);
            QVERIFY2(plain->qty <= 0.0, qPrintable(QString::number(trial)));
            BookCorrelation correlation;
            for (std::size_t h = 0; h < account.positions.size(); ++h) {
                correlation.rhoWithOrder.push_back(-1.0 + 2.0 * unit(random));
                correlation.sigmaDaily.push_back(0.05 * unit(random));
            }
            context.correlation = &correlation;
            const Result<SizingResult> correlated = sizeEnhanced(request, context);
            QVERIFY(correlated);
            QVERIFY2(correlated->qty <= 0.0, qPrintable(QString::number(trial)));
        }
    }
    // Both sides of the shortcut were exercised.
    QVERIFY2(skipped > 500, qPrintable(QString::number(skipped)));
    QVERIFY2(sized > 500, qPrintable(QString::number(sized)));
}

// With no margin room at all, the answer is still "size it" for what the sizer must see: a
// reduce, the halt mode, a request it rejects (its error is reported), a forecast left to the
// stored metrics, or a context without a prepared book that fits.
void TestZeroMarginRoom::leavesToTheSizerWhatItMustSee()
{
    const CryptoList cryptoList;
    const MarginPolicy margin{0.25, 0.05, nullptr};
    Account account{10000.0, 0.0, {Position{"AAA", 1000.0, 100.0, 100.0}}}; // 10x: no room
    const PreparedBook prepared(account, cryptoList, margin);
    SizingContext context{account, RiskLimits{}, cryptoList, 2.0, nullptr, nullptr};
    context.margin = margin;
    context.prepared = &prepared;
    const SizingRequest plain{"BBB", 50.0, 0.001, 0.02, false};
    QVERIFY(marginRoomSizesAddToZero(SizingMode::Enhanced, plain, context));
    QVERIFY(marginRoomSizesAddToZero(SizingMode::Legacy, plain, context));
    QVERIFY(!marginRoomSizesAddToZero(SizingMode::Halt, plain, context));

    SizingRequest reduce = plain;
    reduce.reduce = true;
    QVERIFY(!marginRoomSizesAddToZero(SizingMode::Enhanced, reduce, context));
    std::vector<SizingRequest> rejectedOrDerived(4, plain);
    rejectedOrDerived[0].symbol = "bbb"; // valid only once normalised
    rejectedOrDerived[1].priceUsd = 0.0;
    rejectedOrDerived[2].sigmaDaily = std::nullopt;
    rejectedOrDerived[3].muDaily = std::numeric_limits<double>::infinity();
    for (const SizingRequest& request : rejectedOrDerived)
        QVERIFY(!marginRoomSizesAddToZero(SizingMode::Enhanced, request, context));
    SizingContext unprepared = context;
    unprepared.prepared = nullptr;
    QVERIFY(!marginRoomSizesAddToZero(SizingMode::Enhanced, plain, unprepared));
    const Account other = account;
    SizingContext otherAccount{other, RiskLimits{}, cryptoList, 2.0, nullptr, nullptr};
    otherAccount.margin = margin;
    otherAccount.prepared = &prepared;
    QVERIFY(!marginRoomSizesAddToZero(SizingMode::Enhanced, plain, otherAccount));
}

QTEST_APPLESS_MAIN(TestZeroMarginRoom)
#include "tst_zero_margin_room.moc"
