#include "AppIcon.h"

#include <QFile>
#include <QImageReader>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace kelly::ui {

namespace {

// Drawn on a 64-unit square, like the SVG: three exposure bars, the limit as a dashed line,
// and the equity curve.
QPixmap paintIcon(int side)
{
    QPixmap pixmap(side, side);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(side / 64.0, side / 64.0);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0x1f, 0x3b, 0x5a));
    painter.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
    painter.setBrush(QColor(0x7f, 0xb3, 0xe0));
    painter.drawRoundedRect(QRectF(12, 38, 8, 14), 1.5, 1.5);
    painter.drawRoundedRect(QRectF(24, 28, 8, 24), 1.5, 1.5);
    painter.setBrush(QColor(0xef, 0x8f, 0x00));
    painter.drawRoundedRect(QRectF(36, 20, 8, 32), 1.5, 1.5);
    QPen dashed(Qt::white, 2);
    dashed.setDashPattern({2.0, 1.5});
    painter.setPen(dashed);
    painter.drawLine(QPointF(9, 24), QPointF(55, 24));
    QPainterPath curve(QPointF(12, 46));
    curve.lineTo(26, 34);
    curve.lineTo(36, 38);
    curve.lineTo(52, 14);
    painter.setPen(QPen(Qt::white, 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(curve);
    return pixmap;
}

} // namespace

QIcon appIcon()
{
    // The SVG of the application's resources when Qt can read SVG (the qt6-svg plugin).
    const QString svg = QStringLiteral(":/kellydesk/kellydesk.svg");
    if (QFile::exists(svg) && QImageReader::supportedImageFormats().contains("svg"))
        return QIcon(svg);
    QIcon icon;
    for (int side : {16, 24, 32, 48, 64, 128, 256})
        icon.addPixmap(paintIcon(side));
    return icon;
}

} // namespace kelly::ui
