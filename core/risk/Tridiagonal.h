#pragma once

// The covariance repair's Householder reduction of a symmetric matrix to tridiagonal form,
// Q' A Q = T, and the product of Q with the few eigenvectors of T the repair keeps: LAPACK's
// dsytd2 (lower triangle) and dormtr, on our own loops. dsyevr spends most of a gappy
// 500-symbol repair in its reduction, and OpenBLAS 0.3.21 runs it on SSE3 "Prescott" kernels
// on CPUs newer than it knows; these loops are compiled for x86-64-v3 (AVX2) and the
// baseline, and the CPU picks at load time (GCC target_clones), as crossProducts is.
// Householder reflections are backward stable: T is exactly similar to A up to rounding.

#include <cstddef>

namespace kelly {

// Reduces the n x n symmetric `a` (column-major, ld = n, lower triangle read) in place.
// On return diagonal[0..n) and offDiagonal[0..n-1) hold T; Q = H(0) H(1) ... H(n-2) with
// H(i) = I - tau[i] v v', v(i + 1) = 1 and v(i + 2..n) stored below a(i + 1, i), as dsytrd
// stores them. Entries of `a` should be O(1) (a correlation matrix): no overflow scaling.
void reduceToTridiagonal(double* a, std::ptrdiff_t n, double* diagonal, double* offDiagonal,
                         double* tau);

// z := Q z for the n x columns column-major z (ld = n), from reduceToTridiagonal's `a` and
// `tau`: an eigenvector of T becomes the matching eigenvector of A.
void applyTridiagonalReflectors(const double* a, std::ptrdiff_t n, const double* tau, double* z,
                                std::ptrdiff_t columns);

} // namespace kelly
