#include "ExposureChartPanel.h"

#include "Palette.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalStackedBarSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

namespace kelly::ui {

ExposureChartPanel::ExposureChartPanel(QWidget* parent)
    : QWidget(parent), m_chart(new QChart), m_series(new QHorizontalStackedBarSeries),
      m_longs(new QBarSet(tr("Long"))), m_shorts(new QBarSet(tr("Short"))),
      m_symbols(new QBarCategoryAxis), m_values(new QValueAxis)
{
    m_longs->setColor(palette::neutralBar());
    m_longs->setBorderColor(palette::neutralBar());
    m_shorts->setColor(palette::loss());
    m_shorts->setBorderColor(palette::loss());
    m_series->append(m_longs);
    m_series->append(m_shorts);
    m_series->setBarWidth(0.7);
    m_chart->addSeries(m_series);
    m_chart->setTitle(tr("Exposure, % of equity"));
    m_chart->addAxis(m_symbols, Qt::AlignLeft);
    m_chart->addAxis(m_values, Qt::AlignBottom);
    m_series->attachAxis(m_symbols);
    m_series->attachAxis(m_values);
    m_values->setLabelFormat(QStringLiteral("%.0f%%"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setObjectName(QStringLiteral("exposureChart"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void ExposureChartPanel::setPositions(const std::vector<PositionExposure>& positions,
                                      double symbolCapPct)
{
    std::vector<const PositionExposure*> shown;
    for (const PositionExposure& p : positions)
        if (p.exposurePct && std::isfinite(*p.exposurePct))
            shown.push_back(&p);
    std::sort(shown.begin(), shown.end(),
              [](const auto* a, const auto* b) { return *a->exposurePct > *b->exposurePct; });
    if (shown.size() > kMaxBars)
        shown.resize(kMaxBars);
    // Bars run top to bottom largest first; the category axis draws bottom-up.
    std::reverse(shown.begin(), shown.end());

    QStringList categories;
    std::vector<double> values;
    for (const PositionExposure* p : shown) {
        categories << QString::fromStdString(p->symbol);
        values.push_back(p->marketValueUsd < 0.0 ? -*p->exposurePct : *p->exposurePct);
    }
    if (categories == m_lastCategories && values == m_lastValues)
        return;
    QList<qreal> longs;
    QList<qreal> shorts;
    double largest = symbolCapPct;
    for (double value : values) {
        longs.append(std::max(value, 0.0));
        shorts.append(std::max(-value, 0.0));
        largest = std::max(largest, std::abs(value));
    }
    if (longs.size() == m_longs->count()) {
        // Issue 7: while a bot marks prices only the values move. replace() updates a bar in
        // place; removing and appending rebuilt every bar item, 5-12 ms per refresh.
        for (qsizetype i = 0; i < longs.size(); ++i) {
            const int bar = static_cast<int>(i);
            if (m_longs->at(bar) != longs[i])
                m_longs->replace(bar, longs[i]);
            if (m_shorts->at(bar) != shorts[i])
                m_shorts->replace(bar, shorts[i]);
        }
    } else {
        m_longs->remove(0, m_longs->count());
        m_shorts->remove(0, m_shorts->count());
        m_longs->append(longs);
        m_shorts->append(shorts);
    }
    if (categories != m_lastCategories) {
        m_symbols->setCategories(categories);
        // Issue 17: a bar is a share of its category's band; with one or two positions the
        // band is the whole chart, so keep bars as thick as they would be among eight.
        constexpr double kTypicalBars = 8.0;
        m_series->setBarWidth(0.7 * std::min(1.0, categories.size() / kTypicalBars));
    }
    const double axisMax = std::ceil(largest * 1.1 / 10.0) * 10.0;
    if (axisMax != m_axisMax) {
        m_values->setRange(0.0, axisMax);
        m_values->applyNiceNumbers();
        m_axisMax = axisMax;
    }
    m_lastCategories = categories;
    m_lastValues = values;
}

QStringList ExposureChartPanel::barSymbols() const
{
    return m_symbols->categories();
}

std::vector<double> ExposureChartPanel::barValues() const
{
    std::vector<double> values;
    for (int bar = 0; bar < m_longs->count(); ++bar)
        values.push_back(m_longs->at(bar) - m_shorts->at(bar));
    return values;
}

} // namespace kelly::ui
