#pragma once

// SPEC 17's min-risk problem, on values kept rather than sold: y_s = current(s) - x_s.
//   minimise   y' Q y            Q = D S D, S the shrunk daily covariance, D the sides (+-1)
//   subject to 0 <= y_s <= current(s)
//              sum y  <= grossCapUsd                 (gross <= L_on x E)
//              a' y   <= marginCapUsd                (k gross + (1 - k) MR <= E, a_s = k + (1-k)
//              r_s) sum y  >= keptFloorUsd                (sold value <= proportional's, before
//              rounding)
// Convex (Q is positive semi-definite). Solved by accelerated projected gradient (FISTA with
// adaptive restart) on a diagonally scaled problem, each step projected exactly onto the
// box and the three linear constraints (a nested one-dimensional dual search). It starts at
// the caller's feasible point (proportional's) and keeps the best iterate, so its variance is
// never above that point's.

#include <Eigen/Dense>

namespace kelly {

struct MinRiskProblem
{
    Eigen::MatrixXd covariance;   // Q on signed values, n x n, positive semi-definite
    Eigen::VectorXd currentUsd;   // current(s) >= 0
    Eigen::VectorXd marginWeight; // a_s >= 0
    double grossCapUsd = 0.0;
    double marginCapUsd = 0.0;
    double keptFloorUsd = 0.0;
    Eigen::VectorXd startKeptUsd; // a feasible start (kept values)
};

struct MinRiskSolution
{
    Eigen::VectorXd keptUsd;
    double varianceUsd2 = 0.0; // y' Q y
    int iterations = 0;
    bool feasible = false; // the projection found the feasible set non-empty
    bool polished = false; // the exact optimum on the iterate's face replaced it
};

// `relativeTolerance`: stop when the best variance improved by less than this share over the
// last 50 iterations; `maxIterations` bounds the work.
MinRiskSolution solveMinRisk(const MinRiskProblem& problem, double relativeTolerance = 1e-7,
                             int maxIterations = 20000);

} // namespace kelly
