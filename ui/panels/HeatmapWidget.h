#pragma once

#include "risk/Analytics.h"

#include <QImage>
#include <QSet>
#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

namespace kelly::ui {

// The correlation matrix as a custom-painted heatmap (issue 5): the cells are rendered into
// one QImage per change (one pixel per pair, scaled without smoothing), so a 500 x 500 build
// paints as fast as a 12 x 12 one. Diverging scale, blue -1 .. white 0 .. red +1; blank
// (fewer than 20 common observations, SPEC 5) is grey.
class HeatmapWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapWidget(QWidget* parent = nullptr);

    // `order` lists matrix indexes in display order (a permutation of 0..n-1).
    void setBuild(const CorrelationBuild& build, std::vector<int> order);
    void setHeldSymbols(const QSet<QString>& held);
    void clear();

    // What the hover tooltip says at `pos` (empty outside the cells).
    QString toolTipAt(const QPoint& pos) const;
    // The on-screen rectangle of a cell, for tests and for hit-testing.
    QRect cellRect(int displayRow, int displayColumn) const;
    int symbolCount() const { return static_cast<int>(m_order.size()); }

    static QColor colourFor(double rho);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    struct Geometry
    {
        QRect cells;
        QRect legend;
        double cellSize = 0.0;
        bool labels = false;
    };
    Geometry geometry() const;
    std::optional<QPoint> cellAt(const QPoint& pos) const; // x = column, y = row
    void renderImage();
    int labelWidth() const;

    CorrelationBuild m_build;
    std::vector<int> m_order;
    QStringList m_labels; // display order
    QSet<QString> m_held;
    QImage m_image;
};

} // namespace kelly::ui
