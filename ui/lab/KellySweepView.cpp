#include "KellySweepView.h"

#include "ChartTicks.h"
#include "Clock.h"
#include "DeskSession.h"
#include "Format.h"
#include "LabRunner.h"
#include "Palette.h"

#include <QChart>
#include <QChartView>
#include <QDir>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPen>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

namespace {

// Eight steps of 1/8: the default and 2/L at L = 4 (both 0.5) are among them.
const QString kDefaultFractions = QStringLiteral("0.125,0.25,0.375,0.5,0.625,0.75,0.875,1");

QString percent(const std::optional<double>& ratio)
{
    return ratio ? format::pct(*ratio * 100.0) : format::missing();
}

QLineSeries* verticalLine(double x, double low, double high, const QColor& colour,
                          const QString& name)
{
    auto* line = new QLineSeries;
    line->setName(name);
    line->append(x, low);
    line->append(x, high);
    QPen pen(colour);
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.5);
    line->setPen(pen);
    return line;
}

} // namespace

KellySweepView::KellySweepView(DeskSession& session, std::function<QString()> pricesFolder,
                               QWidget* parent)
    : QWidget(parent), m_session(session), m_pricesFolder(std::move(pricesFolder)),
      m_runner(new LabRunner(this)), m_fractions(new QLineEdit(kDefaultFractions, this)),
      m_run(new QPushButton(tr("Run sweep"), this)), m_status(new QLabel(this)),
      m_chart(new QChart), m_table(new QTableWidget(0, 6, this))
{
    setObjectName(QStringLiteral("kellySweepView"));
    m_fractions->setObjectName(QStringLiteral("kellySweepFractions"));
    m_fractions->setToolTip(tr("Kelly fractions c in (0, 1], separated by commas"));
    m_run->setObjectName(QStringLiteral("kellySweepRun"));
    m_status->setObjectName(QStringLiteral("kellySweepStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setText(tr("enhanced once per Kelly fraction on the Lab's prices (SPEC 18): CAGR "
                         "and the worst drawdown against the fraction."));

    m_chart->setTitle(tr("CAGR and maximum drawdown against the Kelly fraction"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    // Issue 26: as many round percentages as the plot's height holds, never "...".
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        const QList<QAbstractAxis*> axes = m_chart->axes(Qt::Vertical);
        if (!axes.isEmpty())
            labelY(qobject_cast<QValueAxis*>(axes.front()));
    });
    m_chart->setBackgroundRoundness(0);
    auto* view = new QChartView(m_chart, this);
    view->setObjectName(QStringLiteral("kellySweepChart"));
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);

    m_table->setObjectName(QStringLiteral("kellySweepTable"));
    m_table->setHorizontalHeaderLabels({tr("fraction"), tr("stock at"), tr("CAGR"),
                                        tr("max drawdown"), tr("Sharpe"), tr("final equity")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Fractions"), this));
    controls->addWidget(m_fractions, 1);
    controls->addWidget(m_run);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(view, 3);
    layout->addWidget(m_table, 2);

    connect(m_run, &QPushButton::clicked, this, &KellySweepView::startSweep);
    connect(m_fractions, &QLineEdit::returnPressed, this, &KellySweepView::startSweep);
    connect(m_runner, &LabRunner::progress, this, [this](int done, int total) {
        m_status->setText(tr("Running the sweep: %1 of %2 dates...").arg(done).arg(total));
    });
    connect(m_runner, &LabRunner::finished, this, &KellySweepView::onFinished);
    connect(m_runner, &LabRunner::failed, this, [this](const QString& message) {
        m_run->setEnabled(true);
        m_status->setText(tr("Not run: %1").arg(message));
        Q_EMIT sweepFailed(message);
    });
    connect(m_runner, &LabRunner::cancelled, this, [this] { m_run->setEnabled(true); });
}

bool KellySweepView::isRunning() const
{
    return m_runner->isRunning();
}

QString KellySweepView::statusText() const
{
    return m_status->text();
}

double KellySweepView::twoTimesKellyFraction() const
{
    return 2.0 / m_session.state().settings.limits.intradayLeverage;
}

bool KellySweepView::startSweep()
{
    if (isRunning())
        return false;
    const auto fractions = lab::parseKellyFractionList(m_fractions->text().toStdString());
    if (!fractions) {
        m_status->setText(
            tr("Not run: %1").arg(QString::fromStdString(fractions.error().describe())));
        return false;
    }
    LabRunner::Request request;
    request.pricesFolder = m_pricesFolder().trimmed();
    request.settings = m_session.state().settings.labSettings();
    request.options.kellyFractions = *fractions;
    m_pending = request;
    m_run->setEnabled(false);
    m_status->setText(tr("Running the sweep on %1...").arg(request.pricesFolder));
    m_runner->start(request);
    return true;
}

void KellySweepView::onFinished(std::shared_ptr<const lab::LabResult> result)
{
    m_run->setEnabled(true);
    plot(*result);
    // Recorded like any lab run (lab_runs), so `kellyctl backtest --list` shows it too.
    store::LabRunRecord record =
        store::labRunRecord(m_session.clock().now(), m_pending->pricesFolder, QString(),
                            m_pending->options, m_pending->settings, *result);
    QString error;
    const QString where =
        tr("%1 symbols, %2 to %3")
            .arg(result->symbols.size())
            .arg(QString::fromStdString(record.fromDate), QString::fromStdString(record.toDate));
    // The honest reading: where the growth peaked and what the worst fall was there.
    const auto best =
        std::max_element(result->runs.begin(), result->runs.end(),
                         [](const lab::MethodRun& a, const lab::MethodRun& b) {
                             return a.metrics.finalEquityUsd < b.metrics.finalEquityUsd;
                         });
    const QString reading =
        best == result->runs.end()
            ? QString()
            : tr(" Most growth at c = %1 (CAGR %2, worst drawdown %3).")
                  .arg(*best->kellyFraction, 0, 'g', 6)
                  .arg(percent(best->metrics.cagr), percent(best->metrics.maxDrawdown));
    if (!m_session.store().saveLabRun(record, &record.id, &error)) {
        m_status->setText(tr("Ran on %1, but not recorded: %2").arg(where, error) + reading);
        Q_EMIT sweepFailed(error);
        return;
    }
    m_status->setText(tr("Run %1 on %2.").arg(record.id).arg(where) + reading);
    Q_EMIT sweepFinished(record.id);
}

void KellySweepView::labelY(QValueAxis* y)
{
    const int fit = ticks::ticksThatFit(y, m_chart->plotArea().height(), Qt::Vertical, {});
    if (fit == m_yFit)
        return;
    m_yFit = fit;
    ticks::setRoundTicks(y, m_yLow, m_yHigh, ticks::roundStep(m_yHigh - m_yLow, 6), fit);
    y->setLabelFormat(y->tickInterval() >= 1.0 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
}

void KellySweepView::plot(const lab::LabResult& result)
{
    m_chart->removeAllSeries();
    for (QAbstractAxis* axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
    const double limit = m_session.state().settings.limits.intradayLeverage;
    auto* cagr = new QLineSeries;
    cagr->setName(tr("CAGR %"));
    cagr->setPointsVisible(true);
    cagr->setColor(QColor(0x1f, 0x77, 0xb4));
    auto* drawdown = new QLineSeries;
    drawdown->setName(tr("max drawdown %"));
    drawdown->setPointsVisible(true);
    drawdown->setColor(palette::loss());
    double low = 0.0;
    double high = 0.0;
    m_table->setRowCount(static_cast<int>(result.runs.size()));
    int row = 0;
    for (const lab::MethodRun& run : result.runs) {
        const double c = run.kellyFraction.value_or(0.0);
        const lab::LabMetrics& m = run.metrics;
        // A ruined run has no CAGR (SPEC 12): its point is left out, never drawn as 0.
        if (m.cagr) {
            cagr->append(c, *m.cagr * 100.0);
            low = std::min(low, *m.cagr * 100.0);
            high = std::max(high, *m.cagr * 100.0);
        }
        if (m.maxDrawdown) {
            drawdown->append(c, *m.maxDrawdown * 100.0);
            low = std::min(low, *m.maxDrawdown * 100.0);
        }
        const QStringList cells{QString::number(c, 'g', 6),
                                tr("%1x Kelly").arg(c * limit, 0, 'f', 2),
                                percent(m.cagr),
                                percent(m.maxDrawdown),
                                m.sharpe ? QString::number(*m.sharpe, 'f', 2) : format::missing(),
                                format::usd(m.finalEquityUsd)};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells[column]));
        ++row;
    }
    // Round labels (issue 26): c every 0.25 with a grid line at each eighth (the default
    // fractions), percentages on 1-2-5 steps.
    auto* x = new QValueAxis;
    x->setTitleText(tr("Kelly fraction c"));
    ticks::setSteppedRange(x, 0.0, 1.0, 0.25);
    x->setMinorTickCount(1);
    x->setLabelFormat(QStringLiteral("%.2f"));
    auto* y = new QValueAxis;
    y->setTitleText(tr("%"));
    m_yLow = low;
    m_yHigh = high + (high - low) * 0.05; // no point on the top edge
    m_yFit = -1;
    labelY(y);
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    m_chart->addSeries(cagr);
    m_chart->addSeries(drawdown);
    // The marks span the whole plot, so they are drawn once the axis has its round range.
    m_chart->addSeries(verticalLine(0.5, y->min(), y->max(), palette::muted(), tr("default 0.5")));
    const double atTwo = 2.0 / limit;
    if (atTwo <= 1.0)
        m_chart->addSeries(
            verticalLine(atTwo, y->min(), y->max(), palette::over(),
                         tr("stock at 2x Kelly (2 / L = %1)").arg(atTwo, 0, 'g', 4)));
    for (QAbstractSeries* series : m_chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

} // namespace kelly::ui
