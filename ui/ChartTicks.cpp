#include "ChartTicks.h"

#include <QCategoryAxis>
#include <QDateTime>
#include <QFontMetricsF>
#include <QLocale>
#include <QValueAxis>
#include <cmath>
#include <initializer_list>

namespace kelly::ui::ticks {

namespace {

const QLocale& english()
{
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

// Round values m x 10^d (m from `mantissas`) within [low, high].
std::vector<double> roundValues(double low, double high, std::initializer_list<double> mantissas)
{
    std::vector<double> values;
    const double slack = 1e-9 * high;
    for (int decade = static_cast<int>(std::floor(std::log10(low)));
         decade <= static_cast<int>(std::floor(std::log10(high))); ++decade)
        for (const double m : mantissas) {
            const double value = m * std::pow(10.0, decade);
            if (value >= low - slack && value <= high + slack)
                values.push_back(value);
        }
    return values;
}

std::vector<Tick> labelled(const std::vector<double>& values)
{
    std::vector<Tick> out;
    for (const double value : values)
        out.push_back({value, compactDollars(value)});
    return out;
}

QDateTime utcMidnight(const QDate& date)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC);
}

} // namespace

double roundStep(double span, int maxIntervals)
{
    if (!(span > 0.0) || !std::isfinite(span) || maxIntervals < 1)
        return 1.0;
    const double raw = span / maxIntervals;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0})
        if (m * magnitude >= raw * (1.0 - 1e-9))
            return m * magnitude;
    return 10.0 * magnitude;
}

std::vector<Tick> dollarTicks(double low, double high, int maxLabels)
{
    if (!(low > 0.0) || !(high > low) || !std::isfinite(high) || maxLabels < 1)
        return {};
    const auto most = static_cast<size_t>(std::min(maxLabels, 8)); // more crowd any chart
    const size_t fewest = std::min<size_t>(3, most);
    std::vector<double> values = roundValues(low, high, {1.0, 2.0, 5.0});
    if (values.size() > most)
        values = roundValues(low, high, {1.0}); // many decades (a run near ruin)
    if (values.size() < fewest)
        values = roundValues(low, high, {1.0, 1.5, 2.0, 3.0, 5.0, 7.0});
    if (values.size() < fewest)
        values =
            roundValues(low, high, {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0});
    if (values.size() < fewest) {
        // A range this narrow is nearly linear: round linear steps.
        const double step = roundStep(high - low, static_cast<int>(most));
        values.clear();
        for (double v = std::ceil(low / step) * step; v <= high; v += step)
            values.push_back(v);
    }
    if (values.size() > most) {
        // A short chart: every other (or third...) round value.
        const size_t every = (values.size() + most - 1) / most;
        std::vector<double> thinned;
        for (size_t i = 0; i < values.size(); i += every)
            thinned.push_back(values[i]);
        values = std::move(thinned);
    }
    return labelled(values);
}

QString compactDollars(double usd)
{
    const double size = std::abs(usd);
    const double scale = size >= 1e6 ? 1e6 : size >= 1e3 ? 1e3 : 1.0;
    const QString suffix = scale == 1e6   ? QStringLiteral("M")
                           : scale == 1e3 ? QStringLiteral("k")
                                          : QString();
    const double scaled = size / scale;
    // As few decimals as the value needs, at most two.
    int decimals = 0;
    while (decimals < 2 && std::abs(std::round(scaled * std::pow(10.0, decimals)) -
                                    scaled * std::pow(10.0, decimals)) > 1e-6)
        ++decimals;
    return (usd < 0.0 ? QStringLiteral("-$") : QStringLiteral("$")) +
           english().toString(scaled, 'f', decimals) + suffix;
}

std::vector<Tick> monthTicks(double firstMs, double lastMs, int maxLabels)
{
    if (!(lastMs > firstMs) || maxLabels < 1)
        return {};
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(firstMs), Qt::UTC);
    const QDateTime last = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(lastMs), Qt::UTC);
    QDate firstMonth(first.date().year(), first.date().month(), 1);
    if (utcMidnight(firstMonth) < first)
        firstMonth = firstMonth.addMonths(1);
    std::vector<Tick> ticks;
    for (const int months : {1, 2, 3, 6, 12, 24, 60, 120}) {
        ticks.clear();
        for (QDate month = firstMonth; utcMidnight(month) <= last; month = month.addMonths(1)) {
            const bool onStep = months < 12
                                    ? (month.month() - 1) % months == 0
                                    : month.month() == 1 && month.year() % (months / 12) == 0;
            if (onStep)
                ticks.push_back({static_cast<double>(utcMidnight(month).toMSecsSinceEpoch()),
                                 months < 12 ? english().toString(month, QStringLiteral("MMM yyyy"))
                                             : QString::number(month.year())});
        }
        if (ticks.size() <= static_cast<size_t>(maxLabels))
            break;
    }
    if (ticks.size() >= 2)
        return ticks;
    // Under two months: whole days, every 1, 2, 7 or 14.
    for (const int days : {1, 2, 7, 14}) {
        ticks.clear();
        for (QDate day = first.date(); utcMidnight(day) <= last; day = day.addDays(days))
            if (utcMidnight(day) >= first)
                ticks.push_back({static_cast<double>(utcMidnight(day).toMSecsSinceEpoch()),
                                 english().toString(day, QStringLiteral("MMM d"))});
        if (ticks.size() <= static_cast<size_t>(maxLabels))
            break;
    }
    return ticks;
}

QCategoryAxis* categoryAxis(const std::vector<Tick>& ticks, double low, double high,
                            double (*transform)(double))
{
    auto* axis = new QCategoryAxis;
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    setCategories(axis, ticks, low, high, transform);
    return axis;
}

void setCategories(QCategoryAxis* axis, const std::vector<Tick>& ticks, double low, double high,
                   double (*transform)(double))
{
    const auto to = [transform](double value) {
        return transform ? transform(value) : value;
    };
    for (const QString& label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(to(low));
    axis->setRange(to(low), to(high));
    for (const Tick& tick : ticks)
        if (tick.value >= low && tick.value <= high)
            axis->append(tick.label, to(tick.value));
}

int ticksThatFit(const QValueAxis* axis, double length, Qt::Orientation orientation,
                 const QString& widest)
{
    const QFontMetricsF metrics(axis->labelsFont());
    const double need =
        (orientation == Qt::Vertical ? metrics.height() : metrics.horizontalAdvance(widest)) +
        12.0; // Qt Charts' 5 px padding either side, and a pixel of slack
    return std::max(0, static_cast<int>(std::floor(length / need)));
}

void setSteppedRange(QValueAxis* axis, double low, double high, double step)
{
    const double from = std::floor(low / step + 1e-9) * step;
    double to = std::ceil(high / step - 1e-9) * step;
    if (to <= from)
        to = from + step;
    axis->setRange(from, to);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0.0);
    axis->setTickInterval(step);
}

void setRoundTicks(QValueAxis* axis, double low, double high, double rangeStep, int ticksThatFit)
{
    setSteppedRange(axis, low, high, rangeStep);
    const double span = axis->max() - axis->min();
    double interval = rangeStep;
    // The next round interval (1-2-5 x 10^k) until the ticks fit.
    while (std::floor(span / interval + 1e-9) + 1 > std::max(1, ticksThatFit))
        interval = roundStep(interval * 1.01, 1);
    axis->setTickInterval(interval);
    axis->setLabelsVisible(ticksThatFit >= 1);
}

void setRoundRange(QValueAxis* axis, double low, double high, int maxIntervals)
{
    setSteppedRange(axis, low, high, roundStep(high - low, maxIntervals));
}

} // namespace kelly::ui::ticks
