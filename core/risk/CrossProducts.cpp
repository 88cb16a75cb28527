#include "CrossProducts.h"

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace kelly {

namespace {

using Vec4 = double __attribute__((vector_size(32)));

// Vec4 never crosses a function boundary (that would tie its ABI to the target): values
// are loaded with memcpy and reduced in place.
double horizontalSum(const double (&lanes)[4])
{
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

} // namespace

// Blocks of 4 columns of a against 2 of b: 6 loads feed 8 fused multiply-adds per 4 rows,
// and the 8 accumulators plus the loads fit the 16 vector registers.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void
crossProducts(const double* a, const double* b, std::ptrdiff_t rows, std::ptrdiff_t n, double* out,
              bool lowerOnly)
{
    const std::ptrdiff_t vectorRows = rows - rows % 4;
    auto dot = [&](std::ptrdiff_t i, std::ptrdiff_t j) {
        const double* x = a + i * rows;
        const double* y = b + j * rows;
        Vec4 sum = {0.0, 0.0, 0.0, 0.0};
        for (std::ptrdiff_t k = 0; k < vectorRows; k += 4) {
            Vec4 u, v;
            std::memcpy(&u, x + k, sizeof u);
            std::memcpy(&v, y + k, sizeof v);
            sum += u * v;
        }
        double lanes[4];
        std::memcpy(lanes, &sum, sizeof lanes);
        double total = horizontalSum(lanes);
        for (std::ptrdiff_t k = vectorRows; k < rows; ++k)
            total += x[k] * y[k];
        return total;
    };
    // Blocks of kBlock columns of a (kBlock x rows doubles, ~64 KB at 250 rows) stay in
    // the L2 cache while every column pair of b streams past them.
    constexpr std::ptrdiff_t kBlock = 32;
    for (std::ptrdiff_t blockBegin = 0; blockBegin < n; blockBegin += kBlock) {
        const std::ptrdiff_t blockEnd = std::min(blockBegin + kBlock, n);
        for (std::ptrdiff_t j = 0; j < (lowerOnly ? blockEnd : n); j += 2) {
            std::ptrdiff_t i = lowerOnly ? std::max(blockBegin, j) : blockBegin;
            if (j + 1 >= n) { // the last, odd column
                for (; i < blockEnd; ++i)
                    out[i + j * n] = dot(i, j);
                break;
            }
            if (lowerOnly && i == j) { // out(j, j + 1) is above the diagonal
                out[j + j * n] = dot(j, j);
                ++i;
            }
            const double* y0 = b + j * rows;
            const double* y1 = y0 + rows;
            for (; i + 4 <= blockEnd; i += 4) {
                const double* x0 = a + i * rows;
                const double* x1 = x0 + rows;
                const double* x2 = x1 + rows;
                const double* x3 = x2 + rows;
                Vec4 s00 = {}, s10 = {}, s20 = {}, s30 = {}, s01 = {}, s11 = {}, s21 = {}, s31 = {};
                for (std::ptrdiff_t k = 0; k < vectorRows; k += 4) {
                    Vec4 v0, v1, u0, u1, u2, u3;
                    std::memcpy(&v0, y0 + k, sizeof v0);
                    std::memcpy(&v1, y1 + k, sizeof v1);
                    std::memcpy(&u0, x0 + k, sizeof u0);
                    std::memcpy(&u1, x1 + k, sizeof u1);
                    std::memcpy(&u2, x2 + k, sizeof u2);
                    std::memcpy(&u3, x3 + k, sizeof u3);
                    s00 += u0 * v0;
                    s10 += u1 * v0;
                    s20 += u2 * v0;
                    s30 += u3 * v0;
                    s01 += u0 * v1;
                    s11 += u1 * v1;
                    s21 += u2 * v1;
                    s31 += u3 * v1;
                }
                const Vec4 sums[8] = {s00, s10, s20, s30, s01, s11, s21, s31};
                double t[8];
                for (int r = 0; r < 8; ++r) {
                    double lanes[4];
                    std::memcpy(lanes, &sums[r], sizeof lanes);
                    t[r] = horizontalSum(lanes);
                }
                for (std::ptrdiff_t k = vectorRows; k < rows; ++k) {
                    t[0] += x0[k] * y0[k];
                    t[1] += x1[k] * y0[k];
                    t[2] += x2[k] * y0[k];
                    t[3] += x3[k] * y0[k];
                    t[4] += x0[k] * y1[k];
                    t[5] += x1[k] * y1[k];
                    t[6] += x2[k] * y1[k];
                    t[7] += x3[k] * y1[k];
                }
                for (int r = 0; r < 4; ++r) {
                    out[i + r + j * n] = t[r];
                    out[i + r + (j + 1) * n] = t[4 + r];
                }
            }
            for (; i < blockEnd; ++i) {
                out[i + j * n] = dot(i, j);
                out[i + (j + 1) * n] = dot(i, j + 1);
            }
        }
    }
}

void maskedSums(const double* x, const double* mask, std::ptrdiff_t rows, std::ptrdiff_t n,
                const int* counts, double* sums, double* squares)
{
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    // Row k of X (and of X.X) contiguous, so one row adds to a whole column of the output.
    const RowMajor values = Eigen::Map<const Eigen::MatrixXd>(x, rows, n);
    const RowMajor valueSquares = values.array().square().matrix();
    const Eigen::VectorXd totals = values.colwise().sum().transpose();
    const Eigen::VectorXd squareTotals = valueSquares.colwise().sum().transpose();
    auto count = [&](std::ptrdiff_t i, std::ptrdiff_t j) { // rows both i and j hold, i >= j
        return static_cast<std::ptrdiff_t>(counts[i + j * n]);
    };
    std::vector<std::ptrdiff_t> roots; // columns summed from the totals or from zero
    for (std::ptrdiff_t j = 0; j < n; ++j) {
        const double* held = mask + j * rows;
        Eigen::Map<Eigen::VectorXd> sumColumn(sums + j * n, n);
        Eigen::Map<Eigen::VectorXd> squareColumn(squares + j * n, n);
        auto add = [&](std::ptrdiff_t k, double sign) {
            sumColumn += sign * values.row(k).transpose();
            squareColumn += sign * valueSquares.row(k).transpose();
        };
        // The cheapest start: the totals less the rows j lacks, zero plus the rows it
        // holds, or a root column with a similar mask (stocks share weekends) plus the rows
        // where the two differ. Only roots are references, so no sum is more than two
        // steps from a direct one and rounding does not build up along a chain.
        const std::ptrdiff_t heldCount = count(j, j);
        std::ptrdiff_t reference = -1;
        std::ptrdiff_t cost = std::min(heldCount, rows - heldCount);
        for (const std::ptrdiff_t root : roots) {
            const std::ptrdiff_t differing = count(root, root) + heldCount - 2 * count(j, root);
            if (differing < cost) {
                cost = differing;
                reference = root;
            }
        }
        if (reference >= 0) {
            sumColumn = Eigen::Map<const Eigen::VectorXd>(sums + reference * n, n);
            squareColumn = Eigen::Map<const Eigen::VectorXd>(squares + reference * n, n);
            const double* referenceHeld = mask + reference * rows;
            for (std::ptrdiff_t k = 0; k < rows; ++k)
                if ((held[k] != 0.0) != (referenceHeld[k] != 0.0))
                    add(k, held[k] != 0.0 ? 1.0 : -1.0);
        } else if (heldCount * 2 >= rows) {
            sumColumn = totals;
            squareColumn = squareTotals;
            for (std::ptrdiff_t k = 0; k < rows; ++k)
                if (held[k] == 0.0)
                    add(k, -1.0);
            roots.push_back(j);
        } else {
            sumColumn.setZero();
            squareColumn.setZero();
            for (std::ptrdiff_t k = 0; k < rows; ++k)
                if (held[k] != 0.0)
                    add(k, 1.0);
            roots.push_back(j);
        }
    }
}

// Compiled for x86-64-v2 too, where popcount is one instruction rather than a libgcc call.
__attribute__((target_clones("arch=x86-64-v2", "default"))) void
commonCounts(const double* mask, std::ptrdiff_t rows, std::ptrdiff_t n, int* out)
{
    const std::ptrdiff_t words = (rows + 63) / 64;
    std::vector<std::uint64_t> bits(static_cast<std::size_t>(words * n), 0);
    for (std::ptrdiff_t s = 0; s < n; ++s)
        for (std::ptrdiff_t k = 0; k < rows; ++k)
            if (mask[k + s * rows] != 0.0)
                bits[static_cast<std::size_t>(s * words + k / 64)] |= std::uint64_t{1} << (k % 64);
    for (std::ptrdiff_t j = 0; j < n; ++j) {
        const std::uint64_t* b = bits.data() + j * words;
        for (std::ptrdiff_t i = j; i < n; ++i) {
            const std::uint64_t* a = bits.data() + i * words;
            int count = 0;
            for (std::ptrdiff_t w = 0; w < words; ++w)
                count += std::popcount(a[w] & b[w]);
            out[i + j * n] = count;
        }
    }
}

std::string crossProductsKernel()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? "avx2+fma" : "sse2";
}

} // namespace kelly
