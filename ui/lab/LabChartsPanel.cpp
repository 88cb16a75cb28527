#include "LabChartsPanel.h"

#include "ChartTicks.h"
#include "Format.h"
#include "Palette.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <utility>

namespace kelly::ui {

namespace {

QChart* makeChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0); // the plot keeps the height (1024x640)
    chart->setBackgroundRoundness(0);
    return chart;
}

QChartView* makeView(QChart* chart, QWidget* parent)
{
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(100); // issue 26: with the metrics of 4 methods at 1024x640
    return view;
}

qreal msecs(const std::string& isoDate)
{
    return static_cast<qreal>(
        QDateTime(QDate::fromString(QString::fromStdString(isoDate), Qt::ISODate), QTime(0, 0),
                  Qt::UTC)
            .toMSecsSinceEpoch());
}

QColor methodColour(lab::Method method)
{
    switch (method) {
    case lab::Method::Enhanced:
        return QColor(0x1f, 0x77, 0xb4);
    case lab::Method::EnhancedCorr:
        return QColor(0x94, 0x67, 0xbd);
    case lab::Method::Legacy:
        return QColor(0xd6, 0x60, 0x1a);
    case lab::Method::EqualWeight:
        return QColor(0x2c, 0xa0, 0x2c);
    }
    return Qt::gray;
}

void resetChart(QChart* chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

double log10Of(double value)
{
    return std::log10(value);
}

// The dates of the three charts, labelled (labelAxes) on month or year boundaries.
QCategoryAxis* timeAxis(QChart* chart, double firstMs, double lastMs)
{
    QCategoryAxis* axis = ticks::categoryAxis({}, firstMs, lastMs);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
}

template <typename Axis> Axis* axisOf(const QChart* chart, Qt::Orientation orientation)
{
    return qobject_cast<Axis*>(chart->axes(orientation).front());
}

void attach(QChart* chart, QLineSeries* series, QAbstractAxis* x, QAbstractAxis* y)
{
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace

LabChartsPanel::LabChartsPanel(QWidget* parent)
    : QWidget(parent), m_equity(makeChart(tr("Equity (USD, log scale)"))),
      m_drawdown(makeChart(tr("Drawdown from the running high"))),
      m_leverage(makeChart(tr("Gross leverage at the close")))
{
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* equityView = makeView(m_equity, this);
    equityView->setObjectName(QStringLiteral("labEquityChart"));
    equityView->setMinimumHeight(140);
    layout->addWidget(equityView, 0, 0, 1, 2);
    layout->addWidget(makeView(m_drawdown, this), 1, 0);
    layout->addWidget(makeView(m_leverage, this), 1, 1);
    layout->setRowStretch(0, 3);
    layout->setRowStretch(1, 2);
    // Labels follow each chart's size, once its layout settled.
    for (QChart* chart : {m_equity, m_drawdown, m_leverage})
        connect(chart, &QChart::plotAreaChanged, this, [this] {
            if (std::exchange(m_relabelPending, true))
                return;
            QMetaObject::invokeMethod(this, &LabChartsPanel::labelAxes, Qt::QueuedConnection);
        });
}

void LabChartsPanel::showCurves(const std::vector<Curve>& curves)
{
    for (QChart* chart : {m_equity, m_drawdown, m_leverage})
        resetChart(chart);
    m_curveCount = 0;
    struct Lines
    {
        const Curve* curve;
        QList<QPointF> equity; // log10(USD): a log scale on a linear axis with round labels
        QList<QPointF> drawdown;
        QList<QPointF> leverage;
    };
    std::vector<Lines> lines;
    std::vector<double> starts;
    double lowest = 0.0, highest = 0.0, deepest = 0.0, maxLeverage = 0.0;
    double firstMs = 0.0, lastMs = 0.0;
    bool any = false;
    for (const Curve& curve : curves) {
        if (curve.points.empty())
            continue;
        Lines line{&curve, {}, {}, {}};
        double peak = curve.startingEquityUsd;
        for (const lab::CurvePoint& p : curve.points) {
            const qreal x = msecs(p.date);
            peak = std::max(peak, p.equityUsd);
            // A log axis has no room for a ruined (<= 0) equity: the curve stops before it.
            if (p.equityUsd > 0.0) {
                line.equity.append(QPointF(x, std::log10(p.equityUsd)));
                line.leverage.append(QPointF(x, p.grossUsd / p.equityUsd));
                lowest = any ? std::min(lowest, p.equityUsd) : p.equityUsd;
                highest = any ? std::max(highest, p.equityUsd) : p.equityUsd;
                firstMs = any ? std::min(firstMs, x) : x;
                lastMs = any ? std::max(lastMs, x) : x;
                maxLeverage = std::max(maxLeverage, p.grossUsd / p.equityUsd);
                any = true;
            }
            const double fall = std::max((p.equityUsd / peak - 1.0) * 100.0, -100.0);
            line.drawdown.append(QPointF(x, fall));
            deepest = std::min(deepest, fall);
        }
        if (curve.startingEquityUsd > 0.0 &&
            std::find(starts.begin(), starts.end(), curve.startingEquityUsd) == starts.end())
            starts.push_back(curve.startingEquityUsd);
        lines.push_back(std::move(line));
    }
    if (!any)
        return; // no axes: ticks over no data would be nonsense
    for (const double start : starts) {
        lowest = std::min(lowest, start);
        highest = std::max(highest, start);
    }
    if (lastMs <= firstMs)
        lastMs = firstMs + 86'400'000.0; // one day still gets an axis
    m_extents = {firstMs, lastMs, lowest * 0.95, highest * 1.05, deepest, maxLeverage};
    QCategoryAxis* equityTime = timeAxis(m_equity, firstMs, lastMs);
    QCategoryAxis* drawdownTime = timeAxis(m_drawdown, firstMs, lastMs);
    QCategoryAxis* leverageTime = timeAxis(m_leverage, firstMs, lastMs);
    QCategoryAxis* equityAxis =
        ticks::categoryAxis({}, m_extents.equityLow, m_extents.equityHigh, &log10Of);
    auto* drawdownAxis = new QValueAxis;
    drawdownAxis->setLabelFormat(QStringLiteral("%.0f%%"));
    auto* leverageAxis = new QValueAxis;
    leverageAxis->setLabelFormat(QStringLiteral("%.1fx"));
    m_equity->addAxis(equityAxis, Qt::AlignLeft);
    m_drawdown->addAxis(drawdownAxis, Qt::AlignLeft);
    m_leverage->addAxis(leverageAxis, Qt::AlignLeft);

    for (const Lines& line : lines) {
        auto* equity = new QLineSeries;
        auto* drawdown = new QLineSeries;
        auto* leverage = new QLineSeries;
        equity->replace(line.equity);
        drawdown->replace(line.drawdown);
        leverage->replace(line.leverage);
        // One colour per method across the three charts; earlier runs dashed.
        const QPen pen(methodColour(line.curve->method), 1.6,
                       line.curve->earlierRun ? Qt::DashLine : Qt::SolidLine);
        for (QLineSeries* series : {equity, drawdown, leverage}) {
            series->setName(line.curve->label);
            series->setPen(pen);
        }
        attach(m_equity, equity, equityTime, equityAxis);
        attach(m_drawdown, drawdown, drawdownTime, drawdownAxis);
        attach(m_leverage, leverage, leverageTime, leverageAxis);
        ++m_curveCount;
    }
    // Where each run started (the Lab's starting equity), across the whole chart.
    for (const double start : starts) {
        auto* line = new QLineSeries;
        line->setName(tr("start %1").arg(format::usd(start)));
        line->append(firstMs, std::log10(start));
        line->append(lastMs, std::log10(start));
        line->setPen(QPen(palette::muted(), 1.2, Qt::DashDotLine));
        attach(m_equity, line, equityTime, equityAxis);
    }
    m_drawdown->legend()->hide();
    m_leverage->legend()->hide();
    m_fitted.clear();
    labelAxes(); // round labels, as many as the charts hold
}

void LabChartsPanel::labelAxes()
{
    m_relabelPending = false;
    if (m_curveCount == 0)
        return;
    const Extents& e = m_extents;
    // How many labels each axis holds at its chart's size now: fewer round labels on a short
    // chart (1024x640), never Qt's "..." in their place.
    const auto fit = [](QChart* chart, Qt::Orientation orientation, const QString& widest) {
        const QList<QAbstractAxis*> axes = chart->axes(orientation);
        const auto* axis = axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.front());
        const QRectF plot = chart->plotArea();
        return axis
                   ? ticks::ticksThatFit(axis,
                                         orientation == Qt::Vertical ? plot.height() : plot.width(),
                                         orientation, widest)
                   : 0;
    };
    const std::vector<int> fitted{fit(m_equity, Qt::Vertical, {}),
                                  fit(m_drawdown, Qt::Vertical, {}),
                                  fit(m_leverage, Qt::Vertical, {}),
                                  fit(m_equity, Qt::Horizontal, QStringLiteral("May 2025")),
                                  fit(m_drawdown, Qt::Horizontal, QStringLiteral("May 2025")),
                                  fit(m_leverage, Qt::Horizontal, QStringLiteral("May 2025"))};
    if (fitted == m_fitted)
        return; // a label change moved the plot sideways only
    m_fitted = fitted;

    // A category axis's labels sit on its inner ticks: one fewer than the ticks that fit.
    ticks::setCategories(axisOf<QCategoryAxis>(m_equity, Qt::Vertical),
                         ticks::dollarTicks(e.equityLow, e.equityHigh, fitted[0] - 1), e.equityLow,
                         e.equityHigh, &log10Of);
    // A value axis labels every tick: drawdown on 0/-20/-40/-60%, leverage every 0.5x, or
    // rounder steps when fewer fit.
    ticks::setRoundTicks(axisOf<QValueAxis>(m_drawdown, Qt::Vertical), e.deepest, 0.0,
                         ticks::roundStep(-e.deepest, 4), fitted[1]);
    ticks::setRoundTicks(axisOf<QValueAxis>(m_leverage, Qt::Vertical), 0.0,
                         std::max(1.0, e.maxLeverage), 0.5, fitted[2]);
    const QChart* charts[] = {m_equity, m_drawdown, m_leverage};
    for (int i = 0; i < 3; ++i)
        ticks::setCategories(axisOf<QCategoryAxis>(charts[i], Qt::Horizontal),
                             ticks::monthTicks(e.firstMs, e.lastMs, std::min(6, fitted[3 + i] - 1)),
                             e.firstMs, e.lastMs);
}

} // namespace kelly::ui
