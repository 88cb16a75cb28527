#include "CapBarDelegate.h"

#include "Palette.h"

#include <QApplication>
#include <QPainter>
#include <cmath>

namespace kelly::ui {

CapBarDelegate::CapBarDelegate(int valueRole, QObject* parent)
    : QStyledItemDelegate(parent), m_valueRole(valueRole)
{}

void CapBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const
{
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    const QString text = base.text;
    base.text.clear();
    QStyle* style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, option.widget);

    const QVariant raw = index.data(m_valueRole);
    const double sharePct = raw.isValid() ? raw.toDouble() : 0.0;
    const QRect track = option.rect.adjusted(6, 5, -6, -5);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 18));
    painter->drawRoundedRect(track, 3, 3);
    if (std::isfinite(sharePct) && sharePct > 0.0) {
        const QColor fill = sharePct >= 100.0  ? palette::over()
                            : sharePct >= 90.0 ? palette::near()
                                               : palette::neutralBar();
        QRect bar = track;
        bar.setWidth(static_cast<int>(track.width() * std::min(sharePct, 100.0) / 100.0));
        QColor soft = fill;
        soft.setAlpha(150);
        painter->setBrush(soft);
        painter->drawRoundedRect(bar, 3, 3);
    }
    painter->setPen(option.state & QStyle::State_Selected
                        ? option.palette.color(QPalette::HighlightedText)
                        : option.palette.color(QPalette::Text));
    painter->drawText(track.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight, text);
    painter->restore();
}

QSize CapBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize hint = QStyledItemDelegate::sizeHint(option, index);
    hint.setWidth(std::max(hint.width() + 24, 140));
    return hint;
}

} // namespace kelly::ui
