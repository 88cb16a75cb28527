#pragma once

// SPEC 12 step 4 for `enhanced-corr`: SPEC 5's correlation over all the run's symbols on
// returns dated before t. The returns are joined on date (outer join over every file's
// rows), the window is the last N dates of the joined index before t, and rho is Pearson
// on the pairwise-complete observations, none with fewer than 20 common returns.

#include "risk/Analytics.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kelly::lab {

class ReturnPanel
{
public:
    // `series` in the run's order; returns on each symbol's own calendar (SPEC 5).
    explicit ReturnPanel(const std::vector<const PriceSeries*>& series);

    // Moves the window to the `lookback` joined dates with a return strictly before `date`.
    void moveBefore(const std::string& date, int lookback);

    // rho(a, b) over the window; none below `minCommon` common returns or with a constant
    // series. Clamped to [-1, 1] against float noise.
    // The reference Book::correlationsOf is tested against (tst_lab_return_panel).
    std::optional<double> correlation(std::size_t a, std::size_t b, int minCommon) const;

    // The current window of a set of symbols (the book enhanced-corr sizes against), laid out
    // date by date in blocks of 4 symbols so that one symbol's rho with all of them runs in
    // vector lanes. Built for one window: clear it after moveBefore.
    class Book
    {
    public:
        void clear(const ReturnPanel& panel);
        void add(const ReturnPanel& panel, std::size_t symbol);
        // rho(a, b) for each symbol b added, in order: each exactly (bit for bit) what
        // correlation(a, b, minCommon) gives, computed four at a time.
        void correlationsOf(const ReturnPanel& panel, std::size_t a, int minCommon,
                            std::vector<std::optional<double>>& out) const;

    private:
        std::size_t m_length = 0; // the window's length when cleared
        std::size_t m_count = 0;  // symbols added
        // Block b, date k, lane l at ((b * m_length + k) * 4 + l); unused lanes hold 0.
        std::vector<double> m_values;
        std::vector<double> m_present;
    };

private:
    std::vector<std::string> m_dates; // the joined index, ascending
    // Per symbol, on the dates where any symbol has a return (the axis windows slide on):
    // the return, 0 where it has none, and 1 or 0 for whether it has one. A window is then
    // a contiguous slice and the pair loops run without branches; a row a pair does not
    // share adds an exact 0 to each sum, the same bits as summing the shared rows alone.
    std::vector<std::vector<double>> m_values;
    std::vector<std::vector<double>> m_present;
    std::vector<std::size_t> m_returnDates; // indices of m_dates where any symbol has one
    std::size_t m_windowBegin = 0;          // into m_returnDates
    std::size_t m_windowEnd = 0;
};

} // namespace kelly::lab
