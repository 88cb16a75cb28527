// The covariance repair's tridiagonal reduction (core/risk/Tridiagonal): T and Q rebuild A,
// Q is orthogonal, T has A's eigenvalues (Eigen's QR solver, an independent method), and
// Q maps T's eigenvectors to A's. Sizes cover the loops' ends (an odd last column, fewer
// rows than a vector), and matrices cover the columns that need no reflector.
#include "risk/Tridiagonal.h"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <QTest>
#include <cstdint>

using namespace kelly;
using Eigen::MatrixXd;
using Eigen::VectorXd;

class TestTridiagonal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reductionRebuildsTheMatrix_data();
    void reductionRebuildsTheMatrix();
};

namespace {

enum class Shape
{
    Random,
    CorrelationLike,
    Diagonal,
    AlreadyTridiagonal,
    ZeroColumn
};

MatrixXd symmetricMatrix(Eigen::Index n, Shape shape)
{
    std::uint64_t state = 0x9E3779B97F4A7C15u + static_cast<std::uint64_t>(n);
    auto random = [&state] { // [-1, 1)
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<double>(state >> 11) / 4503599627370496.0 - 1.0;
    };
    MatrixXd a(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = j; i < n; ++i)
            a(i, j) = a(j, i) = random();
    switch (shape) {
    case Shape::Random:
        break;
    case Shape::CorrelationLike: // unit diagonal, a common factor, indefinite as gaps make it
        a = (0.6 * a.array() + 0.3).matrix();
        a.diagonal().setOnes();
        break;
    case Shape::Diagonal:
        a = MatrixXd(a.diagonal().asDiagonal());
        break;
    case Shape::AlreadyTridiagonal:
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = j + 2; i < n; ++i)
                a(i, j) = a(j, i) = 0.0;
        break;
    case Shape::ZeroColumn: // column 1 is zero but for its diagonal: H(0) = I, then H(1)...
        for (Eigen::Index i = 0; i < n; ++i)
            if (i != 1)
                a(i, 1) = a(1, i) = 0.0;
        break;
    }
    return a;
}

} // namespace

void TestTridiagonal::reductionRebuildsTheMatrix_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("shape");
    const std::pair<const char*, Shape> shapes[] = {
        {"random", Shape::Random},          {"correlation-like", Shape::CorrelationLike},
        {"diagonal", Shape::Diagonal},      {"already tridiagonal", Shape::AlreadyTridiagonal},
        {"zero column", Shape::ZeroColumn},
    };
    for (const int n : {1, 2, 3, 4, 5, 8, 9, 37, 120}) {
        for (const auto& [name, shape] : shapes) {
            if (shape == Shape::ZeroColumn && n < 2)
                continue;
            QTest::addRow("%s %d", name, n) << n << static_cast<int>(shape);
        }
    }
}

void TestTridiagonal::reductionRebuildsTheMatrix()
{
    QFETCH(int, n);
    QFETCH(int, shape);
    const MatrixXd a = symmetricMatrix(n, static_cast<Shape>(shape));
    MatrixXd reduced = a;
    // The upper triangle is never read: garbage there must not matter.
    for (Eigen::Index j = 1; j < n; ++j)
        for (Eigen::Index i = 0; i < j; ++i)
            reduced(i, j) = 1e300;
    VectorXd diagonal(n), offDiagonal(n), tau(n);
    reduceToTridiagonal(reduced.data(), n, diagonal.data(), offDiagonal.data(), tau.data());

    MatrixXd t = MatrixXd::Zero(n, n);
    t.diagonal() = diagonal;
    for (Eigen::Index i = 0; i + 1 < n; ++i)
        t(i + 1, i) = t(i, i + 1) = offDiagonal(i);
    MatrixXd q = MatrixXd::Identity(n, n);
    applyTridiagonalReflectors(reduced.data(), n, tau.data(), q.data(), n);

    const double scale = std::max(1.0, a.cwiseAbs().maxCoeff()) * n;
    const double tolerance = 1e-14 * scale;
    QVERIFY2((q.transpose() * q - MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff() < 1e-14 * n,
             "Q is not orthogonal");
    QVERIFY2((q * t * q.transpose() - a).cwiseAbs().maxCoeff() < tolerance,
             "Q T Q' differs from A");

    const Eigen::SelfAdjointEigenSolver<MatrixXd> ofA(a);
    const Eigen::SelfAdjointEigenSolver<MatrixXd> ofT(t);
    QVERIFY((ofA.eigenvalues() - ofT.eigenvalues()).cwiseAbs().maxCoeff() < tolerance);
    // T's eigenvectors, mapped by Q, are A's: A (Q z) = lambda (Q z).
    MatrixXd vectors = ofT.eigenvectors();
    applyTridiagonalReflectors(reduced.data(), n, tau.data(), vectors.data(), n);
    QVERIFY((a * vectors - vectors * ofT.eigenvalues().asDiagonal()).cwiseAbs().maxCoeff() <
            tolerance);
}

QTEST_APPLESS_MAIN(TestTridiagonal)
#include "tst_tridiagonal.moc"
