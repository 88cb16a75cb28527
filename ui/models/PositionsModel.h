#pragma once

#include "KeyedTableModel.h"
#include "sizing/Exposure.h"

namespace kelly::ui {

// The Book: one row per open position, keyed by symbol (SPEC 6 figures per position).
class PositionsModel final : public KeyedTableModel<PositionExposure>
{
public:
    enum Column
    {
        Symbol,
        AssetClassColumn,
        Qty,
        LastPrice,
        MarketValue,
        ExposurePct,
        CapUsedPct,
        UnrealizedPnl,
        ColumnCount
    };
    // Raw values for sorting and for the cap bar: doubles, or the symbol string.
    static constexpr int SortRole = Qt::UserRole + 1;

    using KeyedTableModel::KeyedTableModel;

    void setPositions(std::vector<PositionExposure> positions);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString keyOf(const PositionExposure& row) const override;
    bool sameKey(const PositionExposure& a, const PositionExposure& b) const override
    {
        return a.symbol == b.symbol;
    }
    ColumnSpan changedColumns(const PositionExposure& before,
                              const PositionExposure& after) const override;
};

} // namespace kelly::ui
