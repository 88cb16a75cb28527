#pragma once

#include "risk/Analytics.h"
#include "sizing/Exposure.h"

#include <QWidget>

class QLabel;

namespace kelly::ui {

// The first thing on screen (SPEC 10): equity, buying power, gross and leverage as `1.90x`,
// plus the book's 1-day VaR and effective bets when a correlation build covers it.
class AccountHeader final : public QWidget
{
    Q_OBJECT
public:
    explicit AccountHeader(QWidget* parent = nullptr);

    void setReport(const ExposureReport& report, const PortfolioRisk& risk);

    QString leverageText() const;

private:
    QLabel* addTile(const QString& caption, const QString& objectName);

    QLabel* m_equity;
    QLabel* m_buyingPower;
    QLabel* m_gross;
    QLabel* m_leverage;
    QLabel* m_var;
    QLabel* m_bets;
};

} // namespace kelly::ui
