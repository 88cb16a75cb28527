#pragma once

#include "margin/Stress.h"

#include <QAbstractTableModel>
#include <vector>

namespace kelly::ui {

// SPEC 16's grid: one row per scenario, as `kellyctl stress` prints it. Rows are replaced in
// place (dataChanged) when the scenario list keeps its length, so a live refresh never resets
// the selection.
class StressModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Scenario,
        Pnl,
        EquityAfter,
        MaintenanceAfter,
        LeverageAfter,
        ExcessAfter,
        MarginCall,
        Cure,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setOutcomes(std::vector<StressOutcome> outcomes);
    const std::vector<StressOutcome>& outcomes() const { return m_rows; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<StressOutcome> m_rows;
};

} // namespace kelly::ui
