#pragma once

#include <QString>
#include <vector>

class QCategoryAxis;
class QValueAxis;

// Round ticks for the charts (issue 26): a reader reads "$100k" and "Jan 2025", not
// "$65,536" and a date that happens to be a seventh of the range. Qt Charts 6.4 has no custom
// tick positions on a log or date axis, so those charts draw log10(value) or epoch
// milliseconds on a QCategoryAxis whose labels sit exactly on the round values.
namespace kelly::ui::ticks {

struct Tick
{
    double value = 0.0; // in the axis's own units (a dollar amount, epoch milliseconds)
    QString label;
};

// The round step (1, 2 or 5 x 10^k) that cuts `span` into at most `maxIntervals` parts.
double roundStep(double span, int maxIntervals);

// Round dollar amounts in [low, high] (low > 0) for a log axis: 1-2-5 per decade when the
// range spans several, finer mantissas when it is narrow; at most `maxLabels`.
std::vector<Tick> dollarTicks(double low, double high, int maxLabels = 8);
// "$500", "$50k", "$102.5k", "$1.5M", with thousands separators ("$1,200M").
QString compactDollars(double usd);

// The first days of months (every 1, 2, 3 or 6 months, or of years) between two epoch
// millisecond times, at most `maxLabels`: "Jan 2025", or "2025" when a year apart.
std::vector<Tick> monthTicks(double firstMs, double lastMs, int maxLabels);

// A category axis over [low, high] labelled at `ticks`, each label on its value.
// `transform` maps a tick's value to the axis's unit (log10 for a log axis).
QCategoryAxis* categoryAxis(const std::vector<Tick>& ticks, double low, double high,
                            double (*transform)(double) = nullptr);
// The same on an existing axis: its labels replaced.
void setCategories(QCategoryAxis* axis, const std::vector<Tick>& ticks, double low, double high,
                   double (*transform)(double) = nullptr);

// How many tick labels like `widest` fit along `length` pixels of an axis without Qt Charts
// eliding them to "..." (it gives each tick length / ticks, less 5 px either side).
int ticksThatFit(const QValueAxis* axis, double length, Qt::Orientation orientation,
                 const QString& widest);

// A linear axis over [low, high] widened to whole round steps (at most `maxIntervals`), with
// its ticks on multiples of the step: drawdown 0/-20/-40%, leverage every 0.5x.
void setRoundRange(QValueAxis* axis, double low, double high, int maxIntervals);
// The same with a given step (the leverage's 0.5x).
void setSteppedRange(QValueAxis* axis, double low, double high, double step);
// A linear axis over [low, high] widened to whole `rangeStep`s, labelled every `rangeStep`
// or a rounder multiple (1-2-5), so that at most `ticksThatFit` labels show; none when none
// fits. The range does not widen for a short chart: the labels thin out.
void setRoundTicks(QValueAxis* axis, double low, double high, double rangeStep, int ticksThatFit);

} // namespace kelly::ui::ticks
