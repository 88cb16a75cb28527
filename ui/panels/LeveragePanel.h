#pragma once

#include "sizing/Exposure.h"

#include <QWidget>

class QGridLayout;
class QLabel;

namespace kelly::ui {

class LeverageGauge;

// SPEC 6 at a glance: gross leverage against both limits, what to cut before the close
// with a New York countdown, and what the borrowed part costs per night.
class LeveragePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LeveragePanel(QWidget* parent = nullptr);

    void setReport(const ExposureReport& report);

    // Extra widgets (the history chart) go below the figures.
    void addBelow(QWidget* widget);

private:
    QLabel* addFigure(int row, int column, const QString& caption, const QString& objectName);

    LeverageGauge* m_gauge;
    QGridLayout* m_figureGrid = nullptr;
    QLabel* m_leverage;
    QLabel* m_intraday;
    QLabel* m_overnight;
    QLabel* m_reduceBy;
    QLabel* m_closeIn;
    QLabel* m_financingPerNight;
    QLabel* m_financingTonight;
    QLabel* m_borrowed;
};

} // namespace kelly::ui
