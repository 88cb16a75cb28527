#include "LabChartsPanel.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

namespace {

QChart* makeChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
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

QDateTimeAxis* timeAxis(QChart* chart)
{
    auto* axis = new QDateTimeAxis;
    axis->setFormat(QStringLiteral("MMM yy"));
    axis->setTickCount(7);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
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
}

void LabChartsPanel::showCurves(const std::vector<Curve>& curves)
{
    for (QChart* chart : {m_equity, m_drawdown, m_leverage})
        resetChart(chart);
    m_curveCount = 0;
    QDateTimeAxis* equityTime = timeAxis(m_equity);
    QDateTimeAxis* drawdownTime = timeAxis(m_drawdown);
    QDateTimeAxis* leverageTime = timeAxis(m_leverage);
    // Base 2: a grid line at every doubling, so a backtest's range shows several.
    auto* equityAxis = new QLogValueAxis;
    equityAxis->setLabelFormat(QStringLiteral("$%.0f"));
    equityAxis->setBase(2.0);
    equityAxis->setMinorTickCount(3);
    auto* drawdownAxis = new QValueAxis;
    drawdownAxis->setLabelFormat(QStringLiteral("%.0f%%"));
    auto* leverageAxis = new QValueAxis;
    leverageAxis->setLabelFormat(QStringLiteral("%.1fx"));
    m_equity->addAxis(equityAxis, Qt::AlignLeft);
    m_drawdown->addAxis(drawdownAxis, Qt::AlignLeft);
    m_leverage->addAxis(leverageAxis, Qt::AlignLeft);

    double lowest = 0.0, highest = 0.0, deepest = 0.0, maxLeverage = 0.0;
    bool any = false;
    for (const Curve& curve : curves) {
        if (curve.points.empty())
            continue;
        auto* equity = new QLineSeries;
        auto* drawdown = new QLineSeries;
        auto* leverage = new QLineSeries;
        double peak = curve.startingEquityUsd;
        for (const lab::CurvePoint& p : curve.points) {
            const qreal x = msecs(p.date);
            peak = std::max(peak, p.equityUsd);
            // A log axis has no room for a ruined (<= 0) equity: the curve stops before it.
            if (p.equityUsd > 0.0) {
                equity->append(x, p.equityUsd);
                leverage->append(x, p.grossUsd / p.equityUsd);
                lowest = any ? std::min(lowest, p.equityUsd) : p.equityUsd;
                highest = any ? std::max(highest, p.equityUsd) : p.equityUsd;
                maxLeverage = std::max(maxLeverage, p.grossUsd / p.equityUsd);
                any = true;
            }
            const double fall = (p.equityUsd / peak - 1.0) * 100.0;
            drawdown->append(x, std::max(fall, -100.0));
            deepest = std::min(deepest, std::max(fall, -100.0));
        }
        for (QLineSeries* series : {equity, drawdown, leverage})
            series->setName(curve.label);
        m_equity->addSeries(equity);
        m_drawdown->addSeries(drawdown);
        m_leverage->addSeries(leverage);
        equity->attachAxis(equityTime);
        equity->attachAxis(equityAxis);
        drawdown->attachAxis(drawdownTime);
        drawdown->attachAxis(drawdownAxis);
        leverage->attachAxis(leverageTime);
        leverage->attachAxis(leverageAxis);
        // One colour per method across the three charts; earlier runs dashed.
        QPen pen(methodColour(curve.method), 1.6, curve.earlierRun ? Qt::DashLine : Qt::SolidLine);
        for (QLineSeries* series : {equity, drawdown, leverage})
            series->setPen(pen);
        ++m_curveCount;
    }
    if (any) {
        equityAxis->setRange(lowest * 0.95, highest * 1.05);
        drawdownAxis->setRange(std::floor(deepest / 10.0) * 10.0, 0.0);
        leverageAxis->setRange(0.0, std::max(1.0, std::ceil(maxLeverage * 4.0) / 4.0));
    }
    m_drawdown->legend()->hide();
    m_leverage->legend()->hide();
}

} // namespace kelly::ui
