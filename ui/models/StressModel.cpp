#include "StressModel.h"

#include "Format.h"
#include "Palette.h"

#include <QFont>

namespace kelly::ui {

namespace {

bool same(const StressOutcome& a, const StressOutcome& b)
{
    return a.name == b.name && a.pnlUsd == b.pnlUsd && a.equityAfterUsd == b.equityAfterUsd &&
           a.maintenanceAfterUsd == b.maintenanceAfterUsd && a.leverageAfter == b.leverageAfter &&
           a.excessAfterUsd == b.excessAfterUsd && a.marginCall == b.marginCall &&
           a.cureUsd == b.cureUsd;
}

} // namespace

void StressModel::setOutcomes(std::vector<StressOutcome> outcomes)
{
    if (outcomes.size() != m_rows.size()) {
        beginResetModel(); // only when the scenario list itself changes
        m_rows = std::move(outcomes);
        endResetModel();
        return;
    }
    for (size_t i = 0; i < outcomes.size(); ++i) {
        if (same(outcomes[i], m_rows[i]))
            continue;
        m_rows[i] = std::move(outcomes[i]);
        const int row = static_cast<int>(i);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

int StressModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int StressModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StressModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const StressOutcome& s = m_rows.at(static_cast<size_t>(index.row()));
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Scenario:
            return QString::fromStdString(s.name);
        case Pnl:
            return format::signedUsd(s.pnlUsd);
        case EquityAfter:
            return format::usd(s.equityAfterUsd);
        case MaintenanceAfter:
            return format::usd(s.maintenanceAfterUsd);
        case LeverageAfter:
            return s.leverageAfter ? format::leverage(s.leverageAfter) : tr("no equity");
        case ExcessAfter:
            return format::usd(s.excessAfterUsd);
        case MarginCall:
            return s.marginCall ? tr("CALL") : tr("no");
        case Cure:
            return s.marginCall ? tr("sell %1").arg(format::usd(s.cureUsd, 2)) : QString();
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignVCenter |
                                   (index.column() == Scenario ? Qt::AlignLeft : Qt::AlignRight));
    if (role == Qt::ForegroundRole) {
        if (s.marginCall && index.column() != Scenario && index.column() != Pnl)
            return palette::over();
        if (index.column() == Pnl && s.pnlUsd != 0.0)
            return s.pnlUsd > 0.0 ? palette::gain() : palette::loss();
    }
    if (role == Qt::FontRole && s.marginCall && index.column() == MarginCall) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ToolTipRole && index.column() == Cure && s.marginCall)
        return tr("Selling %1 of the book, every position in proportion, ends the deficit")
            .arg(format::usd(s.cureUsd, 2));
    return {};
}

QVariant StressModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignVCenter |
                                   (section == Scenario ? Qt::AlignLeft : Qt::AlignRight));
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Scenario:
        return tr("Every price");
    case Pnl:
        return tr("P&L");
    case EquityAfter:
        return tr("Equity after");
    case MaintenanceAfter:
        return tr("Requirement");
    case LeverageAfter:
        return tr("Leverage");
    case ExcessAfter:
        return tr("Excess");
    case MarginCall:
        return tr("Margin call");
    case Cure:
        return tr("Cure");
    }
    return {};
}

} // namespace kelly::ui
