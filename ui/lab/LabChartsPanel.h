#pragma once

#include "lab/Lab.h"

#include <QWidget>
#include <vector>

class QChart;
class QChartView;

namespace kelly::ui {

// The Lab tab's charts (behind this class, so a move to Qt Graphs touches one folder):
// equity per method on a log axis, drawdown from the running high, gross leverage at the
// close. Every curve shown is one (run, method).
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

private:
    QChart* m_equity;
    QChart* m_drawdown;
    QChart* m_leverage;
    int m_curveCount = 0;
};

} // namespace kelly::ui
