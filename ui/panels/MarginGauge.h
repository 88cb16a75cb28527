#pragma once

#include "DeskMargin.h"

#include <QWidget>

namespace kelly::ui {

// SPEC 15 at a glance, beside the leverage gauge: margin used (MR / E) as a bar, with the
// call line at 100% (equity down to the requirement) and the safety line: the margin used
// at which a fall of k = margin_call_fall_pct of every price would bring a call, for a book
// of today's average rate (DeskMargin::safetyLineUsedPct). Over the safety line the bar is
// amber, at or over the call line red. The headline says it in a trader's words.
class MarginGauge final : public QWidget
{
    Q_OBJECT
public:
    explicit MarginGauge(QWidget* parent = nullptr);

    void setMargin(const DeskMargin& margin);
    // "Margin used 72% — a 16.7% fall of everything brings a margin call".
    QString headline() const { return m_headline; }
    std::optional<double> safetyLinePct() const { return m_safetyPct; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<double> m_usedPct; // null when E <= 0
    std::optional<double> m_safetyPct;
    double m_kPct = 5.0;
    bool m_callNow = false;
    bool m_hasRequirement = false;
    QString m_headline;
};

// The headline of a margin report, shared by the gauge and the account header.
QString marginHeadline(const MarginReport& report);

} // namespace kelly::ui
