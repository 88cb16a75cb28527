#pragma once

#include "sizing/Exposure.h"

#include <QWidget>

class QChart;
class QChartView;
class QBarCategoryAxis;
class QBarSet;
class QHorizontalStackedBarSeries;
class QValueAxis;

namespace kelly::ui {

// Exposure per symbol as % of equity, largest first (Qt Charts stays behind this class so
// a move to Qt Graphs touches this folder only, STYLE).
class ExposureChartPanel final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxBars = 15;

    explicit ExposureChartPanel(QWidget* parent = nullptr);

    void setPositions(const std::vector<PositionExposure>& positions, double symbolCapPct);

    // What the bars show, bottom-up as drawn: symbols, and exposure % (shorts negative).
    QStringList barSymbols() const;
    std::vector<double> barValues() const;

private:
    QChart* m_chart;
    QChartView* m_view;
    QHorizontalStackedBarSeries* m_series;
    QBarSet* m_longs;
    QBarSet* m_shorts;
    QBarCategoryAxis* m_symbols;
    QValueAxis* m_values;
    QStringList m_lastCategories;
    std::vector<double> m_lastValues;
    double m_axisMax = -1.0; // the axis range last set, before nice numbers
};

} // namespace kelly::ui
