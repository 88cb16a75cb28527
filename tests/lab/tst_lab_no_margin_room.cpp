// Issue 25: the lab leaves unsized the orders SPEC 15's margin room alone rounds to 0
// (lab/SizingShortcut.h). Whenever marginRoundsOrderToZero says so, the sizer itself must
// size the order 0 without an error: sizeEnhanced with and without SPEC 11's correlations
// (any rho, strongly negative ones included, which raise the Kelly fraction) and sizeLegacy,
// on random books around the margin limit, stocks and crypto, long and short forecasts.

#include "lab/SizingShortcut.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>

using namespace kelly;
using namespace kelly::lab;

class TestLabNoMarginRoom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ordersLeftUnsizedAreOnesTheSizerSizesZero();
};

void TestLabNoMarginRoom::ordersLeftUnsizedAreOnesTheSizerSizesZero()
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
        const AssetClass assetClass = cryptoList.classify(symbol);
        const double price =
            (assetClass == AssetClass::Crypto ? 0.05 : 5.0) * std::pow(10.0, 3.0 * unit(random));
        const double mu = (unit(random) - 0.4) * 0.01;
        const double sigma = 0.002 + 0.05 * unit(random);
        for (bool enhanced : {true, false}) {
            const LabOrder order{symbol, assetClass, true, price, mu, sigma, enhanced};
            if (!marginRoundsOrderToZero(order, account, prepared, cryptoList, margin)) {
                ++sized;
                continue;
            }
            ++skipped;
            SizingContext context{account, RiskLimits{}, cryptoList, 2.0, nullptr, nullptr};
            context.margin = margin;
            context.prepared = &prepared;
            context.kellyFraction = 0.25 + 0.75 * unit(random);
            const SizingRequest request{symbol, price, mu, sigma, false};
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

QTEST_APPLESS_MAIN(TestLabNoMarginRoom)
#include "tst_lab_no_margin_room.moc"
