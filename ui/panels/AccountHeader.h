#pragma once

#include "DeskMargin.h"
#include "risk/Analytics.h"
#include "sizing/Exposure.h"
#include "store/Store.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace kelly::ui {

// The first thing on screen (SPEC 10): equity, buying power, gross and leverage as `1.90x`,
// plus the book's 1-day VaR and effective bets when a correlation build covers it, and
// SPEC 15's margin: the maintenance requirement, the excess and the fall of every price that
// brings a margin call (the figures of `kellyctl status --json`), with the broker's
// cross-check when its figure differs by more than 1% of equity. Beside the equity's value:
// when and by what E was last set (SPEC 1: account set or a broker sync) and the P&L of the
// marks since, as `kellyctl status` prints them.
class AccountHeader final : public QWidget
{
    Q_OBJECT
public:
    explicit AccountHeader(QWidget* parent = nullptr);

    void setReport(const ExposureReport& report, const PortfolioRisk& risk);
    void setMargin(const DeskMargin& margin);
    void setEquityBasis(const std::optional<store::EquityBasis>& basis, double equityUsd,
                        UtcTime now);
    // "sync 14:05 ET\n+$4,000 since", "account set Nov 25\n-$300 since", "never set".
    static QString equityBasisLine(const std::optional<store::EquityBasis>& basis, double equityUsd,
                                   UtcTime now);

    QSize minimumSizeHint() const override;
    QString leverageText() const;
    QString marginCallText() const;
    QString brokerCheckText() const; // empty while the broker's figure agrees
    QString equityBasisText() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitTiles();
    // `besideValue`, when given, sits right of the value (the equity's basis, two small
    // lines: no taller than the value, so the header keeps its height).
    QLabel* addTile(const QString& caption, const QString& objectName,
                    QWidget* besideValue = nullptr);

    QHBoxLayout* m_tiles;

    QLabel* m_equity;
    QLabel* m_equityBasis;
    QLabel* m_buyingPower;
    QLabel* m_gross;
    QLabel* m_leverage;
    QLabel* m_var;
    QLabel* m_bets;
    QWidget* m_betsTile;
    QLabel* m_maintenance;
    QLabel* m_excess;
    QLabel* m_marginCall;
    QLabel* m_brokerCheck; // SPEC 15's cross-check, shown only when it fails
};

} // namespace kelly::ui
