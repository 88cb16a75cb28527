#pragma once

#include "DeskState.h"
#include "WhatIfResults.h"
#include "store/SizingService.h"

#include <QHash>
#include <QWidget>
#include <memory>
#include <optional>

class QCompleter;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStringListModel;

namespace kelly::ui {

class DeskSession;

// "What would the bot buy of SYMBOL at PRICE, and what would that do to my exposure,
// leverage and risk?" (SPEC intro). Sizes enhanced and legacy side by side through the
// store's SizingService in dry-run, so the figures are exactly the bot's next call.
// Three columns: enhanced as the bot sizes it (correlation-aware when SPEC 11 applies), the
// plain SPEC 2 enhanced size, and legacy; below them, why the correlation term moved the
// size (its largest contributions) or why it did not apply. Each column shows the order's
// margin impact (SPEC 15). The grid itself is WhatIfResults.
// Bad input is marked at its field; nothing non-finite reaches the screen.
class WhatIfPanel final : public QWidget, public WhatIfLayout
{
    Q_OBJECT
public:
    WhatIfPanel(DeskSession& session, QWidget* parent = nullptr);

    void setState(std::shared_ptr<const DeskState> state);
    void focusForm();
    // Fills the symbol (and its last price when held) and sizes it.
    void propose(const QString& symbol);

    // Validates the form and sizes both modes. False when a field is invalid (it is marked)
    // or the store refused; the reason is on screen either way.
    bool calculate();

    QString resultText(SizingMode mode, Row row) const;
    QString resultText(Column column, Row row) const;
    // SPEC 11's explanation under the columns.
    QString correlationText() const;
    QString fieldError(const QLineEdit* field) const;
    QLineEdit* symbolEdit() const { return m_symbol; }
    QLineEdit* priceEdit() const { return m_price; }
    QLineEdit* muEdit() const { return m_mu; }
    QLineEdit* sigmaEdit() const { return m_sigma; }
    // Which price the last sizing used: "last 600.12" or "typed" (issue 17).
    QString priceSourceText() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* addField(const QString& caption, const QString& objectName,
                        const QString& placeholder, int row);
    void markField(QLineEdit* field, const QString& error);
    void clearResults(const QString& note);
    // SPEC 15 before and after `result`'s add; `fallAfterPct` from the sizing outcome.
    WhatIfMargin marginOf(const SizingResult& result, std::optional<double> fallAfterPct) const;
    void prefillPrice();
    void followLastPrice();
    // Issue 17: the price follows the symbol unless the trader typed it for that symbol.
    // Puts the held symbol's last price in the field when it should and says which price is
    // used; false (with the field marked when `markMissing`) when there is none to size at.
    bool resolvePrice(const std::string& symbol, bool markMissing);
    // Sizes both columns now on the caller's connection (the trader asked), then shows them.
    bool sizeAndShow(const SizingRequest& request);
    bool show(const DryRuns& dryRuns);
    void showRefreshed(const std::shared_ptr<const DryRuns>& dryRuns);
    std::optional<double> parseNumber(QLineEdit* field, bool optional, bool* ok);

    DeskSession& m_session;
    std::shared_ptr<const DeskState> m_state;
    QGridLayout* m_form;
    QLineEdit* m_symbol;
    QLineEdit* m_price;
    QLineEdit* m_mu;
    QLineEdit* m_sigma;
    QHash<const QLineEdit*, QLabel*> m_errors;
    QStringListModel* m_symbols;
    QCompleter* m_completer;
    QPushButton* m_calculate;
    WhatIfResults* m_results;
    QLabel* m_priceSource;
    // The symbol the price in the field belongs to (a price typed before any symbol belongs
    // to the next one entered), and whether the trader typed it or the form filled in that
    // symbol's last price.
    std::string m_priceFor;
    bool m_priceTyped = false;
    bool m_fillingPrice = false;                // our own setText, not the trader's
    std::optional<SizingRequest> m_lastRequest; // what the shown figures were sized from
    std::vector<std::string> m_knownSymbols;    // the completer's list, sorted
    std::optional<SizingMode> m_modeShown;      // the mode the column titles show
    std::optional<bool> m_correlationShown;     // and the correlation_aware setting
    double m_limitShown = 0.0;                  // and the intraday limit
};

} // namespace kelly::ui
