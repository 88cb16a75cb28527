#include "MinRiskSolver.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace kelly {

namespace {

// The exact Euclidean projection onto {0 <= z <= upper, lowerSum <= w1'z <= upperSum,
// w2'z <= cap2}: z = clip(p - l1 w1 - l2 w2) with the multipliers found one at a time, l1
// for each l2 and l2 outside (the dual's partial maximum is concave in l2, so w2'z - cap2 is
// monotone in it). Each search returns the bracket end on the feasible side.
class Projector
{
public:
    Projector(const Eigen::VectorXd& upper, const Eigen::VectorXd& w1, const Eigen::VectorXd& w2,
              double lowerSum, double upperSum, double cap2)
        : m_upper(upper), m_w1(w1), m_w2(w2), m_lowerSum(lowerSum), m_upperSum(upperSum),
          m_cap2(cap2)
    {}

    // False (and `out` untouched) when no l2 brings the margin constraint within tolerance.
    bool project(const Eigen::VectorXd& p, Eigen::VectorXd& out)
    {
        m_base = p;
        Eigen::VectorXd z(p.size());
        sumMultiplier(0.0, z);
        // The planner's own tolerance (1e-9 of E); rounding up absorbs the rest.
        const double tolerance = 1e-10 * std::max(1.0, std::abs(m_cap2));
        if (m_w2.dot(z) <= m_cap2 + tolerance) {
            out = z;
            return true;
        }
        // Grow l2 until the margin constraint holds, then regula falsi (Illinois) on it.
        double lo = 0.0;
        double gLo = m_w2.dot(z) - m_cap2;
        // Large enough to push every coordinate to 0 on its own; doubled while it is not.
        double hi = std::max(1e-300, (p.cwiseAbs() + m_upper).maxCoeff() / m_w2.minCoeff());
        double gHi = 0.0;
        bool bracketed = false;
        for (int i = 0; i < 200; ++i) {
            sumMultiplier(hi, z);
            gHi = m_w2.dot(z) - m_cap2;
            if (gHi <= tolerance) {
                bracketed = true;
                break;
            }
            lo = hi;
            gLo = gHi;
            hi *= 2.0;
        }
        if (!bracketed)
            return false;
        int side = 0;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
            double mid = hi - gHi * (hi - lo) / (gHi - gLo);
            if (!(mid > lo && mid < hi))
                mid = 0.5 * (lo + hi);
            sumMultiplier(mid, z);
            const double g = m_w2.dot(z) - m_cap2;
            if (g <= tolerance && g >= -tolerance) {
                out = z;
                return true;
            }
            if (g > 0.0) {
                lo = mid;
                gLo = g;
                if (side == -1)
                    gHi *= 0.5;
                side = -1;
            } else {
                hi = mid;
                gHi = g;
                if (side == 1)
                    gLo *= 0.5;
                side = 1;
            }
        }
        sumMultiplier(hi, out);
        return true;
    }

private:
    void clipInto(double l1, double l2, Eigen::VectorXd& out) const
    {
        out = (m_base - l1 * m_w1 - l2 * m_w2).cwiseMax(0.0).cwiseMin(m_upper);
    }

    // w1' clip(q - l1 w1) and its slope -sum of w1^2 over the free coordinates.
    double sumAt(double l1, double l2, Eigen::VectorXd& out, double& slope) const
    {
        clipInto(l1, l2, out);
        slope = 0.0;
        for (Eigen::Index i = 0; i < out.size(); ++i)
            if (out[i] > 0.0 && out[i] < m_upper[i])
                slope -= m_w1[i] * m_w1[i];
        return m_w1.dot(out);
    }

    // l1 for this l2 (0 when the sum is inside its band), leaving the projection in `out`.
    double sumMultiplier(double l2, Eigen::VectorXd& out) const
    {
        double slope = 0.0;
        const double h0 = sumAt(0.0, l2, out, slope);
        const double tolerance = 1e-13 * std::max(1.0, std::abs(m_upperSum));
        if (h0 >= m_lowerSum - tolerance && h0 <= m_upperSum + tolerance)
            return 0.0;
        const bool tooHigh = h0 > m_upperSum;
        const double target = tooHigh ? m_upperSum : m_lowerSum;
        const Eigen::VectorXd q = m_base - l2 * m_w2;
        // Brackets where every coordinate sits at 0 (sum 0), or at its upper bound.
        double lo = 0.0, hi = 0.0;
        if (tooHigh)
            hi = std::max(0.0, (q.array() / m_w1.array()).maxCoeff()) * (1.0 + 1e-12) + 1e-300;
        else
            lo = std::min(0.0, ((q - m_upper).array() / m_w1.array()).minCoeff()) * (1.0 + 1e-12) -
                 1e-300;
        double l = tooHigh ? lo : hi;
        for (int i = 0; i < 200; ++i) {
            const double h = sumAt(l, l2, out, slope);
            if (std::abs(h - target) <= tolerance)
                break;
            if (h > target)
                lo = l;
            else
                hi = l;
            double next = slope < 0.0 ? l + (h - target) / -slope : 0.5 * (lo + hi);
            if (!(next > lo && next < hi))
                next = 0.5 * (lo + hi);
            if (hi - lo <= 1e-16 * std::max(std::abs(lo), std::abs(hi)))
                break;
            l = next;
        }
        // Off by more than the tolerance (the loop ran out): the bracket's feasible end.
        const double h = sumAt(l, l2, out, slope);
        if (std::abs(h - target) > tolerance) {
            l = tooHigh ? hi : lo;
            sumAt(l, l2, out, slope);
        }
        return l;
    }

    const Eigen::VectorXd& m_upper;
    const Eigen::VectorXd& m_w1;
    const Eigen::VectorXd& m_w2;
    double m_lowerSum;
    double m_upperSum;
    double m_cap2;
    Eigen::VectorXd m_base;
};

// Polish: the projected gradient finds the optimal face but only approaches the point. On
// that face (values at 0 or at current(s) fixed, the constraints within 1e-6 of equality
// active) the optimum solves one KKT system; it replaces the iterate when it is feasible and
// no worse, so rounding up starts from the exact optimum (SPEC 17's worked example).
bool polishOnFace(const MinRiskProblem& problem, Eigen::VectorXd& kept)
{
    const Eigen::Index n = kept.size();
    const Eigen::VectorXd& c = problem.currentUsd;
    std::vector<Eigen::Index> free;
    for (Eigen::Index i = 0; i < n; ++i)
        if (kept[i] > 1e-7 * c[i] && kept[i] < c[i] * (1.0 - 1e-7))
            free.push_back(i);
    if (free.empty())
        return false;
    const double sum = kept.sum();
    const double sumScale = 1e-6 * std::max(1.0, problem.grossCapUsd);
    std::vector<std::pair<const Eigen::VectorXd*, double>> rows;
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
    if (std::abs(sum - problem.grossCapUsd) <= sumScale)
        rows.emplace_back(&ones, problem.grossCapUsd);
    else if (std::abs(sum - problem.keptFloorUsd) <= sumScale)
        rows.emplace_back(&ones, problem.keptFloorUsd);
    if (std::abs(problem.marginWeight.dot(kept) - problem.marginCapUsd) <=
        1e-6 * std::max(1.0, problem.marginCapUsd))
        rows.emplace_back(&problem.marginWeight, problem.marginCapUsd);
    const Eigen::Index m = static_cast<Eigen::Index>(free.size());
    const Eigen::Index r = static_cast<Eigen::Index>(rows.size());
    Eigen::VectorXd fixed = kept;
    for (Eigen::Index i : free)
        fixed[i] = 0.0;
    const Eigen::VectorXd qFixed = problem.covariance * fixed;
    Eigen::MatrixXd kkt = Eigen::MatrixXd::Zero(m + r, m + r);
    Eigen::VectorXd rhs(m + r);
    for (Eigen::Index a = 0; a < m; ++a) {
        for (Eigen::Index b = 0; b < m; ++b)
            kkt(a, b) = 2.0 * problem.covariance(free[a], free[b]);
        rhs[a] = -2.0 * qFixed[free[a]];
    }
    for (Eigen::Index j = 0; j < r; ++j) {
        const Eigen::VectorXd& row = *rows[static_cast<size_t>(j)].first;
        for (Eigen::Index a = 0; a < m; ++a)
            kkt(m + j, a) = kkt(a, m + j) = row[free[a]];
        rhs[m + j] = rows[static_cast<size_t>(j)].second - row.dot(fixed);
    }
    const Eigen::VectorXd solved = kkt.fullPivLu().solve(rhs);
    if (!solved.allFinite() || (kkt * solved - rhs).norm() > 1e-9 * std::max(1.0, rhs.norm()))
        return false;
    Eigen::VectorXd candidate = fixed;
    for (Eigen::Index a = 0; a < m; ++a) {
        const double value = solved[a];
        const Eigen::Index i = free[a];
        if (value < -1e-9 * c[i] || value > c[i] * (1.0 + 1e-9))
            return false;
        candidate[i] = std::clamp(value, 0.0, c[i]);
    }
    const double tolerance = 1e-10 * std::max(1.0, problem.marginCapUsd);
    const double candidateSum = candidate.sum();
    if (candidateSum > problem.grossCapUsd + tolerance ||
        candidateSum < problem.keptFloorUsd - tolerance ||
        problem.marginWeight.dot(candidate) > problem.marginCapUsd + tolerance)
        return false;
    const double before = kept.dot(problem.covariance * kept);
    if (candidate.dot(problem.covariance * candidate) > before * (1.0 + 1e-12))
        return false;
    kept = candidate;
    return true;
}

} // namespace

MinRiskSolution solveMinRisk(const MinRiskProblem& problem, double relativeTolerance,
                             int maxIterations)
{
    const Eigen::Index n = problem.currentUsd.size();
    MinRiskSolution solution;
    solution.keptUsd = problem.startKeptUsd;
    if (n == 0) {
        solution.feasible = true;
        return solution;
    }

    // Scale z = d y with d_s = sqrt(Q_ss), so the objective's Hessian has a unit diagonal.
    Eigen::VectorXd d = problem.covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
    const double dFloor = std::max(d.maxCoeff() * 1e-6, 1e-300);
    d = d.cwiseMax(dFloor);
    const Eigen::MatrixXd scaled =
        d.cwiseInverse().asDiagonal() * problem.covariance * d.cwiseInverse().asDiagonal();
    const Eigen::VectorXd upper = d.cwiseProduct(problem.currentUsd);
    const Eigen::VectorXd w1 = d.cwiseInverse();
    const Eigen::VectorXd w2 = problem.marginWeight.cwiseQuotient(d);
    Projector projector(upper, w1, w2, problem.keptFloorUsd, problem.grossCapUsd,
                        problem.marginCapUsd);

    // Gershgorin bounds the largest eigenvalue: a safe step 1 / (2 lambda_max).
    const double lipschitz = 2.0 * scaled.cwiseAbs().rowwise().sum().maxCoeff();
    const auto variance = [&](const Eigen::VectorXd& z, const Eigen::VectorXd& rz) {
        return std::max(0.0, z.dot(rz));
    };

    Eigen::VectorXd z = d.cwiseProduct(problem.startKeptUsd);
    solution.feasible = projector.project(d.cwiseProduct(problem.startKeptUsd), z);
    Eigen::VectorXd rz = scaled * z;
    double f = variance(z, rz);
    Eigen::VectorXd best = z;
    double bestF = f;
    if (!(lipschitz > 0.0) || !std::isfinite(lipschitz)) {
        solution.keptUsd = best.cwiseQuotient(d);
        solution.varianceUsd2 = bestF;
        return solution;
    }

    Eigen::VectorXd zPrev = z, rzPrev = rz, point = z, rPoint = rz, next(n);
    double momentum = 1.0;
    std::vector<double> history;
    history.reserve(static_cast<size_t>(std::min(maxIterations, 4096)) + 1);
    history.push_back(bestF);
    int iteration = 0;
    for (; iteration < maxIterations; ++iteration) {
        if (!projector.project(point - (2.0 / lipschitz) * rPoint, next))
            break;
        const Eigen::VectorXd rNext = scaled * next;
        const double fNext = variance(next, rNext);
        if (fNext < bestF) {
            bestF = fNext;
            best = next;
        }
        if (fNext > f) { // adaptive restart (O'Donoghue and Candes): drop the momentum
            momentum = 1.0;
            point = z;
            rPoint = rz;
            history.push_back(bestF);
            continue;
        }
        zPrev = z;
        rzPrev = rz;
        z = next;
        rz = rNext;
        f = fNext;
        const double momentumNext = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * momentum * momentum));
        const double beta = (momentum - 1.0) / momentumNext;
        momentum = momentumNext;
        point = z + beta * (z - zPrev);
        rPoint = rz + beta * (rz - rzPrev);
        history.push_back(bestF);
        const size_t window = 50;
        if (history.size() > window &&
            (history[history.size() - 1 - window] - bestF <= relativeTolerance * bestF ||
             bestF <= 0.0))
            break;
    }
    solution.iterations = iteration;
    solution.keptUsd = best.cwiseQuotient(d).cwiseMax(0.0).cwiseMin(problem.currentUsd);
    solution.polished = polishOnFace(problem, solution.keptUsd);
    solution.varianceUsd2 = solution.keptUsd.dot(problem.covariance * solution.keptUsd);
    return solution;
}

} // namespace kelly
