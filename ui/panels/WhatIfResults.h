#pragma once

#include "margin/Margin.h"
#include "sizing/Sizing.h"

#include <QGroupBox>
#include <optional>

class QLabel;

namespace kelly::ui {

// SPEC 18 in trader words: "0.5x Kelly: a 12.5% chance to ever halve, 51.2% to ever be 20%
// down", or at 2x and beyond, that growth is zero (negative) and a halving certain in time.
// The grid shows it in two short rows (kellyMultipleText, kellyRiskText); the sentence is
// their tooltip.
QString kellyOddsText(const SizingResult& result);
QString kellyMultipleText(const SizingResult& result); // "0.5x Kelly", "2.0x Kelly: growth zero"
QString kellyRiskText(const SizingResult& result);     // "12.5% / 51.2%", "certain / certain"

// The what-if's columns and rows, shared by the form and its result grid.
struct WhatIfLayout
{
    // Result columns; the result labels are named "whatIf.<column>.<row>" for tests, column
    // being "enhanced" (the bot's enhanced call), "plain" (SPEC 2 alone) or "legacy".
    enum Column
    {
        EnhancedColumn,
        PlainEnhancedColumn,
        LegacyColumn,
        ColumnCount
    };
    // Result rows.
    enum Row
    {
        Qty,
        Value,
        BaseFraction,
        TargetFraction,
        KellyOdds, // SPEC 18: the order's Kelly multiple, on the forecast
        KellyRisk, // its odds of ever halving / ever being 20% down
        Binding,
        Exposure,
        Leverage,
        Maintenance, // SPEC 15: MR before -> after the order
        Excess,      // E - MR before -> after
        FallToCall,  // the fall of every price that brings a call, before -> after
        Var,
        Forecast,
        Note,
        RowCount
    };
};

// SPEC 15 around one sized order: what the book requires and how far it is from a call,
// before the order and after it.
struct WhatIfMargin
{
    double maintenanceBeforeUsd = 0.0;
    double maintenanceAfterUsd = 0.0;
    double excessBeforeUsd = 0.0;
    double excessAfterUsd = 0.0;
    std::optional<double> fallBeforePct;
    std::optional<double> fallAfterPct;
};

// The what-if's result grid (split out of WhatIfPanel): one column per sizing, one row per
// figure, the correlation explanation under them and a status line. Shows what it is given;
// sizes nothing.
class WhatIfResults final : public QGroupBox, public WhatIfLayout
{
    Q_OBJECT
public:
    explicit WhatIfResults(QWidget* parent = nullptr);

    // The column titles; `inForce` (or -1) is the column the bot uses now, `bot` its mode.
    void setTitles(const QString (&titles)[ColumnCount], int inForce, const QString& bot);
    void showOutcome(int column, const SizingResult& result,
                     const std::optional<double>& varBeforeUsd,
                     const std::optional<double>& varAfterUsd, const WhatIfMargin& margin);
    void showCorrelation(const SizingResult& enhanced);
    void clear(const QString& note);
    void setStatus(const QString& text);

    QString text(int column, Row row) const;
    QString correlationText() const;

private:
    QLabel* m_baseCaption = nullptr; // follows the setting: "half-Kelly", "0.25 x Kelly"
    QLabel* m_columnTitles[ColumnCount];
    QLabel* m_results[ColumnCount][RowCount];
    QLabel* m_correlation; // SPEC 11: what moved the correlation-aware size
    QLabel* m_status;
};

} // namespace kelly::ui
