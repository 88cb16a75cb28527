#pragma once

#include "lab/Lab.h"

#include <QWidget>
#include <vector>

class QChart;
class QChartView;

namespace kelly::ui {

// The Lab tab's charts (behind this class, so a move to Qt Graphs touches one folder):
// equity per method on a log scale with a line at the starting equity, drawdown from the
// running high, gross leverage at the close. Every curve shown is one (run, method). Axes are
// labelled at round values (ChartTicks): dollars, percents, 0.5x steps, month boundaries.
class LabChartsPanel final : public QWidget
{
    Q_OBJECT
public:
    struct Curve
    {
        QString label;
        lab::Method method = lab::Method::Enhanced; // picks the colour
        bool earlierRun = false;                    // drawn dashed
        double startingEquityUsd = 0.0;
        std::vector<lab::CurvePoint> points;
    };

    explicit LabChartsPanel(QWidget* parent = nullptr);

    void showCurves(const std::vector<Curve>& curves);
    int curveCount() const { return m_curveCount; }
    QChart* equityChart() const { return m_equity; }
    QChart* drawdownChart() const { return m_drawdown; }
    QChart* leverageChart() const { return m_leverage; }

private:
    // The round labels that fit each axis at its chart's size now.
    void labelAxes();

    struct Extents
    {
        double firstMs = 0.0;
        double lastMs = 0.0;
        double equityLow = 0.0; // USD, the log axis's range
        double equityHigh = 0.0;
        double deepest = 0.0; // %, <= 0
        double maxLeverage = 0.0;
    };
    Extents m_extents;
    std::vector<int> m_fitted; // the label counts labelAxes last used
    bool m_relabelPending = false;
    QChart* m_equity;
    QChart* m_drawdown;
    QChart* m_leverage;
    int m_curveCount = 0;
};

} // namespace kelly::ui
