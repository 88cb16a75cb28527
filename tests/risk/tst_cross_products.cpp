// The correlation build's pairwise products (core/risk/CrossProducts): each against the
// plain sum it stands for, on masks shaped to take every path of maskedSums.
#include "risk/CrossProducts.h"

#include <QTest>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace kelly;

class TestCrossProducts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void maskedSumsEqualPlainSums();
};

// Columns: full (totals, nothing subtracted), nearly full with scattered gaps (totals less
// a few rows), two nearly equal to it (an earlier column plus the rows that differ), nearly
// empty (zero plus a few rows), all empty, and random ones.
void TestCrossProducts::maskedSumsEqualPlainSums()
{
    constexpr std::ptrdiff_t rows = 251;
    constexpr std::ptrdiff_t n = 11;
    std::vector<double> x(rows * n);
    std::vector<double> mask(rows * n, 0.0);
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    auto random = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<double>(state >> 11) / 9007199254740992.0; // [0, 1)
    };
    for (std::ptrdiff_t j = 0; j < n; ++j) {
        for (std::ptrdiff_t k = 0; k < rows; ++k) {
            bool held = false;
            switch (j) {
            case 0:
                held = true;
                break;
            case 1:
                held = k % 7 != 5;
                break;
            case 2:
            case 3:
                held = k % 7 != 5 && k != 40 + j && k != 100 + 3 * j;
                break;
            case 4:
                held = k % 17 == 3;
                break;
            case 5:
                held = false;
                break;
            default:
                held = random() < 0.2 * static_cast<double>(j - 5);
            }
            mask[k + j * rows] = held ? 1.0 : 0.0;
            x[k + j * rows] = (random() - 0.5) * 0.04;
        }
    }
    std::vector<int> counts(n * n, 0);
    commonCounts(mask.data(), rows, n, counts.data());
    std::vector<double> sums(n * n, -1.0);
    std::vector<double> squares(n * n, -1.0);
    maskedSums(x.data(), mask.data(), rows, n, counts.data(), sums.data(), squares.data());
    for (std::ptrdiff_t j = 0; j < n; ++j) {
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            double sum = 0.0;
            double square = 0.0;
            int common = 0;
            for (std::ptrdiff_t k = 0; k < rows; ++k) {
                sum += x[k + i * rows] * mask[k + j * rows];
                square += x[k + i * rows] * x[k + i * rows] * mask[k + j * rows];
                common += mask[k + i * rows] != 0.0 && mask[k + j * rows] != 0.0 ? 1 : 0;
            }
            if (i >= j)
                QCOMPARE(counts[i + j * n], common);
            QVERIFY2(std::abs(sums[i + j * n] - sum) < 1e-15,
                     qPrintable(QStringLiteral("sums(%1, %2)").arg(i).arg(j)));
            QVERIFY2(std::abs(squares[i + j * n] - square) < 1e-16,
                     qPrintable(QStringLiteral("squares(%1, %2)").arg(i).arg(j)));
        }
    }
}

QTEST_GUILESS_MAIN(TestCrossProducts)
#include "tst_cross_products.moc"
