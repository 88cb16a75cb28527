#pragma once

#include <QStyledItemDelegate>

namespace kelly::ui {

// Paints a percentage (the model's sort role, 0..100+) as an in-cell bar with the number
// on top: the share of a symbol's cap a position uses. Amber from 90%, red at 100%.
class CapBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    CapBarDelegate(int valueRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_valueRole;
};

} // namespace kelly::ui
