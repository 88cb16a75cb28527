#pragma once

#include "store/Store.h"

#include <QWidget>
#include <optional>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace kelly::ui {

// Equity (left axis, USD) and gross leverage (right axis) over the stored snapshots.
class HistoryChartPanel final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxPoints = 2000;
    static constexpr int kMarkedPoints = 20; // fewer snapshots show as dots too

    explicit HistoryChartPanel(QWidget* parent = nullptr);

    void setSnapshots(const std::vector<store::SnapshotRecord>& snapshots);
    // Issue 26: the leverage axis always reaches the book's leverage now, not only the
    // snapshots' highest.
    void setBookLeverage(std::optional<double> leverage);
    int pointCount() const;
    double leverageAxisMax() const;
    bool showsPoints() const; // markers, so a single snapshot is seen

private:
    QChart* m_chart;
    QChartView* m_view;
    QLabel* m_placeholder;
    QLineSeries* m_equity;
    QLineSeries* m_leverage;
    QDateTimeAxis* m_time;
    QValueAxis* m_equityAxis;
    QValueAxis* m_leverageAxis;
    void fitLeverageAxis();

    double m_snapshotLeverageHigh = 0.0;
    double m_bookLeverage = 0.0;
    qint64 m_lastId = -1;
    size_t m_lastCount = 0;
};

} // namespace kelly::ui
