#include "CorrelationAware.h"

#include "Sizing.h"
#include "common/Symbols.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace kelly {

namespace {

// Float noise on a stored correlation of exactly +-1 must not count as corrupt.
constexpr double kRhoTolerance = 1e-9;

std::optional<std::string> checkCorrelation(const Account& account,
                                            const BookCorrelation& correlation)
{
    const size_t n = account.positions.size();
    if (correlation.rhoWithOrder.size() != n || correlation.sigmaDaily.size() != n)
        return std::string("correlation data does not match the book (") +
               std::to_string(correlation.rhoWithOrder.size()) + " correlations, " +
               std::to_string(correlation.sigmaDaily.size()) + " volatilities, " +
               std::to_string(n) + " positions)";
    for (size_t i = 0; i < n; ++i) {
        const std::optional<double>& rho = correlation.rhoWithOrder[i];
        if (!rho)
            continue;
        const std::string& symbol = account.positions[i].symbol;
        if (!std::isfinite(*rho) || std::abs(*rho) > 1.0 + kRhoTolerance)
            return "invalid stored correlation for " + symbol;
        const double sigma = correlation.sigmaDaily[i];
        if (!std::isfinite(sigma) || sigma < 0.0)
            return "invalid stored annualized_volatility for " + symbol;
    }
    return std::nullopt;
}

struct Share
{
    size_t position = 0;
    double bookCov = 0.0;
};

// Keeps the kTopBookCovContributions largest |bookCov| without allocating; ties keep the
// earlier position (the book's order), so the list is deterministic.
class LargestShares
{
public:
    void offer(Share share)
    {
        size_t at = m_count;
        while (at > 0 && std::abs(share.bookCov) > std::abs(m_shares[at - 1].bookCov))
            --at;
        if (at >= m_shares.size())
            return;
        const size_t last = std::min(m_count, m_shares.size() - 1);
        for (size_t i = last; i > at; --i)
            m_shares[i] = m_shares[i - 1];
        m_shares[at] = share;
        m_count = std::min(m_count + 1, m_shares.size());
    }
    const Share* begin() const { return m_shares.data(); }
    const Share* end() const { return m_shares.data() + m_count; }

private:
    std::array<Share, kTopBookCovContributions> m_shares{};
    size_t m_count = 0;
};

} // namespace

const char* correlationReasonName(CorrelationReason reason)
{
    switch (reason) {
    case CorrelationReason::SettingOff:
        return "setting off";
    case CorrelationReason::NoBuild:
        return "no build";
    case CorrelationReason::StaleBuild:
        return "stale build";
    case CorrelationReason::SymbolNotInBuild:
        return "symbol not in build";
    }
    return "no build";
}

std::optional<std::string> applyBookCorrelation(SizingResult& r, const Account& account,
                                                const BookCorrelation& correlation, double muDaily,
                                                double sigmaDaily, bool crypto,
                                                double kellyFraction)
{
    if (auto corrupt = checkCorrelation(account, correlation))
        return corrupt;
    const double equity = account.equityUsd; // > 0: sizeEnhanced returned before otherwise
    // d: SPEC 11, a stock's side follows its forecast; crypto is long-only.
    const double direction = muDaily == 0.0 ? 0.0 : (crypto || muDaily > 0.0 ? 1.0 : -1.0);

    // SPEC 11: book_cov = d x sigma x sum_j w_j rho_sj sigma_j over held j other than s.
    double bookCov = 0.0;
    LargestShares largest;
    r.uncovered.clear();
    // The order's own positions are skipped; integer keys first (a string compare of
    // equal-length symbols was a memcmp call a position).
    const std::uint64_t orderKey = symbolPrefixKey(r.symbol);
    for (size_t i = 0; i < account.positions.size(); ++i) {
        const Position& held = account.positions[i];
        if (symbolPrefixKey(held.symbol) == orderKey && sameSymbolPastKey(held.symbol, r.symbol))
            continue;
        const std::optional<double>& rho = correlation.rhoWithOrder[i];
        if (!rho) {
            r.uncovered.push_back(held.symbol);
            continue;
        }
        const double weight = held.marketValueUsd() / equity;
        const double share = direction * sigmaDaily * weight * *rho * correlation.sigmaDaily[i];
        bookCov += share;
        if (share != 0.0)
            largest.offer({i, share});
    }

    const double uncorrelatedBase = r.baseFraction.value_or(0.0);
    double base = 0.0;
    double full = 0.0;
    if (direction != 0.0 && sigmaDaily > 0.0) {
        full = (std::abs(muDaily) - bookCov) / (sigmaDaily * sigmaDaily);
        base = std::min(kellyFraction * std::max(full, 0.0), 1.0);
    }
    // Weights this large overflow the sum: no finite figure leaves the sizer otherwise.
    if (!std::isfinite(bookCov) || !std::isfinite(base)) {
        r.uncovered.clear();
        return std::string("book covariance is not finite (positions too large for equity)");
    }

    r.correlationAware = true;
    r.correlationReason.reset();
    r.bookCov = bookCov == 0.0 ? 0.0 : bookCov; // never -0 on screen
    r.baseFractionUncorrelated = uncorrelatedBase;
    r.baseFraction = base;
    r.fullKelly = std::isfinite(full) ? full : 0.0;
    r.largestContributions.clear();
    r.largestContributions.reserve(kTopBookCovContributions); // one allocation, not one a growth
    for (const Share& share : largest) {
        const Position& held = account.positions[share.position];
        r.largestContributions.push_back({held.symbol, share.bookCov,
                                          *correlation.rhoWithOrder[share.position],
                                          held.marketValueUsd() / equity});
    }
    return std::nullopt;
}

} // namespace kelly
