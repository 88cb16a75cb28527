#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;

namespace kelly::ui {

// File > Open store... (SPEC 13): a SQLite file or a postgresql:// URL, checked by opening it
// (it must already be a store: `kellyctl init` creates one), then shown in a new dashboard
// window. The name reaches the new process through $KELLYDESK_DB, never its command line,
// where `ps` would show a password; nothing is remembered.
class OpenStoreDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit OpenStoreDialog(QWidget* parent = nullptr);

    // The store name the trader gave, once accepted.
    QString storeName() const;
    // Starts a dashboard on `name`; false with `error` when it could not start.
    static bool openInNewWindow(const QString& name, QString* error);

private:
    void tryAccept();

    QLineEdit* m_name;
    QLineEdit* m_password;
    QLabel* m_error;
};

} // namespace kelly::ui
