#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace kelly::ui {

// SPEC 18 beside the Settings dialog's kelly_fraction field: what the typed fraction means for
// a stock (c x L times full Kelly, where 2x is zero growth) and for crypto (c), and a small
// "From a drawdown budget..." helper: a loss D and its largest chance P give c* (KellyOdds),
// and the setting that holds a stock there, c*/L, is filled into the field.
class KellyFractionHelper final : public QWidget
{
    Q_OBJECT
public:
    // `fraction` is the kelly_fraction field; `intraday` the max_intraday_leverage field (L),
    // read while the trader edits it, `fallbackIntraday` when it does not hold a number.
    KellyFractionHelper(QLineEdit* fraction, QLineEdit* intraday, double fallbackIntraday,
                        QWidget* parent = nullptr);

    QString multipleText() const;
    QString budgetText() const;
    QLineEdit* drawdownEdit() const { return m_drawdown; }
    QLineEdit* probabilityEdit() const { return m_probability; }
    QPushButton* budgetButton() const { return m_toggle; }
    // Computes c* from D and P and fills c*/L into the fraction field; false (reason shown)
    // on a bad budget.
    bool fillFromBudget();

private:
    double intradayLimit() const;
    void updateMultiple();

    QLineEdit* m_fraction;
    QLineEdit* m_intraday;
    double m_fallbackIntraday;
    QLabel* m_multiple;
    QPushButton* m_toggle;
    QWidget* m_budget;
    QLineEdit* m_drawdown;
    QLineEdit* m_probability;
    QLabel* m_budgetResult;
};

} // namespace kelly::ui
