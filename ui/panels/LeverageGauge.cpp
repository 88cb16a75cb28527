#include "LeverageGauge.h"

#include "Format.h"
#include "Palette.h"

#include <QPainter>
#include <cmath>

namespace kelly::ui {

LeverageGauge::LeverageGauge(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void LeverageGauge::setReport(const ExposureReport& report)
{
    m_leverage = report.leverage.value_or(0.0);
    m_noEquity = !report.leverage; // issue 17: an empty gauge must not read as "safe"

    m_intradayLimit = report.intradayLimit;
    m_overnightLimit = report.overnightLimit;
    m_state = palette::bookState(report);
    update();
}

QSize LeverageGauge::sizeHint() const
{
    return {600, fontMetrics().height() * 4 + 24};
}

QSize LeverageGauge::minimumSizeHint() const
{
    return {300, sizeHint().height()};
}

void LeverageGauge::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int lineHeight = metrics.height();
    const double scaleMax =
        std::max({m_intradayLimit * 1.25, m_leverage * 1.1, m_overnightLimit * 1.25, 1.0});
    const QRectF track(8, lineHeight + 10, width() - 16, lineHeight * 1.6);
    const auto xOf = [&](double leverage) {
        return track.left() + track.width() * std::clamp(leverage / scaleMax, 0.0, 1.0);
    };

    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 20));
    painter.drawRoundedRect(track, 4, 4);
    if (m_noEquity) {
        painter.setBrush(palette::forState(LimitState::Over));
        painter.setOpacity(0.25);
        painter.drawRoundedRect(track, 4, 4);
        painter.setOpacity(1.0);
        painter.setPen(palette::forState(LimitState::Over).darker(130));
        painter.drawText(track, Qt::AlignCenter, tr("no equity: nothing can be sized"));
    } else if (std::isfinite(m_leverage) && m_leverage > 0.0) {
        QRectF fill = track;
        fill.setRight(xOf(m_leverage));
        painter.setBrush(m_state == LimitState::Ok ? palette::neutralBar()
                                                   : palette::forState(m_state));
        painter.drawRoundedRect(fill, 4, 4);
    }

    const auto mark = [&](double limit, const QString& caption, bool above) {
        const double x = xOf(limit);
        painter.setPen(QPen(palette().color(QPalette::WindowText), 2));
        painter.drawLine(QPointF(x, track.top() - 4), QPointF(x, track.bottom() + 4));
        const QString text = caption + QLatin1Char(' ') + format::leverage(limit);
        const int textWidth = metrics.horizontalAdvance(text);
        const double left = std::clamp(x - textWidth / 2.0, 0.0, width() - textWidth - 1.0);
        const double baseline = above ? track.top() - 8 : track.bottom() + 8 + metrics.ascent();
        painter.drawText(QPointF(left, baseline), text);
    };
    mark(m_overnightLimit, tr("overnight"), false);
    mark(m_intradayLimit, tr("intraday"), true);

    // Scale ticks every whole leverage unit.
    painter.setPen(palette::muted());
    for (int tick = 0; tick <= static_cast<int>(scaleMax); ++tick) {
        const double x = xOf(tick);
        painter.drawLine(QPointF(x, track.bottom()), QPointF(x, track.bottom() - 4));
    }
}

} // namespace kelly::ui
