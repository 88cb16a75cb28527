#include "Correlation.h"

#include "CrossProducts.h"
#include "PriceFile.h"
#include "Tridiagonal.h"
#include "common/Beside.h"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <future>
#include <lapack.h>
#include <limits>
#include <mutex>
#include <utility>

extern "C" char* openblas_get_corename(void); // OpenBLAS' own symbol (cblas.h)

namespace kelly {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Below this share of its mean square a column's variance is rounding noise: the series is
// constant and has no correlation (SPEC 5 blank), as pandas' exact zero divisor gives NaN.
constexpr double kConstantRelativeVariance = 1e-12;

// Days since 1970-01-01 of an ISO date (proleptic Gregorian; H. Hinnant's algorithm).
int dayNumber(std::string_view iso)
{
    const int y0 =
        (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    const int month = (iso[5] - '0') * 10 + (iso[6] - '0');
    const int day = (iso[8] - '0') * 10 + (iso[9] - '0');
    const int year = y0 - (month <= 2 ? 1 : 0);
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yearOfEra = year - era * 400;
    const int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

// The n x n loops below touch each pair (i, j) and its mirror (j, i) of column-major
// 500 x 500 matrices (2 MB each): walked a row or a column at a time, one of the two is
// read with a stride of n and misses the cache on every cell. In tiles of kTile columns
// both stay in lines already loaded.
constexpr Eigen::Index kTile = 16;

// Calls cell(i, j) once for every i >= j of an n x n matrix, tile by tile.
template <class Cell> void forEachLowerTiled(Eigen::Index n, Cell cell)
{
    for (Eigen::Index first = 0; first < n; first += kTile) {
        const Eigen::Index end = std::min(first + kTile, n);
        for (Eigen::Index i = first; i < n; ++i)
            for (Eigen::Index j = first; j < std::min(end, i + 1); ++j)
                cell(i, j);
    }
}

// Calls cell(i, j) once for every entry of an n x n matrix, tile by tile.
template <class Cell> void forEachTiled(Eigen::Index n, Cell cell)
{
    for (Eigen::Index first = 0; first < n; first += kTile) {
        const Eigen::Index end = std::min(first + kTile, n);
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index j = first; j < end; ++j)
                cell(i, j);
    }
}

// Copies the strictly lower triangle of a square matrix onto the upper one.
void mirrorLowerTiled(MatrixXd& matrix)
{
    forEachLowerTiled(matrix.rows(),
                      [&matrix](Eigen::Index i, Eigen::Index j) { matrix(j, i) = matrix(i, j); });
}

// The window's returns as a T x N matrix (0 where missing) and its 0/1 mask.
struct ReturnWindow
{
    MatrixXd returns;
    MatrixXd mask;
    std::vector<int> counts;
};

ReturnWindow joinReturns(const std::vector<PriceSeries>& series, int lookback)
{
    // The window is the last `lookback` dates of the joined index. A series' dates inside
    // it are at most `lookback` of its newest, so only those need reading: the union of
    // every series' newest `lookback` dates holds the whole window.
    const std::size_t symbolCount = series.size();
    const auto tail = static_cast<std::size_t>(lookback);
    int minDay = std::numeric_limits<int>::max();
    int maxDay = std::numeric_limits<int>::min();
    std::vector<std::vector<int>> days(symbolCount); // of the series' last `tail` dates
    for (std::size_t s = 0; s < symbolCount; ++s) {
        const auto& dates = series[s].dates;
        const std::size_t first = dates.size() > tail ? dates.size() - tail : 0;
        days[s].reserve(dates.size() - first);
        for (std::size_t k = first; k < dates.size(); ++k) {
            // Precondition of buildCorrelation; an invalid date is dropped, never misread.
            const int day =
                isIsoDate(dates[k]) ? dayNumber(dates[k]) : std::numeric_limits<int>::min();
            days[s].push_back(day);
            if (day != std::numeric_limits<int>::min()) {
                minDay = std::min(minDay, day);
                maxDay = std::max(maxDay, day);
            }
        }
    }
    ReturnWindow window;
    window.counts.assign(symbolCount, 0);
    if (minDay > maxDay) {
        window.returns = MatrixXd::Zero(0, static_cast<Eigen::Index>(symbolCount));
        window.mask = window.returns;
        return window;
    }

    // The joined index is the union of every series' dates (pandas' outer join).
    std::vector<int> joinedIndex(static_cast<std::size_t>(maxDay - minDay) + 1, -1);
    for (const auto& symbolDays : days)
        for (int day : symbolDays)
            if (day != std::numeric_limits<int>::min())
                joinedIndex[static_cast<std::size_t>(day - minDay)] = 0;
    int joinedCount = 0;
    for (int& index : joinedIndex)
        if (index >= 0)
            index = joinedCount++;
    const int first = std::max(0, joinedCount - lookback);
    const int rows = joinedCount - first;

    window.returns = MatrixXd::Zero(rows, static_cast<Eigen::Index>(symbolCount));
    window.mask = MatrixXd::Zero(rows, static_cast<Eigen::Index>(symbolCount));
    for (std::size_t s = 0; s < symbolCount; ++s) {
        const auto& closes = series[s].closes;
        const auto& symbolDays = days[s];
        // days[s][d] is the date of close offset + d.
        const std::size_t points = std::min(closes.size(), series[s].dates.size());
        const std::size_t offset = series[s].dates.size() - symbolDays.size();
        // Walk back from the newest close until the window starts.
        for (std::size_t k = points; k-- > std::max<std::size_t>(offset, 1);) {
            const int day = symbolDays[k - offset];
            if (day == std::numeric_limits<int>::min())
                continue;
            const int row = joinedIndex[static_cast<std::size_t>(day - minDay)] - first;
            if (row < 0)
                break;
            const double r = closes[k] / closes[k - 1] - 1.0;
            if (!std::isfinite(r))
                continue;
            window.returns(row, static_cast<Eigen::Index>(s)) = r;
            window.mask(row, static_cast<Eigen::Index>(s)) = 1.0;
            ++window.counts[s];
        }
    }
    return window;
}

// Debian's serial OpenBLAS is built without USE_LOCKING, so it does not promise to be safe
// when two threads call it at once (the dashboard rebuilds on one thread while its store
// reader assembles on another). Every BLAS and LAPACK call in kellymath is in this file and
// runs under this lock.
std::mutex& blasMutex()
{
    static std::mutex mutex;
    return mutex;
}

// R* = (1 - delta) R0 + delta I, from the build's pairwise correlation (blanks as 0, unit
// diagonal, also for a constant symbol's blank one).
MatrixXd shrunkCorrelation(const CorrelationBuild& build, Eigen::Index n)
{
    MatrixXd shrunk(n, n);
    forEachTiled(n, [&](Eigen::Index i, Eigen::Index j) {
        shrunk(i, j) = (1.0 - build.shrinkage) *
                       build.correlation[static_cast<std::size_t>(i * n + j)].value_or(0.0);
    });
    shrunk.diagonal().setOnes();
    return shrunk;
}

// The lift L that repairs R* to positive semi-definite when the pairwise R is not:
// R* + L L' clips its negative eigenvalues to 0 (assembleCovariance then rescales to a unit
// diagonal: one step of Higham's nearest-correlation method). Clipping touches only the
// offending directions, where raising delta would shrink every correlation of a gappy
// 500-symbol build toward 0 and understate the risk of a concentrated book.
// L = V sqrt(-Lambda) over the negative eigenpairs only: dsyevr's steps for a range of
// eigenvalues, in double, a fraction of a full decomposition when, as with gaps, a few
// dozen of 500 are negative. The reduction to tridiagonal form and the product with its
// reflectors, most of the work, run on our loops (Tridiagonal.h); LAPACK's dstemr solves the
// tridiagonal problem. Empty (n x 0) when R* is already PSD. Without gaps R is a sample
// correlation matrix, PSD but for rounding, and a Cholesky factorisation is the cheap proof;
// with gaps R is usually indefinite, a failing factorisation would be wasted work, and the
// eigenvalues settle it instead.
MatrixXd repairLift(const MatrixXd& shrunk, bool hasGaps)
{
    if (shrunk.rows() == 0 || (!hasGaps && Eigen::LLT<MatrixXd>(shrunk).info() == Eigen::Success))
        return MatrixXd(shrunk.rows(), 0); // positive definite

    const auto n = static_cast<lapack_int>(shrunk.rows());
    MatrixXd reflectors = shrunk; // reduced in place
    VectorXd diagonal(n), offDiagonal(n), tau(n);
    reduceToTridiagonal(reflectors.data(), n, diagonal.data(), offDiagonal.data(), tau.data());

    // Eigenvalues in (lower, 0]: every eigenvalue is within the largest absolute row sum
    // (Gershgorin), and a zero one adds nothing, so the bound may include it. dstemr (the
    // MRRR method dsyevr uses for a whole spectrum) finds just those and their vectors.
    const double lower = -shrunk.cwiseAbs().rowwise().sum().maxCoeff() - 1.0;
    const double upper = 0.0;
    const lapack_int unusedIndex = 0;
    lapack_int found = 0;
    lapack_int status = 0;
    lapack_int relativeAccuracy = 1; // try for it, as dsyevr does; dstemr may decline
    VectorXd eigenvalues(n);
    MatrixXd eigenvectors(n, 1);
    std::vector<lapack_int> support(2 * static_cast<std::size_t>(n));
    auto dstemr = [&](lapack_int columns, double* work, lapack_int workSize, lapack_int* iwork,
                      lapack_int iworkSize) {
        LAPACK_dstemr("V", "V", &n, diagonal.data(), offDiagonal.data(), &lower, &upper,
                      &unusedIndex, &unusedIndex, &found, eigenvalues.data(), eigenvectors.data(),
                      &n, &columns, support.data(), &relativeAccuracy, work, &workSize, iwork,
                      &iworkSize, &status);
    };
    double workQuery = 0.0;
    lapack_int iworkQuery = 0;
    dstemr(-1, &workQuery, -1, &iworkQuery, -1); // asks for the columns and workspace sizes
    if (status == 0) {
        const auto columns = static_cast<lapack_int>(eigenvectors(0, 0));
        eigenvectors.resize(n, std::max<lapack_int>(columns, 1));
        std::vector<double> work(static_cast<std::size_t>(workQuery));
        std::vector<lapack_int> iwork(static_cast<std::size_t>(iworkQuery));
        dstemr(static_cast<lapack_int>(eigenvectors.cols()), work.data(),
               static_cast<lapack_int>(work.size()), iwork.data(),
               static_cast<lapack_int>(iwork.size()));
    }
    if (status == 0 && found > 0)
        applyTridiagonalReflectors(reflectors.data(), n, tau.data(), eigenvectors.data(), found);
    if (status != 0) {
        // dstemr gave up (rare, on clustered eigenvalues): the slower QR solver always ends.
        const Eigen::SelfAdjointEigenSolver<MatrixXd> full(shrunk);
        eigenvalues = full.eigenvalues(); // ascending: the negative ones come first
        eigenvectors = full.eigenvectors();
        found = static_cast<lapack_int>((eigenvalues.array() < 0.0).count());
    }
    return eigenvectors.leftCols(found) *
           (-eigenvalues.head(found)).cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

// Whether a build's covariance parts fit its symbols (assembleCovariance's precondition).
bool covariancePartsFit(const CorrelationBuild& build)
{
    const std::size_t symbolCount = build.symbols.size();
    return build.correlation.size() == symbolCount * symbolCount &&
           build.dailyVolatility.size() == symbolCount &&
           (symbolCount > 0 ? build.covarianceLift.size() % symbolCount == 0
                            : build.covarianceLift.empty());
}

// assembleCovariance from `repaired` = shrunkCorrelation(build), for callers that hold
// blasMutex() and have checked covariancePartsFit.
std::vector<double> covarianceFromShrunk(const CorrelationBuild& build, MatrixXd repaired)
{
    const std::size_t symbolCount = build.symbols.size();
    const auto n = static_cast<Eigen::Index>(symbolCount);
    if (!build.covarianceLift.empty()) {
        const Eigen::Map<const MatrixXd> lift(
            build.covarianceLift.data(), n,
            static_cast<Eigen::Index>(build.covarianceLift.size() / symbolCount));
        repaired.selfadjointView<Eigen::Lower>().rankUpdate(lift);
        // Lifting only adds to the diagonal, so every entry there is >= 1: each pair is
        // scaled once and mirrored, so the result is exactly symmetric (the store keeps
        // one triangle).
        const VectorXd scale = repaired.diagonal().cwiseSqrt();
        forEachLowerTiled(n, [&](Eigen::Index i, Eigen::Index j) {
            repaired(j, i) = repaired(i, j) = i == j ? 1.0 : repaired(i, j) / (scale(i) * scale(j));
        });
    }
    std::vector<double> covariance(symbolCount * symbolCount);
    forEachTiled(n, [&](Eigen::Index i, Eigen::Index j) {
        covariance[static_cast<std::size_t>(i * n + j)] =
            build.dailyVolatility[static_cast<std::size_t>(i)] *
            build.dailyVolatility[static_cast<std::size_t>(j)] * repaired(i, j);
    });
    return covariance;
}

} // namespace

std::optional<InputError> checkLookback(int lookback)
{
    if (lookback < 1)
        return InputError{"lookback", "must be a whole number of days >= 1"};
    return std::nullopt;
}

bool metricsUsableForSizing(const VolatilityMetrics& metrics)
{
    return metrics.returnsUsed >= 2 && std::isfinite(metrics.annualizedVolatility) &&
           metrics.annualizedVolatility >= 0.0;
}

VolatilityMetrics computeVolatilityMetrics(const std::vector<double>& closes, int lookback)
{
    VolatilityMetrics metrics;
    if (closes.empty())
        return metrics;
    const std::size_t available = closes.size() - 1;
    const std::size_t count = std::min(available, static_cast<std::size_t>(std::max(1, lookback)));
    const std::size_t firstClose = closes.size() - 1 - count;

    std::vector<double> returns;
    returns.reserve(count);
    for (std::size_t k = firstClose + 1; k < closes.size(); ++k) {
        const double r = closes[k] / closes[k - 1] - 1.0;
        if (std::isfinite(r))
            returns.push_back(r);
    }
    const auto n = returns.size();
    metrics.returnsUsed = static_cast<int>(n);

    double peak = closes[firstClose];
    for (std::size_t k = firstClose; k < closes.size(); ++k) {
        peak = std::max(peak, closes[k]);
        if (peak > 0.0 && std::isfinite(closes[k]))
            metrics.maxDrawdown = std::min(metrics.maxDrawdown, closes[k] / peak - 1.0);
    }
    if (n == 0)
        return metrics;

    // Two passes, as pandas' std does: mean first, then squared deviations. Returns
    // {mean, sample std}; the std is 0 below two values or for a constant series.
    auto meanAndStd = [](const std::vector<double>& values) {
        double sum = 0.0, sumSquares = 0.0;
        for (double v : values) {
            sum += v;
            sumSquares += v * v;
        }
        const double mean = sum / static_cast<double>(values.size());
        if (values.size() < 2)
            return std::pair{mean, 0.0};
        double deviations = 0.0;
        for (double v : values)
            deviations += (v - mean) * (v - mean);
        if (deviations <= kConstantRelativeVariance * sumSquares)
            return std::pair{mean, 0.0};
        return std::pair{mean, std::sqrt(deviations / static_cast<double>(values.size() - 1))};
    };
    const auto [mean, stdDaily] = meanAndStd(returns);
    const double annualize = std::sqrt(kAnnualizationDays);
    metrics.annualizedVolatility = stdDaily * annualize;
    if (stdDaily > 0.0)
        metrics.sharpeRatio = mean / stdDaily * annualize;

    std::vector<double> negatives;
    for (double r : returns)
        if (r < 0.0)
            negatives.push_back(r);
    metrics.downsideVolatility =
        negatives.size() >= 2 ? meanAndStd(negatives).second * annualize : 0.0;

    // 5th percentile, linear interpolation between closest ranks (numpy's default).
    // Only the two order statistics around the position are needed, not a full sort.
    std::vector<double> ranked = returns;
    const double position = 0.05 * static_cast<double>(n - 1);
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const double fraction = position - static_cast<double>(lower);
    const auto lowerIt = ranked.begin() + static_cast<std::ptrdiff_t>(lower);
    std::nth_element(ranked.begin(), lowerIt, ranked.end());
    const double below = *lowerIt;
    const double above = lower + 1 < n ? *std::min_element(lowerIt + 1, ranked.end()) : below;
    metrics.var95 = lower + 1 < n ? below + fraction * (above - below) : below;
    return metrics;
}

CorrelationBuild buildPairwiseCorrelation(const std::vector<PriceSeries>& series, int lookback)
{
    lookback = std::max(1, lookback);
    CorrelationBuild build;
    build.lookback = lookback;
    const auto n = static_cast<Eigen::Index>(series.size());
    const std::size_t symbolCount = series.size();

    // The per-symbol metrics need nothing from the matrices: they run on a second core
    // while this thread joins the returns and builds the matrices.
    auto allMetrics = [&series, lookback] {
        std::vector<VolatilityMetrics> metrics;
        metrics.reserve(series.size());
        for (const PriceSeries& one : series)
            metrics.push_back(computeVolatilityMetrics(one.closes, lookback));
        return metrics;
    };
    std::future<std::vector<VolatilityMetrics>> metrics = startBeside(allMetrics);

    const ReturnWindow window = joinReturns(series, lookback);
    const auto rows = window.returns.rows();

    build.symbols.reserve(symbolCount);
    for (std::size_t s = 0; s < symbolCount; ++s) {
        const PriceSeries& one = series[s];
        build.symbols.push_back(one.symbol);
        SymbolQuality quality;
        quality.symbol = one.symbol;
        quality.returnsUsed = window.counts[s];
        quality.missing = static_cast<int>(rows) - window.counts[s];
        if (!one.dates.empty()) {
            quality.firstDate = one.dates.front();
            quality.lastDate = one.dates.back();
        }
        build.quality.push_back(std::move(quality));
    }

    const std::lock_guard blasLock(blasMutex());
    // Centre each column on its own window mean: the moments below then carry no large
    // offset, so the one-pass pairwise formulas keep full precision.
    VectorXd means(n), meanSquares(n), sumSquares(n), stdDaily(n);
    std::vector<bool> constant(symbolCount, true);
    MatrixXd centred = window.returns;
    for (Eigen::Index s = 0; s < n; ++s) {
        const double count = window.counts[static_cast<std::size_t>(s)];
        means(s) = count > 0 ? window.returns.col(s).sum() / count : 0.0;
        meanSquares(s) = count > 0 ? window.returns.col(s).squaredNorm() / count : 0.0;
        centred.col(s) = (window.returns.col(s).array() - means(s)) * window.mask.col(s).array();
        sumSquares(s) = centred.col(s).squaredNorm();
        constant[static_cast<std::size_t>(s)] =
            count < 2 || sumSquares(s) <= kConstantRelativeVariance * count * meanSquares(s);
        stdDaily(s) =
            constant[static_cast<std::size_t>(s)] ? 0.0 : std::sqrt(sumSquares(s) / (count - 1.0));
    }

    const bool complete = std::all_of(window.counts.begin(), window.counts.end(),
                                      [rows](int c) { return c == rows; });
    build.correlation.assign(symbolCount * symbolCount, std::nullopt);
    build.observations.resize(symbolCount * symbolCount);
    // Writes one pair's count and correlation (blank when not valid), both triangles.
    auto setPair = [&build, n](Eigen::Index i, Eigen::Index j, int count,
                               std::optional<double> value) {
        const auto lower = static_cast<std::size_t>(i * n + j);
        const auto upper = static_cast<std::size_t>(j * n + i);
        build.observations[lower] = build.observations[upper] = count;
        if (value)
            build.correlation[lower] = build.correlation[upper] =
                i == j ? 1.0 : std::clamp(*value, -1.0, 1.0);
    };

    // z: each column standardised by its own window mean and sd (0 where missing).
    MatrixXd z = MatrixXd::Zero(rows, n);
    for (Eigen::Index s = 0; s < n; ++s)
        if (stdDaily(s) > 0.0)
            z.col(s) = centred.col(s) / stdDaily(s);

    // sum_k z_ki^2 z_kj^2 for the shrinkage intensity below needs only z: it runs on a
    // second core while this one works out the pairwise moments (our own kernel, not BLAS).
    auto squareProducts = [&z, rows, n] {
        MatrixXd products(n, n);
        if (n > 1 && rows > 1) {
            const MatrixXd zz = z.array().square().matrix();
            crossProducts(zz.data(), zz.data(), rows, n, products.data(), true);
        }
        return products;
    };
    std::future<MatrixXd> productSquares = startBeside(squareProducts);

    // sum_k z_ki z_kj over each pair's common rows (lower triangle), reused by the
    // shrinkage intensity below.
    MatrixXd zCross = MatrixXd::Zero(n, n);
    if (complete) {
        // Fast path (no gaps): one product of the standardised matrix gives every rho.
        crossProducts(z.data(), z.data(), rows, n, zCross.data(), true);
        const double divisor = std::max<double>(1.0, static_cast<double>(rows - 1));
        forEachLowerTiled(n, [&](Eigen::Index i, Eigen::Index j) {
            const bool valid = rows >= kMinCorrelationObservations &&
                               !constant[static_cast<std::size_t>(i)] &&
                               !constant[static_cast<std::size_t>(j)];
            setPair(i, j, static_cast<int>(rows),
                    valid ? std::optional<double>(zCross(i, j) / divisor) : std::nullopt);
        });
    } else {
        // Pairwise-complete moments from mask products: count(i,j) = M'M, sum of x_i over
        // the rows j also has = (X'M)(i,j), and the same for squares and cross products.
        Eigen::MatrixXi pairCounts(n, n);
        commonCounts(window.mask.data(), rows, n, pairCounts.data());
        MatrixXd sums(n, n), squares(n, n), cross(n, n);
        maskedSums(centred.data(), window.mask.data(), rows, n, pairCounts.data(), sums.data(),
                   squares.data());
        crossProducts(centred.data(), centred.data(), rows, n, cross.data(), true);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = j; i < n; ++i)
                if (stdDaily(i) > 0.0 && stdDaily(j) > 0.0)
                    zCross(i, j) = cross(i, j) / (stdDaily(i) * stdDaily(j));
        forEachLowerTiled(n, [&](Eigen::Index i, Eigen::Index j) {
            const int pairCount = pairCounts(i, j);
            const double count = pairCount;
            if (count < kMinCorrelationObservations || constant[static_cast<std::size_t>(i)] ||
                constant[static_cast<std::size_t>(j)])
                return setPair(i, j, pairCount, std::nullopt);
            const double varI = squares(i, j) - sums(i, j) * sums(i, j) / count;
            const double varJ = squares(j, i) - sums(j, i) * sums(j, i) / count;
            // Constant on the common rows only: no correlation, as in pandas.
            if (varI <= kConstantRelativeVariance * count * meanSquares(i) ||
                varJ <= kConstantRelativeVariance * count * meanSquares(j))
                return setPair(i, j, pairCount, std::nullopt);
            const double covariance = cross(i, j) - sums(i, j) * sums(j, i) / count;
            setPair(i, j, pairCount, covariance / std::sqrt(varI * varJ));
        });
    }

    // Ledoit-Wolf-type intensity toward the diagonal (see the header for the estimator).
    // Summed row by row of the lower triangle; the two products are mirrored first so
    // that each row is read from a contiguous column.
    double varianceSum = 0.0;
    double rhoSquareSum = 0.0;
    MatrixXd zSquareProducts = productSquares.get();
    if (n > 1 && rows > 1) {
        mirrorLowerTiled(zCross);
        mirrorLowerTiled(zSquareProducts);
        for (Eigen::Index i = 0; i < n; ++i) {
            for (Eigen::Index j = 0; j < i; ++j) {
                const auto cell = static_cast<std::size_t>(i * n + j);
                const std::optional<double>& rho = build.correlation[cell];
                if (!rho)
                    continue;
                const double count = build.observations[cell];
                const double meanProduct = zCross(j, i) / count;
                const double spread =
                    std::max(0.0, zSquareProducts(j, i) - count * meanProduct * meanProduct);
                varianceSum += count / ((count - 1.0) * (count - 1.0) * (count - 1.0)) * spread;
                rhoSquareSum += *rho * *rho;
            }
        }
    }
    const double analytic =
        rhoSquareSum > 0.0 ? std::clamp(varianceSum / rhoSquareSum, 0.0, 1.0) : (n > 1 ? 1.0 : 0.0);
    build.shrinkage = analytic;
    build.dailyVolatility.assign(stdDaily.data(), stdDaily.data() + n);
    build.metrics = metrics.get();
    return build;
}

void repairCorrelation(CorrelationBuild& build)
{
    const std::lock_guard blasLock(blasMutex());
    MatrixXd shrunk = shrunkCorrelation(build, static_cast<Eigen::Index>(build.symbols.size()));
    const bool hasGaps = std::any_of(build.quality.begin(), build.quality.end(),
                                     [](const SymbolQuality& q) { return q.missing > 0; });
    const MatrixXd lift = repairLift(shrunk, hasGaps);
    build.covarianceLift.assign(lift.data(), lift.data() + lift.size());
    build.covarianceDaily = covariancePartsFit(build)
                                ? covarianceFromShrunk(build, std::move(shrunk))
                                : std::vector<double>();
}

CorrelationBuild buildCorrelation(const std::vector<PriceSeries>& series, int lookback)
{
    CorrelationBuild build = buildPairwiseCorrelation(series, lookback);
    repairCorrelation(build);
    return build;
}

std::string blasKernelName()
{
    const char* name = openblas_get_corename();
    return name ? name : "unknown";
}

std::vector<double> assembleCovariance(const CorrelationBuild& build)
{
    const std::lock_guard blasLock(blasMutex());
    if (!covariancePartsFit(build))
        return {};
    return covarianceFromShrunk(
        build, shrunkCorrelation(build, static_cast<Eigen::Index>(build.symbols.size())));
}

} // namespace kelly
