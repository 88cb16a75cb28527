#include "ReturnPanel.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace kelly::lab {

ReturnPanel::ReturnPanel(const std::vector<const PriceSeries*>& series)
{
    std::vector<std::string> merged;
    for (const PriceSeries* s : series) {
        merged.clear();
        std::set_union(m_dates.begin(), m_dates.end(), s->dates.begin(), s->dates.end(),
                       std::back_inserter(merged));
        m_dates.swap(merged);
    }
    std::vector<bool> anyReturn(m_dates.size(), false);
    for (const PriceSeries* s : series) {
        std::vector<double> returns(m_dates.size(), std::numeric_limits<double>::quiet_NaN());
        std::size_t at = 0;
        for (std::size_t row = 1; row < s->dates.size(); ++row) {
            at = static_cast<std::size_t>(
                std::lower_bound(m_dates.begin() + static_cast<std::ptrdiff_t>(at), m_dates.end(),
                                 s->dates[row]) -
                m_dates.begin());
            returns[at] = s->closes[row] / s->closes[row - 1] - 1.0;
            anyReturn[at] = true;
        }
        m_returns.push_back(std::move(returns));
    }
    for (std::size_t k = 0; k < m_dates.size(); ++k)
        if (anyReturn[k])
            m_returnDates.push_back(k);
}

void ReturnPanel::moveBefore(const std::string& date, int lookback)
{
    const std::size_t dateIndex = static_cast<std::size_t>(
        std::lower_bound(m_dates.begin(), m_dates.end(), date) - m_dates.begin());
    m_windowEnd = static_cast<std::size_t>(
        std::lower_bound(m_returnDates.begin(), m_returnDates.end(), dateIndex) -
        m_returnDates.begin());
    const std::size_t window = static_cast<std::size_t>(lookback);
    m_windowBegin = m_windowEnd > window ? m_windowEnd - window : 0;
}

std::optional<double> ReturnPanel::correlation(std::size_t a, std::size_t b, int minCommon) const
{
    const std::vector<double>& x = m_returns[a];
    const std::vector<double>& y = m_returns[b];
    double sumX = 0.0, sumY = 0.0;
    int n = 0;
    for (std::size_t w = m_windowBegin; w < m_windowEnd; ++w) {
        const std::size_t k = m_returnDates[w];
        if (std::isnan(x[k]) || std::isnan(y[k]))
            continue;
        sumX += x[k];
        sumY += y[k];
        ++n;
    }
    if (n < minCommon)
        return std::nullopt;
    const double meanX = sumX / n, meanY = sumY / n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (std::size_t w = m_windowBegin; w < m_windowEnd; ++w) {
        const std::size_t k = m_returnDates[w];
        if (std::isnan(x[k]) || std::isnan(y[k]))
            continue;
        const double dx = x[k] - meanX, dy = y[k] - meanY;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0.0 || syy <= 0.0)
        return std::nullopt;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

} // namespace kelly::lab
