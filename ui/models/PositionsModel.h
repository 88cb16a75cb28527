#pragma once

#include "KeyedTableModel.h"
#include "margin/Margin.h"
#include "sizing/Exposure.h"

namespace kelly::ui {

// One row of the Book: SPEC 6's figures and SPEC 15's margin of the position.
struct BookRow
{
    PositionExposure position;
    // SPEC 15, absent when the margin was not computed (a model fed positions alone).
    std::optional<double> maintenanceRate; // at the last price, floored
    RateSource rateSource = RateSource::Default;
    PositionSide side = PositionSide::Long;
    std::optional<double> requirementUsd;
    // The single-name move to a call, against the position (a fall for a long, a rise for a
    // short); null beyond 100% / 300%.
    std::optional<double> callMovePct;
};

// The Book: one row per open position, keyed by symbol (SPEC 6 figures per position, and
// SPEC 15's maintenance rate with its source, requirement and single-name move to a call).
class PositionsModel final : public KeyedTableModel<BookRow>
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
        MaintenanceRate, // "30% broker"
        Requirement,     // req(s) in USD
        CallMove,        // "-16.7%" (a long's fall) or "+45.0%" (a short's rise)
        ColumnCount
    };
    // Raw values for sorting and for the cap bar: doubles, or the symbol string.
    static constexpr int SortRole = Qt::UserRole + 1;

    using KeyedTableModel::KeyedTableModel;

    void setPositions(std::vector<PositionExposure> positions);
    // The positions with their margin: `account` and `margin` are the ones the exposure was
    // computed from (margin rows aligned with account.positions, matched by symbol).
    void setBook(const std::vector<PositionExposure>& positions, const Account& account,
                 const MarginReport& margin);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString keyOf(const BookRow& row) const override;
    bool sameKey(const BookRow& a, const BookRow& b) const override
    {
        return a.position.symbol == b.position.symbol;
    }
    ColumnSpan changedColumns(const BookRow& before, const BookRow& after) const override;
};

} // namespace kelly::ui
