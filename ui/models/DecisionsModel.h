#pragma once

#include "KeyedTableModel.h"
#include "store/Store.h"

namespace kelly::ui {

// The sizing log (SPEC 9): one row per recorded decision, keyed by id, newest first.
class DecisionsModel final : public KeyedTableModel<store::SizingDecision>
{
public:
    enum Column
    {
        Time,
        Symbol,
        Method,
        Qty,
        Price,
        Value,
        Binding,
        Exposure,
        Leverage,
        Fallback,
        Origin,
        Correlation, // SPEC 11: "1,600 -> 860" when the term changed the size
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int IsFallbackRole = Qt::UserRole + 2;
    static constexpr int MethodRole = Qt::UserRole + 3;
    static constexpr int CorrelationChangedRole = Qt::UserRole + 4;

    using KeyedTableModel::KeyedTableModel;

    void setDecisions(std::vector<store::SizingDecision> decisions);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString keyOf(const store::SizingDecision& row) const override;
    ColumnSpan changedColumns(const store::SizingDecision& before,
                              const store::SizingDecision& after) const override;
};

// The settings audit (SPEC 7): every change with time, key, old, new and origin.
class AuditModel final : public KeyedTableModel<store::AuditEntry>
{
public:
    enum Column
    {
        Time,
        Key,
        OldValue,
        NewValue,
        Origin,
        Detail, // issue 6: the guard's figures, "resume"
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    using KeyedTableModel::KeyedTableModel;

    void setEntries(std::vector<store::AuditEntry> entries);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString keyOf(const store::AuditEntry& row) const override;
    ColumnSpan changedColumns(const store::AuditEntry& before,
                              const store::AuditEntry& after) const override;
};

} // namespace kelly::ui
