#include "DecisionsModel.h"

#include "BotModes.h"
#include "CorrelationNote.h"
#include "Format.h"
#include "Palette.h"

namespace kelly::ui {

namespace {

QString fromTo(const std::optional<double>& before, const std::optional<double>& after,
               const std::function<QString(const std::optional<double>&)>& show)
{
    return show(before) + QStringLiteral(" \u2192 ") + show(after);
}

QString timeText(UtcTime time)
{
    return format::eventTime(time);
}

// Sorts by time, then by id: rows written within one second keep their write order, so
// "newest first" holds for a bot sizing several symbols at once.
qlonglong timeThenId(UtcTime time, qint64 id)
{
    return static_cast<qlonglong>(time.time_since_epoch().count()) * 1'000'000 + id % 1'000'000;
}

} // namespace

// --- DecisionsModel ----------------------------------------------------------------------

void DecisionsModel::setDecisions(std::vector<store::SizingDecision> decisions)
{
    sync(std::move(decisions));
}

int DecisionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DecisionsModel::keyOf(const store::SizingDecision& row) const
{
    return QString::number(row.id);
}

ColumnSpan DecisionsModel::changedColumns(const store::SizingDecision&,
                                          const store::SizingDecision&) const
{
    return {}; // a recorded decision never changes
}

QVariant DecisionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const store::SizingDecision& d = rowAt(index.row());
    const SizingResult& r = d.result;
    const bool fallback = r.fallbackReason.has_value();
    if (role == IsFallbackRole)
        return fallback;
    if (role == MethodRole)
        return QString::fromLatin1(sizingModeName(r.method));
    const bool correlationChanged =
        r.correlationAware && r.qtyUncorrelated && *r.qtyUncorrelated != r.qty;
    if (role == CorrelationChangedRole)
        return correlationChanged;
    if (role == SortRole) {
        switch (index.column()) {
        case Time:
            return timeThenId(d.decidedAt, d.id);
        case Qty:
            return r.qty;
        case Price:
            return r.priceUsd;
        case Value:
            return r.addedValueUsd();
        case Exposure:
            return r.exposureAfterPct ? QVariant(*r.exposureAfterPct) : QVariant();
        case Leverage:
            return r.leverageAfter ? QVariant(*r.leverageAfter) : QVariant();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time:
            return timeText(d.decidedAt);
        case Symbol:
            return QString::fromStdString(r.symbol);
        case Method:
            return fallback ? tr("legacy (fallback)")
                            : QString::fromLatin1(sizingModeName(r.method));
        case Qty: // issue 26: a reduce call (kellyctl size --reduce) is marked as one
            return r.binding == BindingLimit::OpenPosition
                       ? tr("reduce %1").arg(format::qty(r.qty, r.assetClass))
                       : format::qty(r.qty, r.assetClass);
        case Price:
            return format::price(r.priceUsd);
        case Value:
            return format::usd(r.addedValueUsd());
        case Binding:
            return QString::fromLatin1(bindingLimitName(r.binding));
        case Exposure:
            return fromTo(r.exposureBeforePct, r.exposureAfterPct,
                          [](const std::optional<double>& v) { return format::pct(v); });
        case Leverage:
            return fromTo(r.leverageBefore, r.leverageAfter, format::leverage);
        case Fallback:
            return r.fallbackReason ? QString::fromStdString(*r.fallbackReason) : QString();
        case Origin: // issue 17: which bot, and whether its environment chose the mode
            return d.modeLockedByEnv ? tr("%1 (mode set by its environment)").arg(botName(d))
                                     : botName(d);
        case Correlation:
            return correlationLogCell(r);
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        const int c = index.column();
        const bool numeric = c == Qty || c == Price || c == Value || c == Exposure || c == Leverage;
        return QVariant::fromValue(Qt::AlignVCenter | (numeric ? Qt::AlignRight : Qt::AlignLeft));
    }
    if (role == Qt::BackgroundRole && fallback) {
        QColor amber = palette::near();
        amber.setAlpha(60);
        return amber;
    }
    if (role == Qt::ToolTipRole && fallback)
        return tr("Enhanced sizing failed (%1), falling back to legacy")
            .arg(QString::fromStdString(*r.fallbackReason));
    if (role == Qt::ToolTipRole && index.column() == Correlation && r.correlationAware && r.bookCov)
        return tr("book_cov %1; Kelly base %2 (plain %3)")
            .arg(bookCovText(*r.bookCov), format::fraction(r.baseFraction),
                 format::fraction(r.baseFractionUncorrelated));
    if (role == Qt::ForegroundRole && index.column() == Correlation && correlationChanged)
        return palette::neutralBar();
    return {};
}

QVariant DecisionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // Issue 26: a short header, so the log's last column is not cut at 1024 px; the key to
    // its cells in the tooltip.
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Correlation)
        return tr("Plain \u2192 sized: the quantity without the book's correlation, then as "
                  "sized with it; or why the correlation was off");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Symbol:
        return tr("Symbol");
    case Method:
        return tr("Method");
    case Qty:
        return tr("Qty");
    case Price:
        return tr("Price");
    case Value:
        return tr("Value");
    case Binding:
        return tr("Binding limit");
    case Exposure:
        return tr("Symbol exposure");
    case Leverage:
        return tr("Leverage");
    case Fallback:
        return tr("Fallback reason");
    case Origin:
        return tr("Origin");
    case Correlation:
        return tr("Correlation");
    }
    return {};
}

// --- AuditModel -------------------------------------------------------------------------

void AuditModel::setEntries(std::vector<store::AuditEntry> entries)
{
    sync(std::move(entries));
}

int AuditModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditModel::keyOf(const store::AuditEntry& row) const
{
    return QString::number(row.id);
}

ColumnSpan AuditModel::changedColumns(const store::AuditEntry&, const store::AuditEntry&) const
{
    return {}; // the audit is append-only
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const store::AuditEntry& e = rowAt(index.row());
    if (role == SortRole && index.column() == Time)
        return timeThenId(e.changedAt, e.id);
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case Time:
            return timeText(e.changedAt);
        case Key:
            return e.key;
        case OldValue:
            return e.oldValue ? *e.oldValue : tr("(unset)"); // as `kellyctl audit` says
        case NewValue:
            return e.newValue;
        case Origin:
            return e.origin;
        case Detail:
            return e.detail.value_or(QString());
        }
    }
    if (role == Qt::ForegroundRole && index.column() == OldValue && !e.oldValue)
        return palette::muted();
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Key:
        return tr("Setting");
    case OldValue:
        return tr("Old");
    case NewValue:
        return tr("New");
    case Origin:
        return tr("Origin");
    case Detail:
        return tr("Detail");
    }
    return {};
}

} // namespace kelly::ui
