#pragma once

#include "DeskWriter.h"
#include "store/Settings.h"

#include <QDialog>
#include <QHash>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace kelly::ui {

class DeskSession;
class KellyFractionHelper;

// Limits, per-symbol cap, financing rate, crypto list (SPEC 7), each validated by the
// store's registry before anything is written; a value the environment locks is read-only
// and says which variable holds it. The mode is not here: it has its own switch.
// Issue 12 item 8: the save runs on the session's worker. The dialog stays open until it
// lands (then it closes) or the store refuses a value (the message stays at the field, the
// trader can fix it). While a bot holds the store's lock the dialog says the save is
// waiting; Close then leaves it trying, and the window's status bar reports how it ended.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(DeskSession& session, QWidget* parent = nullptr);

    QLineEdit* field(store::SettingKey key) const { return m_fields.value(key); }
    QString fieldError(store::SettingKey key) const;
    // SPEC 18: the stock multiple of kelly_fraction and the drawdown-budget helper.
    KellyFractionHelper* kellyHelper() const { return m_kellyHelper; }

    // Validates every edited field; asks the session to write them (audited, origin
    // `dashboard`) only when all are valid, and returns true. Returns false and marks the
    // fields otherwise, with nothing written.
    bool apply();
    bool saving() const { return !m_sent.empty(); }
    QString statusText() const;

private:
    void onWriteFinished(const DeskWriteOutcome& outcome);
    void markField(store::SettingKey key, const QString& error);
    // The overnight-over-intraday refusal in the dialog's words, both fields marked; nullopt
    // when that rule holds.
    std::optional<QString> crossFieldRefusal(const SettingChanges& changes);
    void setStatus(const QString& text, bool error);

    DeskSession& m_session;
    QHash<store::SettingKey, QLineEdit*> m_fields;
    QHash<store::SettingKey, QLabel*> m_errors;
    QHash<store::SettingKey, QString> m_initial;
    QLabel* m_status;
    KellyFractionHelper* m_kellyHelper = nullptr;
    QDialogButtonBox* m_buttons;
    SettingChanges m_sent; // the save waiting for the worker's outcome
};

} // namespace kelly::ui
