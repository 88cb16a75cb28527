#include "StressPanel.h"

#include "Format.h"
#include "Palette.h"
#include "StressModel.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

namespace {

// A round step for about `ticks` intervals over `span`: 1, 2, 2.5 or 5 x 10^n.
double niceStep(double span, int ticks)
{
    if (!(span > 0.0) || !std::isfinite(span))
        return 1.0;
    const double raw = span / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * magnitude)
            return m * magnitude;
    return 10.0 * magnitude;
}

} // namespace

StressPanel::StressPanel(QWidget* parent)
    : QWidget(parent), m_model(new StressModel(this)), m_table(new QTableView(this)),
      m_summary(new QLabel(this)), m_chart(new QChart), m_equity(new QLineSeries),
      m_maintenance(new QLineSeries), m_callMarker(new QScatterSeries), m_moveAxis(new QValueAxis),
      m_moneyAxis(new QCategoryAxis)
{
    m_summary->setObjectName(QStringLiteral("stressSummary"));
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setWeight(QFont::DemiBold);
    m_summary->setFont(bold);

    m_table->setObjectName(QStringLiteral("stressTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(StressModel::Scenario,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(StressModel::Cure,
                                                      QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    m_equity->setName(tr("Equity"));
    m_maintenance->setName(tr("Maintenance requirement"));
    m_callMarker->setName(tr("Margin call"));
    m_equity->setPen(QPen(palette::neutralBar(), 2));
    m_maintenance->setPen(QPen(palette::over(), 2, Qt::DashLine));
    m_callMarker->setColor(palette::over());
    m_callMarker->setBorderColor(Qt::white);
    m_callMarker->setMarkerSize(11);
    m_chart->addSeries(m_equity);
    m_chart->addSeries(m_maintenance);
    m_chart->addSeries(m_callMarker);
    m_moveAxis->setRange(-50, 50);
    m_moveAxis->setTickType(QValueAxis::TicksDynamic);
    m_moveAxis->setTickAnchor(0);
    m_moveAxis->setTickInterval(10);
    m_moveAxis->setLabelFormat(QStringLiteral("%.0f%%"));
    m_moveAxis->setTitleText(tr("Move of every price"));
    // Money with thousands separators: Qt Charts' value axis formats with printf, which
    // has none, so the ticks are labelled categories at round values.
    m_moneyAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_chart->addAxis(m_moveAxis, Qt::AlignBottom);
    m_chart->addAxis(m_moneyAxis, Qt::AlignLeft);
    for (QAbstractSeries* series :
         {static_cast<QAbstractSeries*>(m_equity), static_cast<QAbstractSeries*>(m_maintenance),
          static_cast<QAbstractSeries*>(m_callMarker)}) {
        series->attachAxis(m_moveAxis);
        series->attachAxis(m_moneyAxis);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("stressChart"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);

    // The grid is as tall as its rows; the chart takes the rest (at 1024x640 a shared
    // splitter left it too short for its axis labels).
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(4);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    layout->addWidget(m_view, 1);
}

void StressPanel::setMargin(const DeskMargin& margin)
{
    m_model->setOutcomes(margin.grid);
    const int rowsHeight = m_table->verticalHeader()->defaultSectionSize() * m_model->rowCount();
    m_table->setFixedHeight(rowsHeight + m_table->horizontalHeader()->sizeHint().height() +
                            2 * m_table->frameWidth());
    const MarginReport& report = margin.report;
    const bool callNow = report.callFallPct && *report.callFallPct == 0.0;
    QString summary = callNow              ? tr("MARGIN CALL NOW: equity is under the requirement")
                      : report.callFallPct ? tr("A %1 fall of every price brings a margin call")
                                                 .arg(format::pct(*report.callFallPct, 2))
                                           : tr("No fall of every price brings a margin call");
    if (report.callRisePct && !callNow)
        summary += tr("; so does a %1 rise").arg(format::pct(*report.callRisePct, 2));
    m_summary->setText(summary + QLatin1Char('.'));
    m_summary->setStyleSheet(callNow ? QStringLiteral("color: %1;").arg(palette::over().name())
                                     : QString());

    QList<QPointF> equity, maintenance;
    double low = 0.0, high = 0.0;
    for (const StressCurvePoint& p : margin.curve) {
        if (!std::isfinite(p.equityUsd) || !std::isfinite(p.maintenanceUsd))
            continue;
        equity.append({p.movePct, p.equityUsd});
        maintenance.append({p.movePct, p.maintenanceUsd});
        low = std::min({low, p.equityUsd, p.maintenanceUsd});
        high = std::max({high, p.equityUsd, p.maintenanceUsd});
    }
    m_equity->replace(equity);
    m_maintenance->replace(maintenance);
    QList<QPointF> marks;
    const auto markAt = [&](double movePct) {
        // E = MR at the call: draw it on the equity line, read off the curve's own step.
        const auto it =
            std::find_if(margin.curve.begin(), margin.curve.end(),
                         [&](const StressCurvePoint& p) { return p.movePct >= movePct; });
        if (it == margin.curve.end())
            return;
        double y = it->equityUsd;
        if (it != margin.curve.begin() && it->movePct > movePct) {
            const StressCurvePoint& a = *(it - 1);
            const double t = (movePct - a.movePct) / (it->movePct - a.movePct);
            y = a.equityUsd + t * (it->equityUsd - a.equityUsd);
        }
        if (std::isfinite(y))
            marks.append({movePct, y});
    };
    if (report.callFallPct && *report.callFallPct <= 50.0)
        markAt(-*report.callFallPct);
    if (report.callRisePct && *report.callRisePct > 0.0 && *report.callRisePct <= 50.0)
        markAt(*report.callRisePct);
    m_callMarker->replace(marks);
    m_chart->setTitle(report.callFallPct && *report.callFallPct > 50.0
                          ? tr("Equity and requirement; the call is at a %1 fall, off this chart")
                                .arg(format::pct(*report.callFallPct, 1))
                          : tr("Equity and requirement against a move of every price"));

    // Round money ticks, about five, with thousands separators.
    const double step = niceStep(high - low, 5);
    const double from = std::floor(low / step) * step;
    const double to = std::ceil(high / step) * step + (high > low ? 0.0 : step);
    if (std::make_pair(from, to) != m_moneyRange) {
        m_moneyRange = {from, to};
        for (const QString& label : m_moneyAxis->categoriesLabels())
            m_moneyAxis->remove(label);
        for (double v = from; v <= to + step / 2; v += step)
            m_moneyAxis->append(format::usd(std::abs(v) < step / 2 ? 0.0 : v), v);
        m_moneyAxis->setStartValue(from);
        m_moneyAxis->setRange(from, to);
    }
}

QString StressPanel::summaryText() const
{
    return m_summary->text();
}

std::optional<QPointF> StressPanel::callPoint() const
{
    for (const QPointF& p : m_callMarker->points())
        if (p.x() <= 0.0)
            return p;
    return std::nullopt;
}

int StressPanel::curvePointCount() const
{
    return static_cast<int>(m_equity->count());
}

} // namespace kelly::ui
