#pragma once

#include "DeskMargin.h"

#include <QWidget>

class QCategoryAxis;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QTableView;
class QValueAxis;

namespace kelly::ui {

class StressModel;

// SPEC 16's Stress tab: the default uniform moves as a grid (calls in red, with the cure),
// and equity and the maintenance requirement against a uniform move of every price from
// -50% to +50%, the call point marked. Everything comes computed with the state
// (DeskMargin, on the loader's worker); Qt Charts stays inside this class.
class StressPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit StressPanel(QWidget* parent = nullptr);

    void setMargin(const DeskMargin& margin);

    StressModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QString summaryText() const;
    // The call point drawn on the chart (move in percent, equity there), when within range.
    std::optional<QPointF> callPoint() const;
    int curvePointCount() const;

private:
    StressModel* m_model;
    QTableView* m_table;
    QLabel* m_summary;
    QChart* m_chart;
    QChartView* m_view;
    QLineSeries* m_equity;
    QLineSeries* m_maintenance;
    QScatterSeries* m_callMarker;
    QValueAxis* m_moveAxis;
    QCategoryAxis* m_moneyAxis;
    std::pair<double, double> m_moneyRange{0.0, 0.0};
};

} // namespace kelly::ui
