#include "ReturnPanel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

namespace kelly::lab {

namespace {

using Vec4 = double __attribute__((vector_size(32)));

} // namespace

// ReturnPanel::correlation's two passes for one symbol x against a block of 4 (y, py laid
// out date by date, 4 lanes a date), each lane the same operations in the same order as the
// scalar loop, so the same bits. Compiled for x86-64-v3 and the baseline (GCC target_clones,
// picked at load time); the file is built with -ffp-contract=off, so no clone fuses a
// multiply and an add the scalar loop rounds apart. `sums` gets sxy, sxx, syy and the
// common count, 4 lanes each.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void
correlationSums4(const double* x, const double* px, const double* y, const double* py,
                 std::size_t length, double* sums)
{
    Vec4 sumX = {0.0, 0.0, 0.0, 0.0}, sumY = sumX, common = sumX;
    Vec4 yk, pyk; // date k's 4 lanes, loaded with memcpy (no Vec4 crosses a call)
    for (std::size_t k = 0; k < length; ++k) {
        std::memcpy(&yk, y + 4 * k, sizeof yk);
        std::memcpy(&pyk, py + 4 * k, sizeof pyk);
        const Vec4 both = px[k] * pyk;
        sumX += x[k] * both;
        sumY += yk * both;
        common += both;
    }
    // common holds whole numbers, so sum / common is sum / n as the scalar loop divides.
    const Vec4 meanX = sumX / common, meanY = sumY / common;
    Vec4 sxy = {0.0, 0.0, 0.0, 0.0}, sxx = sxy, syy = sxy;
    for (std::size_t k = 0; k < length; ++k) {
        std::memcpy(&yk, y + 4 * k, sizeof yk);
        std::memcpy(&pyk, py + 4 * k, sizeof pyk);
        const Vec4 both = px[k] * pyk;
        const Vec4 dx = (x[k] - meanX) * both, dy = (yk - meanY) * both;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    std::memcpy(sums, &sxy, sizeof sxy);
    std::memcpy(sums + 4, &sxx, sizeof sxx);
    std::memcpy(sums + 8, &syy, sizeof syy);
    std::memcpy(sums + 12, &common, sizeof common);
}

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
            // m_dates holds every date of s in order: the next one is a few steps on (a
            // forward walk, one compare a step, where a binary search made ~11 a row).
            while (m_dates[at] < s->dates[row])
                ++at;
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

void ReturnPanel::Book::clear(const ReturnPanel& panel)
{
    m_length = panel.m_windowEnd - panel.m_windowBegin;
    m_count = 0;
    m_values.clear();
    m_present.clear();
}

void ReturnPanel::Book::add(const ReturnPanel& panel, std::size_t symbol)
{
    const std::size_t lane = m_count % 4;
    if (lane == 0) { // a new block, its lanes 0 until filled
        m_values.resize(m_values.size() + 4 * m_length, 0.0);
        m_present.resize(m_present.size() + 4 * m_length, 0.0);
    }
    const std::size_t block = (m_count / 4) * 4 * m_length;
    const double* values = panel.m_values[symbol].data() + panel.m_windowBegin;
    const double* present = panel.m_present[symbol].data() + panel.m_windowBegin;
    for (std::size_t k = 0; k < m_length; ++k) {
        m_values[block + 4 * k + lane] = values[k];
        m_present[block + 4 * k + lane] = present[k];
    }
    ++m_count;
}

void ReturnPanel::Book::correlationsOf(const ReturnPanel& panel, std::size_t a, int minCommon,
                                       std::vector<std::optional<double>>& out) const
{
    out.clear();
    const double* x = panel.m_values[a].data() + panel.m_windowBegin;
    const double* px = panel.m_present[a].data() + panel.m_windowBegin;
    double sums[16];
    for (std::size_t first = 0; first < m_count; first += 4) {
        const std::size_t block = first * m_length;
        correlationSums4(x, px, m_values.data() + block, m_present.data() + block, m_length, sums);
        for (std::size_t lane = 0; lane < 4 && first + lane < m_count; ++lane) {
            const double sxy = sums[lane], sxx = sums[4 + lane], syy = sums[8 + lane];
            if (static_cast<int>(sums[12 + lane]) < minCommon || sxx <= 0.0 || syy <= 0.0)
                out.emplace_back(std::nullopt);
            else
                out.emplace_back(std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0));
        }
    }
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
