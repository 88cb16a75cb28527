#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace kelly::ui {

class PositionsModel;

// The positions table: sortable, filterable by symbol or class, cap share drawn as a bar.
class BookPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit BookPanel(PositionsModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }

private:
    QLineEdit* m_filter;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
};

} // namespace kelly::ui
