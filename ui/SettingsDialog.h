#pragma once

#include "store/Settings.h"

#include <QDialog>
#include <QHash>

class QLabel;
class QLineEdit;

namespace kelly::ui {

class DeskSession;

// Limits, per-symbol cap, financing rate, crypto list (SPEC 7), each validated by the
// store's registry before anything is written; a value the environment locks is read-only
// and says which variable holds it. The mode is not here: it has its own switch.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(DeskSession& session, QWidget* parent = nullptr);

    QLineEdit* field(store::SettingKey key) const { return m_fields.value(key); }
    QString fieldError(store::SettingKey key) const;

    // Validates every edited field; writes them (audited, origin `dashboard`) only when all
    // are valid. Returns false and marks the fields otherwise.
    bool apply();

private:
    DeskSession& m_session;
    QHash<store::SettingKey, QLineEdit*> m_fields;
    QHash<store::SettingKey, QLabel*> m_errors;
    QHash<store::SettingKey, QString> m_initial;
    QLabel* m_status;
};

} // namespace kelly::ui
