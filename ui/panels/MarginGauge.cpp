#include "MarginGauge.h"

#include "Format.h"
#include "Palette.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

QString marginHeadline(const MarginReport& report)
{
    const auto used = report.book.marginUsedPct();
    const bool callNow = report.callFallPct && *report.callFallPct == 0.0;
    if (!used || !std::isfinite(*used))
        return callNow ? MarginGauge::tr("No equity \u2014 MARGIN CALL NOW")
                       : MarginGauge::tr("No equity, nothing held on margin");
    const QString usedText = MarginGauge::tr("Margin used %1").arg(format::pct(*used, 0));
    if (callNow)
        return usedText + MarginGauge::tr(" \u2014 MARGIN CALL NOW: equity is under the "
                                          "requirement");
    if (report.callFallPct)
        return usedText + MarginGauge::tr(" \u2014 a %1 fall of everything brings a margin call")
                              .arg(format::pct(*report.callFallPct, 1));
    if (report.book.maintenanceUsd <= 0.0)
        return usedText + MarginGauge::tr(" \u2014 nothing held on margin");
    return usedText + MarginGauge::tr(" \u2014 no fall of everything brings a margin call");
}

MarginGauge::MarginGauge(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("marginGauge"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MarginGauge::setMargin(const DeskMargin& margin)
{
    const MarginReport& report = margin.report;
    m_usedPct = report.book.marginUsedPct();
    if (m_usedPct && !std::isfinite(*m_usedPct))
        m_usedPct.reset();
    m_safetyPct = margin.safetyLineUsedPct();
    m_kPct = 100.0 * margin.callFallK;
    m_callNow = report.callFallPct && *report.callFallPct == 0.0;
    m_hasRequirement = report.book.maintenanceUsd > 0.0;
    m_headline = marginHeadline(report);
    setToolTip(tr("Margin used = maintenance requirement / equity. The call line (100%) is "
                  "where equity falls to the requirement. The safety line is the margin used "
                  "at which a %1 fall of every price would bring a call, for a book of today's "
                  "average maintenance rate (margin_call_fall_pct; the bot never sizes past it).")
                   .arg(format::pct(m_kPct, 0)));
    update();
}

QSize MarginGauge::sizeHint() const
{
    return {600, fontMetrics().height() * 4 + 24};
}

QSize MarginGauge::minimumSizeHint() const
{
    return {300, sizeHint().height()};
}

void MarginGauge::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int lineHeight = metrics.height();
    const double used = m_usedPct.value_or(0.0);
    // Round ends of the scale: 125% shows the call line with room past it.
    const double scaleMax = std::max({125.0, std::ceil(used * 1.1 / 25.0) * 25.0});
    const QRectF track(8, lineHeight + 10, width() - 16, lineHeight * 1.6);
    const auto xOf = [&](double pct) {
        return track.left() + track.width() * std::clamp(pct / scaleMax, 0.0, 1.0);
    };

    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 20));
    painter.drawRoundedRect(track, 4, 4);
    const LimitState state = m_callNow                            ? LimitState::Over
                             : m_safetyPct && used > *m_safetyPct ? LimitState::Near
                                                                  : LimitState::Ok;
    if (!m_usedPct && m_callNow) { // issue 17: an empty gauge must not read as "safe"
        painter.setBrush(palette::forState(LimitState::Over));
        painter.setOpacity(0.25);
        painter.drawRoundedRect(track, 4, 4);
        painter.setOpacity(1.0);
        painter.setPen(palette::forState(LimitState::Over).darker(130));
        painter.drawText(track, Qt::AlignCenter, tr("no equity: margin call"));
    } else if (!m_usedPct) {
        painter.setPen(palette::muted());
        painter.drawText(track, Qt::AlignCenter, tr("no equity"));
    } else if (used > 0.0) {
        QRectF fill = track;
        fill.setRight(xOf(used));
        painter.setBrush(state == LimitState::Ok ? palette::neutralBar()
                                                 : palette::forState(state));
        painter.drawRoundedRect(fill, 4, 4);
    }

    const auto mark = [&](double pct, const QString& text, bool above, const QColor& colour,
                          Qt::PenStyle style) {
        const double x = xOf(pct);
        painter.setPen(QPen(colour, 2, style));
        painter.drawLine(QPointF(x, track.top() - 4), QPointF(x, track.bottom() + 4));
        const int textWidth = metrics.horizontalAdvance(text);
        const double left = std::clamp(x - textWidth / 2.0, 0.0, width() - textWidth - 1.0);
        const double baseline = above ? track.top() - 8 : track.bottom() + 8 + metrics.ascent();
        painter.setPen(colour);
        painter.drawText(QPointF(left, baseline), text);
    };
    const QColor ink = palette().color(QPalette::WindowText);
    mark(100.0, tr("margin call 100%"), true, palette::over(), Qt::SolidLine);
    if (m_safetyPct && m_hasRequirement)
        mark(*m_safetyPct,
             tr("safety %1: a %2 fall calls")
                 .arg(format::pct(*m_safetyPct, 0), format::pct(m_kPct, 0)),
             false, ink, Qt::DashLine);

    // Scale ticks every 25%.
    painter.setPen(palette::muted());
    for (int tick = 0; tick <= static_cast<int>(scaleMax); tick += 25) {
        const double x = xOf(tick);
        painter.drawLine(QPointF(x, track.bottom()), QPointF(x, track.bottom() - 4));
    }
}

} // namespace kelly::ui
