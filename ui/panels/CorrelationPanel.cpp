#include "CorrelationPanel.h"

#include "Format.h"
#include "HeatmapWidget.h"
#include "Palette.h"
#include "risk/Correlation.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <numeric>

namespace kelly::ui {

CorrelationPanel::CorrelationPanel(QWidget* parent)
    : QWidget(parent), m_orderBox(new QComboBox(this)), m_info(new QLabel(this)),
      m_warning(new QLabel(this)), m_rebuild(new QPushButton(tr("Rebuild from folder..."), this)),
      m_progress(new QProgressBar(this)), m_heatmap(new HeatmapWidget(this))
{
    m_orderBox->setObjectName(QStringLiteral("heatmapOrder"));
    m_orderBox->addItem(tr("Cluster order"));
    m_orderBox->addItem(tr("Alphabetical"));
    connect(m_orderBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setOrder(index == 0 ? Order::Cluster : Order::Alphabetical); });
    m_info->setObjectName(QStringLiteral("buildInfo"));
    m_warning->setObjectName(QStringLiteral("staleWarning"));
    m_warning->setStyleSheet(
        QStringLiteral("color: %1; font-weight: 600;").arg(palette::over().name()));
    m_warning->hide();
    m_rebuild->setObjectName(QStringLiteral("rebuildButton"));
    m_rebuild->setToolTip(tr("Read every .csv in a folder and rebuild the matrix off the GUI "
                             "thread; sizing then uses the new volatility metrics"));
    connect(m_rebuild, &QPushButton::clicked, this, &CorrelationPanel::rebuildRequested);
    m_progress->setObjectName(QStringLiteral("rebuildProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->hide();

    // The build line may be long: it elides into the space it gets, never widening the tab.
    m_info->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_info->setMinimumWidth(120);
    m_errorRow = new QWidget(this);
    m_errorRow->setObjectName(QStringLiteral("rebuildErrorRow"));
    m_errorRow->setStyleSheet(QStringLiteral("#rebuildErrorRow { background: #fde8e8; border: 1px "
                                             "solid #a91f1f; border-radius: 4px; }"));
    m_error = new QLabel(m_errorRow);
    m_error->setObjectName(QStringLiteral("rebuildError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_error->setStyleSheet(QStringLiteral("color: #7f1515;"));
    auto* dismiss = new QPushButton(tr("Dismiss"), m_errorRow);
    dismiss->setFlat(true);
    connect(dismiss, &QPushButton::clicked, this, [this] { showRebuildError(QString()); });
    auto* errorLayout = new QHBoxLayout(m_errorRow);
    errorLayout->setContentsMargins(10, 4, 4, 4);
    errorLayout->addWidget(m_error, 1);
    errorLayout->addWidget(dismiss, 0, Qt::AlignTop);
    m_errorRow->hide();

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_orderBox);
    controls->addSpacing(12);
    controls->addWidget(m_info, 1);
    controls->addWidget(m_warning);
    controls->addWidget(m_progress);
    controls->addWidget(m_rebuild);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_errorRow);
    layout->addWidget(m_heatmap, 1);
}

void CorrelationPanel::setBuild(const std::shared_ptr<const store::StoredCorrelationBuild>& build,
                                UtcTime now)
{
    const bool changed = (build != nullptr) != (m_build != nullptr) ||
                         (build && m_build && (build->id != m_build->id));
    if (changed) {
        m_build = build;
        redraw();
    }
    updateAge(now);
}

void CorrelationPanel::setHeldSymbols(const QSet<QString>& held)
{
    m_heatmap->setHeldSymbols(held);
}

void CorrelationPanel::setOrder(Order order)
{
    m_orderBox->setCurrentIndex(order == Order::Cluster ? 0 : 1);
    if (order == m_order)
        return;
    m_order = order;
    redraw();
}

void CorrelationPanel::redraw()
{
    if (!m_build || m_build->build.symbols.empty()) {
        m_heatmap->clear();
        return;
    }
    const CorrelationBuild& build = m_build->build;
    std::vector<int> order;
    if (m_order == Order::Cluster) {
        order = clusterOrder(build);
    } else {
        order.resize(build.symbols.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            return build.symbols[static_cast<size_t>(a)] < build.symbols[static_cast<size_t>(b)];
        });
    }
    m_heatmap->setBuild(build, std::move(order));
}

void CorrelationPanel::updateAge(UtcTime now)
{
    if (!m_build) {
        m_info->setText(tr("No build in the store"));
        m_stale = false;
        m_warning->hide();
        return;
    }
    const auto age = now - m_build->builtAt;
    const auto days = std::chrono::floor<std::chrono::days>(age).count();
    const auto hours = std::chrono::floor<std::chrono::hours>(age).count();
    const QString ageText = age < std::chrono::hours(1) ? tr("less than an hour ago")
                            : days < 1
                                ? (hours == 1 ? tr("1 hour ago") : tr("%1 hours ago").arg(hours))
                            : days == 1 ? tr("1 day ago")
                                        : tr("%1 days ago").arg(days);
    // SPEC 5: the data's date beside the build time; staleness follows the data.
    const std::optional<UtcTime> dataDate = store::correlationDataDate(m_build->build);
    const QString dataText =
        dataDate ? store::isoUtc(*dataDate).left(10) : tr("no date", "data of a build");
    m_info->setText(tr("%1 symbols, lookback %2 days, data of %3, built %4 (%5), shrinkage %6.  "
                       "\u25CF held")
                        .arg(m_build->build.symbols.size())
                        .arg(m_build->build.lookback)
                        .arg(dataText, format::utcDateTime(m_build->builtAt), ageText)
                        .arg(m_build->build.shrinkage, 0, 'f', 2));
    m_info->setToolTip(m_info->text());
    m_stale = !dataDate || isCorrelationDataStale(*dataDate, now);
    m_warning->setText(tr("Stale: data of %1, older than 7 days").arg(dataText));
    m_warning->setVisible(m_stale);
}

void CorrelationPanel::setRebuildRunning(bool running)
{
    m_rebuild->setEnabled(!running);
    m_progress->setVisible(running);
    if (running)
        m_progress->setRange(0, 0);
}

void CorrelationPanel::setRebuildProgress(int done, int total)
{
    m_progress->setRange(0, total);
    m_progress->setValue(done);
}

void CorrelationPanel::showRebuildError(const QString& message)
{
    m_error->setText(message.isEmpty() ? QString() : tr("Rebuild failed: %1").arg(message));
    m_errorRow->setVisible(!message.isEmpty());
}

QString CorrelationPanel::rebuildError() const
{
    return m_errorRow->isHidden() ? QString() : m_error->text();
}

} // namespace kelly::ui
