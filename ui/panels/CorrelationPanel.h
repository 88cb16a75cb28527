#pragma once

#include "common/NewYorkTime.h"
#include "store/Store.h"

#include <QSet>
#include <QWidget>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace kelly::ui {

class HeatmapWidget;

// The correlation heatmap with its controls: cluster or alphabetical order, the build's
// age (stale after 7 days, SPEC 5), and a rebuild from a chosen prices folder.
class CorrelationPanel final : public QWidget
{
    Q_OBJECT
public:
    enum class Order
    {
        Cluster,
        Alphabetical
    };

    explicit CorrelationPanel(QWidget* parent = nullptr);

    // Redraws only when the build changed (a new id), so live refreshes cost nothing.
    void setBuild(const std::shared_ptr<const store::StoredCorrelationBuild>& build, UtcTime now);
    void setHeldSymbols(const QSet<QString>& held);
    void setOrder(Order order);

    void setRebuildRunning(bool running);
    void setRebuildProgress(int done, int total);
    // Issue 17: a failed rebuild's message wraps on its own line below the controls and
    // stays until dismissed or replaced by the next rebuild's outcome; it never widens the
    // window. An empty message clears it (a rebuild succeeded).
    void showRebuildError(const QString& message);
    QString rebuildError() const;

    HeatmapWidget* heatmap() const { return m_heatmap; }
    bool isStale() const { return m_stale; }

Q_SIGNALS:
    void rebuildRequested();

private:
    void redraw();
    void updateAge(UtcTime now);

    std::shared_ptr<const store::StoredCorrelationBuild> m_build;
    Order m_order = Order::Cluster;
    bool m_stale = false;
    QComboBox* m_orderBox;
    QLabel* m_info;
    QLabel* m_warning;
    QWidget* m_errorRow;
    QLabel* m_error;
    QPushButton* m_rebuild;
    QProgressBar* m_progress;
    HeatmapWidget* m_heatmap;
};

} // namespace kelly::ui
