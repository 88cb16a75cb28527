#pragma once

#include "DeskMargin.h"
#include "sizing/Exposure.h"

#include <QWidget>

class QGridLayout;
class QLabel;

namespace kelly::ui {

class LeverageGauge;
class MarginGauge;

// SPEC 6 at a glance: gross leverage against both limits, what to cut before the close
// with a New York countdown, and what the borrowed part costs per night; beside the
// leverage, SPEC 15's margin gauge with the broker's cross-check.
class LeveragePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LeveragePanel(QWidget* parent = nullptr);

    void setReport(const ExposureReport& report);
    void setMargin(const DeskMargin& margin);
    MarginGauge* marginGauge() const { return m_marginGauge; }

    // Extra widgets (the history chart) go below the figures.
    void addBelow(QWidget* widget);

    // The colour of the "Overnight limit" figure: amber over it until the close warning.
    static LimitState overnightColour(const ExposureReport& report);

private:
    QLabel* addFigure(int row, int column, const QString& caption, const QString& objectName);

    LeverageGauge* m_gauge;
    MarginGauge* m_marginGauge;
    QLabel* m_marginHeadline;
    QLabel* m_marginFigures;
    QLabel* m_brokerCheck;
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
