// enhanced-corr's correlations (issue 25): ReturnPanel::Book computes one symbol's rho with
// a whole book four at a time in vector lanes; every value must be exactly, bit for bit,
// ReturnPanel::correlation's two-pass scalar loop on the same window (gaps, late starts, a
// flat series, pairs below 20 common returns, books of every size around a block of 4).

#include "IsoDates.h"
#include "lab/Forecast.h"
#include "lab/ReturnPanel.h"

#include <QTest>
#include <bit>
#include <cstdint>
#include <random>

using namespace kelly;
using namespace kelly::lab;

namespace {

// 12 symbols over 200 calendar days: some trade every day, the others weekdays with a few
// holes; two start late (one too late for 20 common returns in most windows); one is flat.
std::vector<PriceSeries> gappedPanel()
{
    std::mt19937_64 random(25);
    std::normal_distribution<double> shock(0.0, 0.02);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const long long start = daysFromIsoDate("2024-01-01");
    std::vector<PriceSeries> panel;
    for (int s = 0; s < 12; ++s) {
        PriceSeries series{"S" + std::to_string(10 + s), {}, {}};
        double close = 50.0 + s;
        const bool everyDay = s % 4 == 0;
        const long long firstDay = s == 5 ? 40 : s == 9 ? 150 : 0;
        for (long long day = firstDay; day < 200; ++day) {
            const long long weekday = (start + day + 4) % 7; // 0 = Sunday
            if (!everyDay && (weekday == 0 || weekday == 6 || uniform(random) < 0.05))
                continue;
            if (s != 7) // S17 never moves: rho with it is undefined
                close *= 1.0 + shock(random);
            series.dates.push_back(test::isoDateFromDays(start + day));
            series.closes.push_back(close);
        }
        panel.push_back(std::move(series));
    }
    return panel;
}

bool sameBits(const std::optional<double>& a, const std::optional<double>& b)
{
    return a.has_value() == b.has_value() &&
           (!a || std::bit_cast<std::uint64_t>(*a) == std::bit_cast<std::uint64_t>(*b));
}

} // namespace

class TestLabReturnPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bookCorrelationsAreTheScalarOnesBitForBit();
};

void TestLabReturnPanel::bookCorrelationsAreTheScalarOnesBitForBit()
{
    const std::vector<PriceSeries> panel = gappedPanel();
    std::vector<const PriceSeries*> series;
    for (const PriceSeries& s : panel)
        series.push_back(&s);
    ReturnPanel returns(series);
    ReturnPanel::Book book;
    std::vector<std::optional<double>> rho;
    int defined = 0, undefined = 0;
    const long long start = daysFromIsoDate("2024-01-01");
    for (long long day : {10LL, 35LL, 90LL, 160LL, 199LL, 260LL}) {
        returns.moveBefore(test::isoDateFromDays(start + day), 60);
        for (std::size_t a = 0; a < panel.size(); ++a) {
            // Books of 0 to 11 symbols: every size around the blocks of 4.
            book.clear(returns);
            std::vector<std::size_t> held;
            for (std::size_t b = 0; b <= panel.size(); ++b) {
                book.correlationsOf(returns, a, 20, rho);
                QCOMPARE(rho.size(), held.size());
                for (std::size_t h = 0; h < held.size(); ++h) {
                    const std::optional<double> scalar = returns.correlation(a, held[h], 20);
                    QVERIFY2(
                        sameBits(rho[h], scalar),
                        qPrintable(
                            QStringLiteral("day %1, rho(%2, %3)").arg(day).arg(a).arg(held[h])));
                    (scalar ? defined : undefined) += 1;
                }
                if (b < panel.size() && b != a) {
                    book.add(returns, b);
                    held.push_back(b);
                }
            }
        }
    }
    QVERIFY(defined > 1000);  // the comparison covered real correlations
    QVERIFY(undefined > 100); // and flat, short and empty windows
}

QTEST_APPLESS_MAIN(TestLabReturnPanel)
#include "tst_lab_return_panel.moc"
