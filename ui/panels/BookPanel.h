#pragma once

#include "Store.h"

#include <QSet>
#include <QWidget>
#include <vector>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace kelly::ui {

class PositionsModel;

// The positions table: sortable, filterable by symbol or class, cap share drawn as a bar,
// each position's margin (SPEC 15). A right click on the header shows or hides columns.
class BookPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit BookPanel(PositionsModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    // Issue 24 item 10: stored rows the figures leave out (a bad symbol, an impossible
    // date), named under the table; hidden when there are none.
    void setLeftOut(const std::vector<store::StoreProblem>& problems);
    QLabel* leftOutNote() const { return m_leftOut; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fitOptionalColumns();
    // Fits the symbol and class columns to their widest text with the font metrics; run
    // once per burst of inserted or removed rows, never on a value change (issue 7: a
    // ResizeToContents column re-measured every row on every live refresh).
    void fitTextColumns();
    void scheduleFit();

    PositionsModel* m_model;
    bool m_fitPending = false;
    QSet<int> m_chosenColumns; // shown or hidden by the trader from the header menu
    QLineEdit* m_filter;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_leftOut;
};

} // namespace kelly::ui
