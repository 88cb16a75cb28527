#pragma once

#include "store/Store.h"

#include <QWidget>

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

    explicit HistoryChartPanel(QWidget* parent = nullptr);

    void setSnapshots(const std::vector<store::SnapshotRecord>& snapshots);
    int pointCount() const;

private:
    QChart* m_chart;
    QChartView* m_view;
    QLabel* m_placeholder;
    QLineSeries* m_equity;
    QLineSeries* m_leverage;
    QDateTimeAxis* m_time;
    QValueAxis* m_equityAxis;
    QValueAxis* m_leverageAxis;
    qint64 m_lastId = -1;
    size_t m_lastCount = 0;
};

} // namespace kelly::ui
