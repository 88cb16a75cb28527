#pragma once

#include "sizing/Exposure.h"

#include <QWidget>

namespace kelly::ui {

// A horizontal bar of gross leverage with the overnight and intraday limits marked
// (SPEC 6). The fill turns amber near a limit and red over it.
class LeverageGauge final : public QWidget
{
    Q_OBJECT
public:
    explicit LeverageGauge(QWidget* parent = nullptr);

    void setReport(const ExposureReport& report);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double m_leverage = 0.0;
    bool m_noEquity = false;
    double m_intradayLimit = 4.0;
    double m_overnightLimit = 2.0;
    LimitState m_state = LimitState::Ok;
};

} // namespace kelly::ui
