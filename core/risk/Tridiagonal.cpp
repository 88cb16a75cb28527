#include "Tridiagonal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace kelly {

namespace {

using Vec4 = double __attribute__((vector_size(32)));

// As in CrossProducts.cpp, Vec4 never crosses a function boundary (that would tie its ABI to
// the target): the loops below are lambdas inlined into each clone.
double laneSum(const Vec4& sum)
{
    double lanes[4];
    std::memcpy(lanes, &sum, sizeof lanes);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

} // namespace

__attribute__((target_clones("arch=x86-64-v3", "default"))) void
reduceToTridiagonal(double* a, std::ptrdiff_t n, double* diagonal, double* offDiagonal, double* tau)
{
    // Step i's rank-2 update A22 -= v w' + w v' is applied column by column during step
    // i + 1's product A22 v (dsytd2 makes two passes): each column is read and written once
    // a step. `pending` says whether (pv, pw) still have to reach the columns right of i.
    // Vectors are indexed by row of `a`, so a column's rows line up with theirs.
    const auto size = static_cast<std::size_t>(std::max<std::ptrdiff_t>(n, 1));
    std::vector<double> vBuffer(size), wBuffer(size), pvBuffer(size), pwBuffer(size);
    double* v = vBuffer.data();
    double* y = wBuffer.data();
    double* pv = pvBuffer.data();
    double* pw = pwBuffer.data();
    bool pending = false;

    // Columns j and j + 1 of A22 (c0 from row j, c1 from row j + 1, both to row n):
    // c -= pv pw(col) + pw pv(col) when pending, then y += A(:, j..j+1) v(j..j+1) below the
    // pair, and y(j), y(j + 1) gain the pair's own rows. Two columns share each load of pv,
    // pw, v and y, which the loop's memory ports, not its arithmetic, limit. Inlined, so
    // that it is compiled for each clone's target.
    auto updateAndMultiplyPair =
        [](double* c0, double* c1, const double* pv, const double* pw, double* y, const double* v,
           std::ptrdiff_t j, std::ptrdiff_t end) __attribute__((always_inline))
    {
        const double pw0 = pw[j], pv0 = pv[j], pw1 = pw[j + 1], pv1 = pv[j + 1];
        const double v0 = v[j], v1 = v[j + 1];
        c0[j] -= pv[j] * pw0 + pw[j] * pv0;
        c0[j + 1] -= pv[j + 1] * pw0 + pw[j + 1] * pv0;
        c1[j + 1] -= pv[j + 1] * pw1 + pw[j + 1] * pv1;
        const std::ptrdiff_t begin = j + 2;
        const std::ptrdiff_t vectorEnd = begin + (end - begin) / 4 * 4;
        const Vec4 pw04 = {pw0, pw0, pw0, pw0}, pv04 = {pv0, pv0, pv0, pv0};
        const Vec4 pw14 = {pw1, pw1, pw1, pw1}, pv14 = {pv1, pv1, pv1, pv1};
        const Vec4 v04 = {v0, v0, v0, v0}, v14 = {v1, v1, v1, v1};
        Vec4 dot04 = {}, dot14 = {};
        for (std::ptrdiff_t r = begin; r < vectorEnd; r += 4) {
            Vec4 a0, a1, p4, q4, x4, y4;
            std::memcpy(&a0, c0 + r, sizeof a0);
            std::memcpy(&a1, c1 + r, sizeof a1);
            std::memcpy(&p4, pv + r, sizeof p4);
            std::memcpy(&q4, pw + r, sizeof q4);
            std::memcpy(&x4, v + r, sizeof x4);
            std::memcpy(&y4, y + r, sizeof y4);
            a0 -= p4 * pw04 + q4 * pv04;
            a1 -= p4 * pw14 + q4 * pv14;
            y4 += a0 * v04 + a1 * v14;
            dot04 += a0 * x4;
            dot14 += a1 * x4;
            std::memcpy(c0 + r, &a0, sizeof a0);
            std::memcpy(c1 + r, &a1, sizeof a1);
            std::memcpy(y + r, &y4, sizeof y4);
        }
        double dot0 = laneSum(dot04), dot1 = laneSum(dot14);
        for (std::ptrdiff_t r = vectorEnd; r < end; ++r) {
            c0[r] -= pv[r] * pw0 + pw[r] * pv0;
            c1[r] -= pv[r] * pw1 + pw[r] * pv1;
            y[r] += c0[r] * v0 + c1[r] * v1;
            dot0 += c0[r] * v[r];
            dot1 += c1[r] * v[r];
        }
        y[j] += c0[j] * v0 + c0[j + 1] * v1 + dot0;
        y[j + 1] += c0[j + 1] * v0 + c1[j + 1] * v1 + dot1;
    };

    for (std::ptrdiff_t i = 0; i + 1 < n; ++i) {
        double* column = a + i * n; // indexed by row
        if (pending)
            for (std::ptrdiff_t r = i; r < n; ++r)
                column[r] -= pv[r] * pw[i] + pw[r] * pv[i];
        diagonal[i] = column[i];

        // The reflector that maps column(i + 1..n) to (beta, 0, ..., 0), as LAPACK's dlarfg:
        // the tail is scaled by its largest entry so that its sum of squares cannot underflow.
        double tailMax = 0.0;
        for (std::ptrdiff_t r = i + 2; r < n; ++r)
            tailMax = std::max(tailMax, std::abs(column[r]));
        const double alpha = column[i + 1];
        double t = 0.0;
        double beta = alpha;
        if (tailMax > 0.0) {
            double tailSquares = 0.0;
            for (std::ptrdiff_t r = i + 2; r < n; ++r)
                tailSquares += (column[r] / tailMax) * (column[r] / tailMax);
            beta = -std::copysign(tailMax * std::hypot(alpha / tailMax, std::sqrt(tailSquares)),
                                  alpha);
            t = (beta - alpha) / beta;
            const double tailScale = 1.0 / (alpha - beta);
            v[i + 1] = 1.0;
            for (std::ptrdiff_t r = i + 2; r < n; ++r)
                v[r] = column[r] *= tailScale;
        }
        tau[i] = t;
        offDiagonal[i] = beta;
        column[i + 1] = beta; // v(i + 1) = 1 is implied; v(i + 2..n) stays below it
        if (t == 0.0 && !pending)
            continue; // H(i) = I and nothing to apply

        // y = A22 v over the updated columns; then w = t y - (t^2 / 2)(v' y) v.
        if (t == 0.0)
            std::fill(v + i + 1, v + n, 0.0); // only the pending update runs
        std::fill(y + i + 1, y + n, 0.0);
        if (!pending) { // nothing to apply: stale pv, pw must not reach A22
            std::fill(pv + i + 1, pv + n, 0.0);
            std::fill(pw + i + 1, pw + n, 0.0);
        }
        std::ptrdiff_t j = i + 1;
        for (; j + 1 < n; j += 2)
            updateAndMultiplyPair(a + j * n, a + (j + 1) * n, pv, pw, y, v, j, n);
        if (j < n) { // the last column alone: its diagonal entry
            double& corner = a[j + j * n];
            corner -= 2.0 * pv[j] * pw[j];
            y[j] += corner * v[j];
        }
        pending = t != 0.0;
        if (!pending)
            continue;
        double yv = 0.0;
        for (std::ptrdiff_t r = i + 1; r < n; ++r) {
            y[r] *= t;
            yv += y[r] * v[r];
        }
        const double correction = -0.5 * t * yv;
        for (std::ptrdiff_t r = i + 1; r < n; ++r)
            y[r] += correction * v[r];
        std::swap(v, pv);
        std::swap(y, pw);
    }
    if (n > 0) {
        double& last = a[(n - 1) + (n - 1) * n];
        if (pending)
            last -= 2.0 * pv[n - 1] * pw[n - 1];
        diagonal[n - 1] = last;
    }
}

__attribute__((target_clones("arch=x86-64-v3", "default"))) void
applyTridiagonalReflectors(const double* a, std::ptrdiff_t n, const double* tau, double* z,
                           std::ptrdiff_t columns)
{
    // z := H(i) z, last reflector first, so that Q z = H(0) (H(1) (... H(n-2) z)). Columns
    // go in pairs: each load of v serves two, and the two sums are independent chains.
    for (std::ptrdiff_t i = n - 2; i >= 0; --i) {
        if (tau[i] == 0.0)
            continue;
        const std::ptrdiff_t tail = n - i - 2; // v(i + 2..n); v(i + 1) = 1
        const double* v = a + (i + 2) + i * n;
        const std::ptrdiff_t vectorLength = tail - tail % 4;
        for (std::ptrdiff_t c = 0; c < columns; c += 2) {
            const bool pair = c + 1 < columns;
            double* head0 = z + c * n + (i + 1);
            // A lone last column pairs with itself and a zero step (s1 below).
            double* head1 = pair ? head0 + n : head0;
            double* z0 = head0 + 1;
            double* z1 = head1 + 1;
            Vec4 dot04 = {}, dot14 = {};
            for (std::ptrdiff_t r = 0; r < vectorLength; r += 4) {
                Vec4 v4, a4, b4;
                std::memcpy(&v4, v + r, sizeof v4);
                std::memcpy(&a4, z0 + r, sizeof a4);
                std::memcpy(&b4, z1 + r, sizeof b4);
                dot04 += v4 * a4;
                dot14 += v4 * b4;
            }
            double dot0 = laneSum(dot04) + *head0;
            double dot1 = laneSum(dot14) + *head1;
            for (std::ptrdiff_t r = vectorLength; r < tail; ++r) {
                dot0 += v[r] * z0[r];
                dot1 += v[r] * z1[r];
            }
            const double s0 = tau[i] * dot0;
            const double s1 = pair ? tau[i] * dot1 : 0.0;
            *head0 -= s0;
            *head1 -= s1;
            const Vec4 s04 = {s0, s0, s0, s0}, s14 = {s1, s1, s1, s1};
            for (std::ptrdiff_t r = 0; r < vectorLength; r += 4) {
                Vec4 v4, a4, b4;
                std::memcpy(&v4, v + r, sizeof v4);
                std::memcpy(&a4, z0 + r, sizeof a4);
                std::memcpy(&b4, z1 + r, sizeof b4);
                a4 -= v4 * s04;
                b4 -= v4 * s14;
                std::memcpy(z1 + r, &b4, sizeof b4); // first: z0's update wins when z1 is z0
                std::memcpy(z0 + r, &a4, sizeof a4);
            }
            for (std::ptrdiff_t r = vectorLength; r < tail; ++r) {
                z0[r] -= v[r] * s0;
                z1[r] -= v[r] * s1;
            }
        }
    }
}

} // namespace kelly
