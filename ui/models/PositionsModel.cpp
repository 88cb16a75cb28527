#include "PositionsModel.h"

#include "Format.h"
#include "Palette.h"

namespace kelly::ui {

void PositionsModel::setPositions(std::vector<PositionExposure> positions)
{
    sync(std::move(positions));
}

int PositionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PositionsModel::keyOf(const PositionExposure& row) const
{
    return QString::fromStdString(row.symbol);
}

ColumnSpan PositionsModel::changedColumns(const PositionExposure& before,
                                          const PositionExposure& after) const
{
    ColumnSpan changed;
    if (before.assetClass != after.assetClass) {
        changed.add(AssetClassColumn);
        changed.add(Qty); // the quantity's decimals follow the class
    }
    if (before.qty != after.qty)
        changed.add(Qty);
    if (before.priceUsd != after.priceUsd)
        changed.add(LastPrice);
    if (before.marketValueUsd != after.marketValueUsd)
        changed.add(MarketValue);
    if (before.exposurePct != after.exposurePct)
        changed.add(ExposurePct);
    if (before.capUsedPct != after.capUsedPct)
        changed.add(CapUsedPct);
    if (before.avgEntryUsd != after.avgEntryUsd ||
        before.unrealizedPnlUsd != after.unrealizedPnlUsd)
        changed.add(UnrealizedPnl);
    return changed;
}

QVariant PositionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PositionExposure& p = rowAt(index.row());
    const auto optional = [](const std::optional<double>& v) {
        return v ? QVariant(*v) : QVariant();
    };

    if (role == SortRole) {
        switch (index.column()) {
        case Symbol:
            return QString::fromStdString(p.symbol);
        case AssetClassColumn:
            return QString::fromLatin1(assetClassName(p.assetClass));
        case Qty:
            return p.qty;
        case LastPrice:
            return p.priceUsd;
        case MarketValue:
            return p.marketValueUsd;
        case ExposurePct:
            return optional(p.exposurePct);
        case CapUsedPct:
            return optional(p.capUsedPct);
        case UnrealizedPnl:
            return p.unrealizedPnlUsd;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Symbol:
            return QString::fromStdString(p.symbol);
        case AssetClassColumn:
            return QString::fromLatin1(assetClassName(p.assetClass));
        case Qty:
            return format::qty(p.qty, p.assetClass);
        case LastPrice:
            return format::price(p.priceUsd);
        case MarketValue:
            return format::usd(p.marketValueUsd);
        case ExposurePct:
            return format::pct(p.exposurePct);
        case CapUsedPct:
            return format::pct(p.capUsedPct, 0);
        case UnrealizedPnl:
            return p.avgEntryUsd > 0.0 ? format::signedUsd(p.unrealizedPnlUsd) : format::missing();
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        const bool text = index.column() == Symbol || index.column() == AssetClassColumn;
        return QVariant::fromValue(Qt::AlignVCenter | (text ? Qt::AlignLeft : Qt::AlignRight));
    }
    if (role == Qt::ForegroundRole) {
        if (index.column() == UnrealizedPnl && p.avgEntryUsd > 0.0 && p.unrealizedPnlUsd != 0.0)
            return p.unrealizedPnlUsd > 0.0 ? palette::gain() : palette::loss();
        if (index.column() == AssetClassColumn)
            return palette::muted();
        if (index.column() == Qty && p.qty < 0.0)
            return palette::loss();
    }
    if (role == Qt::ToolTipRole && index.column() == UnrealizedPnl && p.avgEntryUsd > 0.0)
        return tr("Average entry %1").arg(format::price(p.avgEntryUsd));
    return {};
}

QVariant PositionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole) {
        const bool text = section == Symbol || section == AssetClassColumn;
        return QVariant::fromValue(Qt::AlignVCenter | (text ? Qt::AlignLeft : Qt::AlignRight));
    }
    if (role == Qt::ToolTipRole && section == CapUsedPct)
        return tr("Exposure as a share of the per-symbol cap (cap x equity, before leverage). "
                  "At 100% the bot adds nothing more to this symbol.");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Symbol:
        return tr("Symbol");
    case AssetClassColumn:
        return tr("Class");
    case Qty:
        return tr("Qty");
    case LastPrice:
        return tr("Last");
    case MarketValue:
        return tr("Market value");
    case ExposurePct:
        return tr("Exposure");
    case CapUsedPct:
        return tr("Symbol cap used");
    case UnrealizedPnl:
        return tr("P&L vs entry");
    }
    return {};
}

} // namespace kelly::ui
