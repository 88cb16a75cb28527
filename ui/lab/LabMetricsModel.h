#pragma once

#include "lab/Lab.h"

#include <QAbstractTableModel>
#include <vector>

namespace kelly::ui {

// One row per (run, method) shown in the Lab tab; one column per SPEC 12 metric. Every
// header and cell carries the metric's formula as its tooltip.
class LabMetricsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Label,
        FinalEquity,
        TotalReturn,
        Cagr,
        Sharpe,
        Sortino,
        MaxDrawdown,
        Calmar,
        WorstDay,
        Financing,
        Costs,
        Turnover,
        AvgGrossLeverage,
        MaxGrossLeverage,
        LongestDrawdownDays,
        Ruined,
        ColumnCount
    };

    struct Row
    {
        QString label; // "run 3 enhanced"
        lab::LabMetrics metrics;
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(std::vector<Row> rows);
    const std::vector<Row>& rows() const { return m_rows; }

    static QString formula(int column);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<Row> m_rows;
};

} // namespace kelly::ui
