#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QString>
#include <algorithm>
#include <vector>

namespace kelly::ui {

// The columns [first, last] whose shown figures differ between two versions of a row;
// empty when nothing changed.
struct ColumnSpan
{
    int first = -1;
    int last = -1;

    bool empty() const { return first < 0; }
    void add(int column)
    {
        first = empty() ? column : std::min(first, column);
        last = std::max(last, column);
    }
};

// A table whose rows carry a stable key (symbol, decision id, audit id). `sync` applies a
// fresh list with row removes, moves, inserts and dataChanged, never a model reset, so
// selection, sort and scroll survive every live refresh (STYLE: models). Changed rows that
// are neighbours share one dataChanged over only the changed columns (issue 7): a proxy
// sorted on a column that did not change keeps its order without re-sorting.
template <typename Row> class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }

    const std::vector<Row>& rows() const { return m_rows; }
    const Row& rowAt(int row) const { return m_rows.at(static_cast<size_t>(row)); }

    // The row holding `key`, or -1.
    int rowOfKey(const QString& key) const
    {
        for (size_t i = 0; i < m_rows.size(); ++i)
            if (keyOf(m_rows[i]) == key)
                return static_cast<int>(i);
        return -1;
    }

protected:
    virtual QString keyOf(const Row& row) const = 0;
    virtual ColumnSpan changedColumns(const Row& before, const Row& after) const = 0;

    // Whether two rows carry the same key; override when keys compare cheaper than keyOf.
    virtual bool sameKey(const Row& a, const Row& b) const { return keyOf(a) == keyOf(b); }

    void sync(std::vector<Row> incoming)
    {
        // Changed rows [firstRow, lastRow] not yet announced; flushed before any structural
        // change so every dataChanged names rows as they stand.
        int firstRow = -1;
        int lastRow = -1;
        ColumnSpan columns;
        const auto flush = [&] {
            if (firstRow >= 0)
                Q_EMIT dataChanged(index(firstRow, columns.first), index(lastRow, columns.last));
            firstRow = -1;
            columns = ColumnSpan();
        };
        // Row `at` holds the same key as `next`: takes `next` when a shown figure differs.
        const auto update = [&](int at, Row& next) {
            const ColumnSpan changed = changedColumns(m_rows[static_cast<size_t>(at)], next);
            if (changed.empty())
                return;
            m_rows[static_cast<size_t>(at)] = std::move(next);
            if (firstRow >= 0 && lastRow != at - 1)
                flush();
            if (firstRow < 0)
                firstRow = at;
            lastRow = at;
            columns.add(changed.first);
            columns.add(changed.last);
        };

        // Issue 7: the live case (a bot marking prices) brings the same keys in the same
        // order, which needs no key lookups; they took ~2 ms for 2,000 positions.
        if (incoming.size() == m_rows.size() &&
            std::equal(incoming.begin(), incoming.end(), m_rows.begin(),
                       [this](const Row& a, const Row& b) { return sameKey(a, b); })) {
            for (size_t i = 0; i < incoming.size(); ++i)
                update(static_cast<int>(i), incoming[i]);
            flush();
            return;
        }

        QHash<QString, int> incomingKeys;
        incomingKeys.reserve(static_cast<qsizetype>(incoming.size()));
        for (size_t i = 0; i < incoming.size(); ++i)
            incomingKeys.insert(keyOf(incoming[i]), static_cast<int>(i));

        // Rows whose key vanished go first, back to front so indexes stay valid.
        for (int row = rowCount() - 1; row >= 0; --row) {
            if (incomingKeys.contains(keyOf(m_rows[static_cast<size_t>(row)])))
                continue;
            int first = row;
            while (first > 0 &&
                   !incomingKeys.contains(keyOf(m_rows[static_cast<size_t>(first - 1)])))
                --first;
            beginRemoveRows(QModelIndex(), first, row);
            m_rows.erase(m_rows.begin() + first, m_rows.begin() + row + 1);
            endRemoveRows();
            row = first;
        }

        QHash<QString, int> present;
        for (const Row& row : m_rows)
            present.insert(keyOf(row), 0);

        for (size_t i = 0; i < incoming.size(); ++i) {
            const int at = static_cast<int>(i);
            const QString key = keyOf(incoming[i]);
            if (!present.contains(key)) {
                flush();
                beginInsertRows(QModelIndex(), at, at);
                m_rows.insert(m_rows.begin() + at, std::move(incoming[i]));
                endInsertRows();
                continue;
            }
            if (keyOf(m_rows[i]) != key) {
                // Same key further down: the order changed, move the row up.
                int from = at + 1;
                while (keyOf(m_rows[static_cast<size_t>(from)]) != key)
                    ++from;
                flush();
                beginMoveRows(QModelIndex(), from, from, QModelIndex(), at);
                std::rotate(m_rows.begin() + at, m_rows.begin() + from, m_rows.begin() + from + 1);
                endMoveRows();
            }
            update(at, incoming[i]);
        }
        flush();
    }

private:
    std::vector<Row> m_rows;
};

} // namespace kelly::ui
