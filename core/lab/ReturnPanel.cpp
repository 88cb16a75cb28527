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
    std::vector<std::vector<double>> returns; // per symbol on m_dates, NaN where none
    for (const PriceSeries* s : series) {
        std::vector<double> symbolReturns(m_dates.size(), std::numeric_limits<double>::quiet_NaN());
        std::size_t at = 0;
        for (std::size_t row = 1; row < s->dates.size(); ++row) {
            at = static_cast<std::size_t>(
                std::lower_bound(m_dates.begin() + static_cast<std::ptrdiff_t>(at), m_dates.end(),
                                 s->dates[row]) -
                m_dates.begin());
            symbolReturns[at] = s->closes[row] / s->closes[row - 1] - 1.0;
            anyReturn[at] = true;
        }
        returns.push_back(std::move(symbolReturns));
    }
    for (std::size_t k = 0; k < m_dates.size(); ++k)
        if (anyReturn[k])
            m_returnDates.push_back(k);
    for (const std::vector<double>& symbolReturns : returns) {
        std::vector<double> values(m_returnDates.size(), 0.0);
        std::vector<double> present(m_returnDates.size(), 0.0);
        for (std::size_t w = 0; w < m_returnDates.size(); ++w) {
            const double r = symbolReturns[m_returnDates[w]];
            if (std::isfinite(r)) {
                values[w] = r;
                present[w] = 1.0;
            }
        }
        m_values.push_back(std::move(values));
        m_present.push_back(std::move(present));
    }
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
    const std::size_t length = m_windowEnd - m_windowBegin;
    const double* x = m_values[a].data() + m_windowBegin;
    const double* y = m_values[b].data() + m_windowBegin;
    const double* px = m_present[a].data() + m_windowBegin;
    const double* py = m_present[b].data() + m_windowBegin;
    // Returns are finite and sums start at +0, so adding x * 0 = +-0 changes no bit.
    double sumX = 0.0, sumY = 0.0, common = 0.0;
    for (std::size_t k = 0; k < length; ++k) {
        const double both = px[k] * py[k];
        sumX += x[k] * both;
        sumY += y[k] * both;
        common += both;
    }
    const int n = static_cast<int>(common);
    if (n < minCommon)
        return std::nullopt;
    const double meanX = sumX / n, meanY = sumY / n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (std::size_t k = 0; k < length; ++k) {
        const double both = px[k] * py[k];
        const double dx = (x[k] - meanX) * both, dy = (y[k] - meanY) * both;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx <= 0.0 || syy <= 0.0)
        return std::nullopt;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

} // namespace kelly::lab
