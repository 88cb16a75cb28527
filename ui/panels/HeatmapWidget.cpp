#include "HeatmapWidget.h"

#include "Format.h"
#include "Palette.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <cmath>

namespace kelly::ui {

namespace {

constexpr int kLegendWidth = 16;
constexpr int kLegendGap = 56;

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QColor blankColour()
{
    return QColor(0xd0, 0xd0, 0xd0);
}

} // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QColor HeatmapWidget::colourFor(double rho)
{
    if (!std::isfinite(rho))
        return blankColour();
    // ColorBrewer RdBu, five stops: a diverging scale whose midpoint (no correlation) is
    // near-white so only strong pairs draw the eye.
    static const QColor stops[] = {QColor(0x21, 0x66, 0xac), QColor(0x92, 0xc5, 0xde),
                                   QColor(0xf7, 0xf7, 0xf7), QColor(0xf4, 0xa5, 0x82),
                                   QColor(0xb2, 0x18, 0x2b)};
    const double position = (std::clamp(rho, -1.0, 1.0) + 1.0) * 2.0; // 0..4
    const int lower = std::min(static_cast<int>(position), 3);
    return blend(stops[lower], stops[lower + 1], position - lower);
}

void HeatmapWidget::setBuild(const CorrelationBuild& build, std::vector<int> order)
{
    // Only what the cells and the tooltip need; the covariance and metrics stay behind.
    m_build.symbols = build.symbols;
    m_build.correlation = build.correlation;
    m_build.observations = build.observations;
    const size_t n = m_build.symbols.size();
    const bool orderValid = std::all_of(order.begin(), order.end(), [n](int index) {
        return index >= 0 && static_cast<size_t>(index) < n;
    });
    if (m_build.correlation.size() != n * n || !orderValid) {
        clear();
        return;
    }
    m_order = std::move(order);
    m_labels.clear();
    for (int index : m_order)
        m_labels << QString::fromStdString(m_build.symbols.at(static_cast<size_t>(index)));
    renderImage();
    updateGeometry();
    update();
}

void HeatmapWidget::setHeldSymbols(const QSet<QString>& held)
{
    if (held == m_held)
        return;
    m_held = held;
    update();
}

void HeatmapWidget::clear()
{
    m_build = CorrelationBuild{};
    m_order.clear();
    m_labels.clear();
    m_image = QImage();
    update();
}

void HeatmapWidget::renderImage()
{
    // A lookup table of the scale: 2,001 steps of 0.001 in rho are finer than the eye (and
    // the 3-decimal tooltip) can tell, and spare 250,000 colour blends on a 500-symbol build.
    static const std::vector<QRgb> scale = [] {
        std::vector<QRgb> table(2001);
        for (size_t k = 0; k < table.size(); ++k)
            table[k] = colourFor(-1.0 + static_cast<double>(k) / 1000.0).rgb();
        return table;
    }();
    const QRgb blank = blankColour().rgb();
    const auto colourOf = [&](const std::optional<double>& rho) {
        if (!rho || !std::isfinite(*rho))
            return blank;
        return scale[static_cast<size_t>(
            std::lround((std::clamp(*rho, -1.0, 1.0) + 1.0) * 1000.0))];
    };
    const int n = static_cast<int>(m_order.size());
    const size_t stride = m_build.symbols.size();
    m_image = QImage(std::max(n, 1), std::max(n, 1), QImage::Format_RGB32);
    m_image.fill(blankColour());
    for (int row = 0; row < n; ++row) {
        auto* line = reinterpret_cast<QRgb*>(m_image.scanLine(row));
        const size_t i = static_cast<size_t>(m_order[static_cast<size_t>(row)]);
        for (int column = 0; column < n; ++column) {
            const size_t j = static_cast<size_t>(m_order[static_cast<size_t>(column)]);
            line[column] = colourOf(m_build.correlation[i * stride + j]);
        }
    }
}

int HeatmapWidget::labelWidth() const
{
    int widest = 0;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    for (const QString& label : m_labels)
        widest = std::max(widest, metrics.horizontalAdvance(label + QStringLiteral(" \u25CF")));
    return widest + 8;
}

HeatmapWidget::Geometry HeatmapWidget::geometry() const
{
    Geometry g;
    const int n = std::max(static_cast<int>(m_order.size()), 1);
    const int lineHeight = fontMetrics().height();
    // Labels only while a cell is tall enough to carry one.
    const int labels = labelWidth();
    const double withLabels = std::min((width() - labels - kLegendGap - kLegendWidth - 60.0) / n,
                                       (height() - labels - 8.0) / n);
    g.labels = withLabels >= lineHeight * 0.9;
    const int margin = g.labels ? labels : 4;
    g.cellSize = std::max(1.0, std::min((width() - margin - kLegendGap - kLegendWidth - 60.0) / n,
                                        (height() - margin - 8.0) / n));
    const int side = static_cast<int>(g.cellSize * n);
    g.cells = QRect(margin, margin, side, side);
    // The legend leaves room below it for the "blank" swatch.
    g.legend = QRect(g.cells.right() + kLegendGap / 2, g.cells.top(), kLegendWidth,
                     std::max(side - 2 * lineHeight - 8, 120));
    return g;
}

QRect HeatmapWidget::cellRect(int displayRow, int displayColumn) const
{
    const Geometry g = geometry();
    const auto edge = [&](int k) {
        return static_cast<int>(std::lround(k * g.cellSize));
    };
    return QRect(QPoint(g.cells.left() + edge(displayColumn), g.cells.top() + edge(displayRow)),
                 QPoint(g.cells.left() + edge(displayColumn + 1) - 1,
                        g.cells.top() + edge(displayRow + 1) - 1));
}

std::optional<QPoint> HeatmapWidget::cellAt(const QPoint& pos) const
{
    if (m_order.empty())
        return std::nullopt;
    const Geometry g = geometry();
    if (!g.cells.contains(pos))
        return std::nullopt;
    const int n = static_cast<int>(m_order.size());
    const int row = std::min(static_cast<int>((pos.y() - g.cells.top()) / g.cellSize), n - 1);
    const int column = std::min(static_cast<int>((pos.x() - g.cells.left()) / g.cellSize), n - 1);
    return QPoint(column, row);
}

QString HeatmapWidget::toolTipAt(const QPoint& pos) const
{
    const std::optional<QPoint> cell = cellAt(pos);
    if (!cell)
        return {};
    const int row = cell->y();
    const int column = cell->x();
    const size_t stride = m_build.symbols.size();
    const size_t i = static_cast<size_t>(m_order[static_cast<size_t>(row)]);
    const size_t j = static_cast<size_t>(m_order[static_cast<size_t>(column)]);
    const std::optional<double>& rho = m_build.correlation.at(i * stride + j);
    const int observations =
        m_build.observations.size() == stride * stride ? m_build.observations[i * stride + j] : 0;
    const QString pair = m_labels.at(row) + QStringLiteral(" / ") + m_labels.at(column);
    const QString value = rho ? tr("rho = %1").arg(*rho, 0, 'f', 3)
                              : tr("rho blank (fewer than 20 common observations)");
    return tr("%1\n%2\n%3 common observations").arg(pair, value).arg(observations);
}

bool HeatmapWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const std::optional<QPoint> cell = cellAt(help->pos());
        if (!cell)
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), toolTipAt(help->pos()), this,
                               cellRect(cell->y(), cell->x()));
        return true;
    }
    return QWidget::event(event);
}

void HeatmapWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    if (m_order.empty()) {
        painter.setPen(palette::muted());
        painter.drawText(rect(), Qt::AlignCenter,
                         tr("No correlation build yet.\nRebuild from a prices folder above."));
        return;
    }
    const Geometry g = geometry();
    const int n = static_cast<int>(m_order.size());
    painter.drawImage(g.cells, m_image);

    if (g.labels) {
        QFont bold = font();
        bold.setBold(true);
        const int labelSpace = g.cells.left() - 6;
        for (int k = 0; k < n; ++k) {
            const bool held = m_held.contains(m_labels.at(k));
            const QString text = held ? m_labels.at(k) + QStringLiteral(" \u25CF") : m_labels.at(k);
            painter.setFont(held ? bold : font());
            painter.setPen(held ? palette::neutralBar() : palette().color(QPalette::WindowText));
            const QRect cell = cellRect(k, k);
            painter.drawText(QRect(0, cell.top(), labelSpace, cell.height()),
                             Qt::AlignRight | Qt::AlignVCenter, text);
            painter.save();
            painter.translate(cell.left(), g.cells.top() - 6);
            painter.rotate(-90);
            painter.drawText(QRect(0, 0, labelSpace, cell.width()),
                             Qt::AlignLeft | Qt::AlignVCenter, text);
            painter.restore();
        }
        painter.setFont(font());
    }

    // Legend: the scale from -1 (bottom) to +1 (top).
    QLinearGradient gradient(g.legend.bottomLeft(), g.legend.topLeft());
    for (int stop = 0; stop <= 8; ++stop) {
        const double rho = -1.0 + stop / 4.0;
        gradient.setColorAt(stop / 8.0, colourFor(rho));
    }
    painter.fillRect(g.legend, gradient);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(g.legend.adjusted(0, 0, -1, -1));
    const QFontMetrics metrics = fontMetrics();
    for (int stop = 0; stop <= 4; ++stop) {
        const double rho = 1.0 - stop / 2.0;
        const int y = g.legend.top() + static_cast<int>(g.legend.height() * stop / 4.0);
        painter.drawLine(g.legend.right(), y, g.legend.right() + 4, y);
        painter.drawText(QPoint(g.legend.right() + 7, y + metrics.ascent() / 2 - 1),
                         QString::number(rho, 'f', 1));
    }
    const QRect blank(g.legend.left(), g.legend.bottom() + 14, kLegendWidth, kLegendWidth);
    painter.fillRect(blank, blankColour());
    painter.drawText(QPoint(blank.right() + 7, blank.bottom() - 2), tr("blank"));
}

QSize HeatmapWidget::sizeHint() const
{
    return {800, 600};
}

QSize HeatmapWidget::minimumSizeHint() const
{
    return {320, 240};
}

} // namespace kelly::ui
