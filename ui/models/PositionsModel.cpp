#include "PositionsModel.h"

#include "Format.h"
#include "Palette.h"

namespace kelly::ui {

namespace {

QString rateSourceLabel(RateSource source)
{
    switch (source) {
    case RateSource::Override:
        return PositionsModel::tr("override");
    case RateSource::Broker:
        return PositionsModel::tr("broker");
    case RateSource::Default:
        return PositionsModel::tr("default");
    }
    return {};
}

} // namespace

void PositionsModel::setPositions(std::vector<PositionExposure> positions)
{
    std::vector<BookRow> rows;
    rows.reserve(positions.size());
    for (PositionExposure& p : positions)
        rows.push_back({std::move(p), {}, RateSource::Default, PositionSide::Long, {}, {}});
    sync(std::move(rows));
}

void PositionsModel::setBook(const std::vector<PositionExposure>& positions, const Account& account,
                             const MarginReport& margin)
{
    // Both lists follow the account's order in practice; the index is found by symbol so a
    // reordered exposure can never show another symbol's margin.
    QHash<QString, size_t> at;
    at.reserve(static_cast<qsizetype>(account.positions.size()));
    for (size_t i = 0; i < account.positions.size(); ++i)
        at.insert(QString::fromStdString(account.positions[i].symbol), i);
    const bool aligned = margin.book.rules.size() == account.positions.size() &&
                         margin.book.requirementsUsd.size() == account.positions.size() &&
                         margin.callMovePct.size() == account.positions.size();
    std::vector<BookRow> rows;
    rows.reserve(positions.size());
    for (const PositionExposure& p : positions) {
        BookRow row{p, {}, RateSource::Default, PositionSide::Long, {}, {}};
        const auto found = at.constFind(QString::fromStdString(p.symbol));
        if (aligned && found != at.constEnd()) {
            const RequirementRule& rule = margin.book.rules[*found];
            row.maintenanceRate = rule.rateAt(p.priceUsd);
            row.rateSource = rule.source;
            row.side = rule.side;
            row.requirementUsd = margin.book.requirementsUsd[*found];
            row.callMovePct = margin.callMovePct[*found];
        }
        rows.push_back(std::move(row));
    }
    sync(std::move(rows));
}

int PositionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PositionsModel::keyOf(const BookRow& row) const
{
    return QString::fromStdString(row.position.symbol);
}

ColumnSpan PositionsModel::changedColumns(const BookRow& beforeRow, const BookRow& afterRow) const
{
    const PositionExposure& before = beforeRow.position;
    const PositionExposure& after = afterRow.position;
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
    if (beforeRow.maintenanceRate != afterRow.maintenanceRate ||
        beforeRow.rateSource != afterRow.rateSource)
        changed.add(MaintenanceRate);
    if (beforeRow.requirementUsd != afterRow.requirementUsd)
        changed.add(Requirement);
    if (beforeRow.callMovePct != afterRow.callMovePct || beforeRow.side != afterRow.side)
        changed.add(CallMove);
    return changed;
}

QVariant PositionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const BookRow& row = rowAt(index.row());
    const PositionExposure& p = row.position;
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
        case MaintenanceRate:
            return optional(row.maintenanceRate);
        case Requirement:
            return optional(row.requirementUsd);
        case CallMove: // the nearest call first, in either direction
            return optional(row.callMovePct);
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
        case MaintenanceRate:
            return row.maintenanceRate ? format::pct(100.0 * *row.maintenanceRate, 0) +
                                             QLatin1Char(' ') + rateSourceLabel(row.rateSource)
                                       : format::missing();
        case Requirement:
            return format::usd(row.requirementUsd);
        case CallMove:
            // Blank when no move within 100% (a fall) or 300% (a rise) brings a call.
            if (!row.callMovePct)
                return QString();
            return (row.side == PositionSide::Short ? QStringLiteral("+")
                                                    : QStringLiteral("\u2212")) +
                   format::pct(*row.callMovePct, 1);
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
        if (index.column() == CallMove && row.callMovePct && *row.callMovePct == 0.0)
            return palette::over();
        if (index.column() == Qty && p.qty < 0.0)
            return palette::loss();
    }
    if (role == Qt::ToolTipRole && index.column() == UnrealizedPnl && p.avgEntryUsd > 0.0)
        return tr("Average entry %1").arg(format::price(p.avgEntryUsd));
    if (role == Qt::ToolTipRole && index.column() == CallMove && row.requirementUsd)
        return row.callMovePct
                   ? tr("%1 alone %2 %3 (everything else fixed) brings a margin call")
                         .arg(QString::fromStdString(p.symbol),
                              row.side == PositionSide::Short ? tr("rising") : tr("falling"),
                              format::pct(*row.callMovePct, 1))
                   : tr("No move of %1 alone within %2 brings a margin call")
                         .arg(QString::fromStdString(p.symbol), row.side == PositionSide::Short
                                                                    ? tr("a 300% rise")
                                                                    : tr("a 100% fall"));
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
    if (role == Qt::ToolTipRole && section == MaintenanceRate)
        return tr("The broker's maintenance rate and where it came from: your override, the "
                  "broker's synced rate, or the default table (SPEC 15)");
    if (role == Qt::ToolTipRole && section == Requirement)
        return tr("Maintenance requirement of the position: rate x market value (a short at "
                  "least its per-share minimum)");
    if (role == Qt::ToolTipRole && section == CallMove)
        return tr("The move of this symbol alone that brings a margin call: a fall for a long, "
                  "a rise for a short. Blank: none within 100% / 300%");
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
        return tr("Cap used"); // issue 21: short, so the margin columns fit 1024 px
    case UnrealizedPnl:
        return tr("P&L vs entry");
    case MaintenanceRate:
        return tr("Margin rate");
    case Requirement:
        return tr("Margin req.");
    case CallMove:
        return tr("Call at");
    }
    return {};
}

} // namespace kelly::ui
