#include "LabMetricsModel.h"

#include "Format.h"

namespace kelly::ui {

namespace {

QString percent(const std::optional<double>& value)
{
    return value ? QString::number(*value * 100.0, 'f', 1) + QLatin1Char('%') : QStringLiteral("-");
}

QString ratio(const std::optional<double>& value, const QString& suffix = {})
{
    return value ? QString::number(*value, 'f', 2) + suffix : QStringLiteral("-");
}

} // namespace

void LabMetricsModel::setRows(std::vector<Row> rows)
{
    beginResetModel(); // a new comparison: every row is a different run
    m_rows = std::move(rows);
    endResetModel();
}

QString LabMetricsModel::formula(int column)
{
    switch (column) {
    case Label:
        return tr("The run (as recorded in the store) and the sizing method");
    case FinalEquity:
        return tr("E_T: equity at the last close, after costs");
    case TotalReturn:
        return tr("E_T / E0 - 1");
    case Cagr:
        return tr("(E_T / E0)^(365.25 / calendar days) - 1; blank after ruin");
    case Sharpe:
        return tr("mean(r) / std(r, n-1) x sqrt(A), r_t = E_t / E_(t-1) - 1, A = 365 with "
                  "crypto in the run, else 252");
    case Sortino:
        return tr("mean(r) / sqrt(mean(min(r, 0)^2)) x sqrt(A)");
    case MaxDrawdown:
        return tr("min over t of E_t / max(E0, E_u for u <= t) - 1");
    case Calmar:
        return tr("CAGR / |max drawdown|; blank when there was no drawdown");
    case WorstDay:
        return tr("min over t of r_t");
    case Financing:
        return tr("sum of max(gross - E, 0) x rate / 360 x calendar nights, paid from cash");
    case Costs:
        return tr("sum of bps / 10,000 x |dq| x close over every trade");
    case Turnover:
        return tr("traded value / mean E_t");
    case AvgGrossLeverage:
        return tr("mean of gross / E_t at the close, after the trades");
    case MaxGrossLeverage:
        return tr("max of gross / E_t at the close, after the trades");
    case LongestDrawdownDays:
        return tr("longest span in calendar days from a high (E0 on the first date) to a "
                  "date still below it");
    case Ruined:
        return tr("the first date with E_t <= 0, when the run stopped");
    }
    return {};
}

int LabMetricsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LabMetricsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LabMetricsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    if (role == Qt::ToolTipRole)
        return formula(index.column());
    if (role == Qt::TextAlignmentRole)
        return index.column() == Label ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    const lab::LabMetrics& m = row.metrics;
    switch (index.column()) {
    case Label:
        return row.label;
    case FinalEquity:
        return format::usd(m.finalEquityUsd);
    case TotalReturn:
        return percent(m.totalReturn);
    case Cagr:
        return percent(m.cagr);
    case Sharpe:
        return ratio(m.sharpe);
    case Sortino:
        return ratio(m.sortino);
    case MaxDrawdown:
        return percent(m.maxDrawdown);
    case Calmar:
        return ratio(m.calmar);
    case WorstDay:
        return percent(m.worstDay);
    case Financing:
        return format::usd(m.financingUsd);
    case Costs:
        return format::usd(m.costsUsd);
    case Turnover:
        return ratio(m.turnover, QStringLiteral("x"));
    case AvgGrossLeverage:
        return ratio(m.avgGrossLeverage, QStringLiteral("x"));
    case MaxGrossLeverage:
        return ratio(m.maxGrossLeverage, QStringLiteral("x"));
    case LongestDrawdownDays:
        return m.longestDrawdownDays;
    case Ruined:
        return m.ruinedOn ? QString::fromStdString(*m.ruinedOn) : QStringLiteral("-");
    }
    return {};
}

QVariant LabMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole)
        return formula(section);
    if (role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {
        QT_TR_NOOP("Run / method"), QT_TR_NOOP("Final"),   QT_TR_NOOP("Return"),
        QT_TR_NOOP("CAGR"),         QT_TR_NOOP("Sharpe"),  QT_TR_NOOP("Sortino"),
        QT_TR_NOOP("Max DD"),       QT_TR_NOOP("Calmar"),  QT_TR_NOOP("Worst day"),
        QT_TR_NOOP("Financing"),    QT_TR_NOOP("Costs"),   QT_TR_NOOP("Turnover"),
        QT_TR_NOOP("Avg lev"),      QT_TR_NOOP("Max lev"), QT_TR_NOOP("Longest DD (days)"),
        QT_TR_NOOP("Ruined")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace kelly::ui
