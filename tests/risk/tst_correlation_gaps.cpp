// SPEC 5 on gapped builds wider than the build's 16-column tiles (37 symbols: two full
// tiles and a ragged one), where every pairwise kind of overlap occurs: whole, weekdays
// only, sparse, none at all, one short of the minimum, exactly the minimum, and constant on
// the overlap. Each pair against the textbook formula, the shrinkage intensity against its
// definition (SPEC 5, the header of Correlation.h) summed here pair by pair, and the
// covariance against its parts.
#include "CorrelationTestSeries.h"
#include "risk/Correlation.h"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <QTest>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace kelly;
using namespace kelly::test;

namespace {

// Each symbol's returns in the window standardised by its own window mean and sample sd
// (none for a constant symbol): the z of the shrinkage intensity.
std::map<std::string, double> standardised(const std::map<std::string, double>& returns)
{
    if (returns.size() < 2)
        return {};
    double mean = 0.0;
    for (const auto& [date, r] : returns)
        mean += r;
    mean /= static_cast<double>(returns.size());
    double squares = 0.0;
    for (const auto& [date, r] : returns)
        squares += (r - mean) * (r - mean);
    const double sd = std::sqrt(squares / static_cast<double>(returns.size() - 1));
    if (!(sd > 0.0))
        return {};
    std::map<std::string, double> z;
    for (const auto& [date, r] : returns)
        z[date] = (r - mean) / sd;
    return z;
}

// delta = sum_{i!=j} Var^(r_ij) / sum_{i!=j} r_ij^2 over the pairs with a correlation,
// Var^ = m/(m-1)^3 sum_k (w_k - mean w)^2 with w_k = z_ki z_kj on the m common dates.
double textbookShrinkage(const std::vector<PriceSeries>& all, const CorrelationBuild& build)
{
    const auto window = joinedWindow(all, build.lookback);
    std::vector<std::map<std::string, double>> z;
    for (const auto& series : all)
        z.push_back(standardised(windowReturns(series, window)));
    const std::size_t n = all.size();
    double varianceSum = 0.0, rhoSquareSum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto rho = build.correlation[i * n + j];
            if (!rho)
                continue;
            std::vector<double> w;
            for (const auto& [date, value] : z[i])
                if (const auto other = z[j].find(date); other != z[j].end())
                    w.push_back(value * other->second);
            const double m = static_cast<double>(w.size());
            double mean = 0.0;
            for (double v : w)
                mean += v / m;
            double spread = 0.0;
            for (double v : w)
                spread += (v - mean) * (v - mean);
            varianceSum += m / ((m - 1.0) * (m - 1.0) * (m - 1.0)) * spread;
            rhoSquareSum += *rho * *rho;
        }
    }
    return rhoSquareSum > 0.0 ? std::clamp(varianceSum / rhoSquareSum, 0.0, 1.0) : 1.0;
}

// Days 0..299: odd kinds of calendars, a few of each, cycling over the 37 symbols.
std::vector<int> calendarOf(int symbol)
{
    std::vector<int> days;
    for (int d = 0; d < 300; ++d) {
        const bool keep = [&] {
            switch (symbol % 7) {
            case 0:
                return true; // every day (crypto)
            case 1:
                return d % 7 < 5; // weekdays
            case 2:
                return d % 7 < 5 && d % (13 + symbol) != 4; // weekdays less holidays
            case 3:
                return d % 3 == 0; // many gaps
            case 4:
                return d < 120; // stops: no date in common with the last two kinds
            case 5:
                return d >= 270; // only the last 30 days
            default:
                return d >= 280 - symbol % 3; // 19, 20 or 21 returns
            }
        }();
        if (keep)
            days.push_back(d);
    }
    return days;
}

// The repair's lift against its definition, by Eigen's QR solver (an independent method):
// L L' = -V min(Lambda, 0) V' for R* = (1 - delta) R0 + delta I.
void checkLiftClipsNegativeEigenvalues(const CorrelationBuild& build)
{
    const auto n = static_cast<Eigen::Index>(build.symbols.size());
    Eigen::MatrixXd shrunk(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            shrunk(i, j) =
                i == j ? 1.0
                       : (1.0 - build.shrinkage) *
                             build.correlation[static_cast<std::size_t>(i * n + j)].value_or(0.0);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(shrunk);
    const Eigen::MatrixXd clipped = -solver.eigenvectors() *
                                    solver.eigenvalues().cwiseMin(0.0).asDiagonal() *
                                    solver.eigenvectors().transpose();
    const auto k = static_cast<Eigen::Index>(build.covarianceLift.size()) / n;
    const Eigen::Map<const Eigen::MatrixXd> lift(build.covarianceLift.data(), n, k);
    QCOMPARE(k, static_cast<Eigen::Index>((solver.eigenvalues().array() < 0.0).count()));
    const double difference = (lift * lift.transpose() - clipped).cwiseAbs().maxCoeff();
    QVERIFY2(difference < 1e-12,
             qPrintable(QStringLiteral("|LL' - clipped| = %1").arg(difference)));
}

} // namespace

class TestCorrelationGaps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wideGappedBuildMatchesTextbook_data();
    void wideGappedBuildMatchesTextbook();
};

void TestCorrelationGaps::wideGappedBuildMatchesTextbook_data()
{
    QTest::addColumn<bool>("gaps");
    QTest::newRow("gaps") << true;
    QTest::newRow("no gaps") << false;
}

void TestCorrelationGaps::wideGappedBuildMatchesTextbook()
{
    QFETCH(bool, gaps);
    std::vector<PriceSeries> all;
    for (int s = 0; s < 37; ++s) {
        const double a = std::sin(0.9 * s), b = std::cos(1.7 * s);
        ReturnOf r = [a, b, s](int d) {
            return a * wiggle(d) + b * otherWiggle(d) + 0.003 * std::sin(0.11 * d * (s + 1));
        };
        if (s == 11) // constant: blank against everything
            r = [](int) {
                return 0.0;
            };
        if (s == 14) // every day, constant from day 200: blank against the last-30-days ones
            r = [](int d) {
                return d >= 200 ? 0.0 : wiggle(d);
            };
        all.push_back(
            makeSeries("S" + std::to_string(100 + s), gaps ? calendarOf(s) : dayRange(0, 299), r));
    }
    const CorrelationBuild build = buildCorrelation(all, 250);
    const std::size_t n = all.size();
    compareWithNaive(all, build);

    int blank = 0, present = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            QCOMPARE(build.correlation[i * n + j], build.correlation[j * n + i]);
            (build.correlation[i * n + j] ? present : blank) += 1;
        }
    QVERIFY(present > 0);
    QCOMPARE(blank > 0, true); // the constant symbol at least

    const double expected = textbookShrinkage(all, build);
    QVERIFY2(std::abs(build.shrinkage - expected) <= 1e-12 * std::max(1.0, expected),
             qPrintable(QStringLiteral("shrinkage %1, textbook %2")
                            .arg(build.shrinkage, 0, 'g', 17)
                            .arg(expected, 0, 'g', 17)));
    checkLiftClipsNegativeEigenvalues(build);
    QCOMPARE(assembleCovariance(build), build.covarianceDaily);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            QCOMPARE(build.covarianceDaily[i * n + j], build.covarianceDaily[j * n + i]);
}

QTEST_GUILESS_MAIN(TestCorrelationGaps)
#include "tst_correlation_gaps.moc"
