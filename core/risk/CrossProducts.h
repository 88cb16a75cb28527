#pragma once

// The correlation build's products of tall, thin column-major matrices (a window of T
// returns x N symbols, T ~ 250): out(i, j) = sum_k a(k, i) b(k, j). Our own kernel rather
// than BLAS: each entry is one dot product of two contiguous columns, and at these shapes a
// register-blocked loop is as fast as OpenBLAS' tuned GEMM on a CPU it recognises and 2-3x
// faster where it does not (OpenBLAS 0.3.21 falls back to its SSE3 "Prescott" kernels on
// CPUs newer than it knows). The loop is compiled twice, for x86-64-v3 (AVX2 + FMA) and the
// baseline, and the CPU picks at load time (GCC target_clones); never an environment
// variable. Sums run in a different order than BLAS': results agree to rounding.

#include <cstddef>
#include <string>

namespace kelly {

// out is n x n column-major (ld = n). lowerOnly: only i >= j is written (a symmetric
// product such as A'A); otherwise every entry.
void crossProducts(const double* a, const double* b, std::ptrdiff_t rows, std::ptrdiff_t n,
                   double* out, bool lowerOnly);

// sums(i, j) = sum_k x(k, i) mask(k, j) and squares(i, j) = sum_k x(k, i)^2 mask(k, j),
// i.e. X'M and (X.X)'M for a 0/1 mask (both rows x n, column-major; out n x n, ld = n),
// given the mask's commonCounts. Each column of the output starts from X's column totals,
// from zero or from an earlier column whose mask is close, and adds or subtracts the rows
// that differ: a few gaps per symbol cost a few row additions rather than two dense
// products. Sums run in a different order than crossProducts': results agree to rounding.
void maskedSums(const double* x, const double* mask, std::ptrdiff_t rows, std::ptrdiff_t n,
                const int* counts, double* sums, double* squares);

// count(i, j) = the rows where both columns of a 0/1 mask (rows x n, column-major) hold a
// 1, i.e. M'M, for i >= j into the column-major n x n `out`: popcounts over packed bits,
// exact, and a fraction of a floating-point product.
void commonCounts(const double* mask, std::ptrdiff_t rows, std::ptrdiff_t n, int* out);

// Which version of crossProducts this CPU runs: "avx2+fma" or "sse2".
std::string crossProductsKernel();

} // namespace kelly
