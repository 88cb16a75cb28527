#include "HistoryChartPanel.h"

#include "Palette.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

HistoryChartPanel::HistoryChartPanel(QWidget* parent)
    : QWidget(parent), m_chart(new QChart), m_equity(new QLineSeries), m_leverage(new QLineSeries),
      m_time(new QDateTimeAxis), m_equityAxis(new QValueAxis), m_leverageAxis(new QValueAxis)
{
    m_equity->setName(tr("Equity (USD thousands)"));
    m_leverage->setName(tr("Gross leverage"));
    m_equity->setPen(QPen(palette::neutralBar(), 2));
    m_leverage->setPen(QPen(palette::near(), 2));
    m_chart->addSeries(m_equity);
    m_chart->addSeries(m_leverage);
    m_chart->setTitle(tr("Equity and leverage from snapshots"));
    m_time->setFormat(QStringLiteral("MMM d HH:mm"));
    m_time->setTickCount(6);
    m_equityAxis->setLabelFormat(QStringLiteral("$%.0fk"));
    m_leverageAxis->setLabelFormat(QStringLiteral("%.1fx"));

    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_equityAxis, Qt::AlignLeft);
    m_chart->addAxis(m_leverageAxis, Qt::AlignRight);
    m_equity->attachAxis(m_time);
    m_equity->attachAxis(m_equityAxis);
    m_leverage->attachAxis(m_time);
    m_leverage->attachAxis(m_leverageAxis);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setObjectName(QStringLiteral("historyChart"));
    // Issues 17, 26: the Leverage tab fits 1024x640 under an alert banner, legend included.
    m_view->setMinimumHeight(130);
    m_placeholder =
        new QLabel(tr("No portfolio snapshots yet: the history appears once the bot records them "
                      "(kellyctl snapshot)."),
                   this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setMinimumHeight(48);
    m_placeholder->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    layout->addWidget(m_placeholder);
    m_view->hide();
}

int HistoryChartPanel::pointCount() const
{
    return static_cast<int>(m_equity->count());
}

void HistoryChartPanel::setSnapshots(const std::vector<store::SnapshotRecord>& snapshots)
{
    const qint64 lastId = snapshots.empty() ? 0 : snapshots.back().id;
    if (lastId == m_lastId && snapshots.size() == m_lastCount)
        return;
    m_lastId = lastId;
    m_lastCount = snapshots.size();

    const size_t first = snapshots.size() > kMaxPoints ? snapshots.size() - kMaxPoints : 0;
    QList<QPointF> equity;
    QList<QPointF> leverage;
    double low = 0.0, high = 0.0, leverageHigh = 0.0;
    for (size_t i = first; i < snapshots.size(); ++i) {
        const store::SnapshotRecord& s = snapshots[i];
        const double at =
            static_cast<double>(store::toQDateTime(s.snapshot.observedAt).toMSecsSinceEpoch());
        const double value = s.snapshot.portfolioValueUsd / 1000.0;
        if (!std::isfinite(value))
            continue;
        low = equity.isEmpty() ? value : std::min(low, value);
        high = equity.isEmpty() ? value : std::max(high, value);
        equity.append(QPointF(at, value));
        if (s.equityUsd > 0.0 && std::isfinite(s.grossUsd)) {
            const double ratio = s.grossUsd / s.equityUsd;
            leverage.append(QPointF(at, ratio));
            leverageHigh = std::max(leverageHigh, ratio);
        }
    }
    m_equity->replace(equity);
    m_leverage->replace(leverage);
    // Issue 26: a line needs two points; markers show a single snapshot (and a few), not the
    // beads of a long history.
    m_equity->setPointsVisible(equity.size() <= kMarkedPoints);
    m_leverage->setPointsVisible(leverage.size() <= kMarkedPoints);
    // Axes over no data draw nonsense ticks; say what is missing instead.
    m_view->setVisible(!equity.isEmpty());
    m_placeholder->setVisible(equity.isEmpty());
    if (equity.isEmpty())
        return;
    // One snapshot still gets a readable time axis: an hour either side.
    constexpr qint64 kHourMs = 3'600'000;
    const auto firstMs = static_cast<qint64>(equity.front().x());
    const auto lastMs = static_cast<qint64>(equity.back().x());
    const bool single = firstMs == lastMs;
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(single ? firstMs - kHourMs : firstMs),
                     QDateTime::fromMSecsSinceEpoch(single ? lastMs + kHourMs : lastMs));
    const double pad = std::max((high - low) * 0.1, std::abs(high) * 0.01 + 0.001);
    m_equityAxis->setRange(low - pad, high + pad);
    m_equityAxis->applyNiceNumbers();
    m_snapshotLeverageHigh = leverageHigh;
    fitLeverageAxis();
}

void HistoryChartPanel::setBookLeverage(std::optional<double> leverage)
{
    const double now = leverage && std::isfinite(*leverage) ? *leverage : 0.0;
    if (now == m_bookLeverage)
        return;
    m_bookLeverage = now;
    fitLeverageAxis();
}

void HistoryChartPanel::fitLeverageAxis()
{
    // Round steps from 0 to above the highest of the snapshots and the book now; at most five
    // labels, so a short chart (1024x640) never elides them.
    const double high = std::max({1.0, m_snapshotLeverageHigh, m_bookLeverage}) * 1.1;
    const double step = high <= 2.0 ? 0.5 : high <= 4.0 ? 1.0 : 2.0;
    const double top = std::ceil(high / step) * step;
    m_leverageAxis->setRange(0.0, top);
    m_leverageAxis->setTickCount(static_cast<int>(std::lround(top / step)) + 1);
}

double HistoryChartPanel::leverageAxisMax() const
{
    return m_leverageAxis->max();
}

bool HistoryChartPanel::showsPoints() const
{
    return m_equity->pointsVisible() && m_leverage->pointsVisible();
}

} // namespace kelly::ui
