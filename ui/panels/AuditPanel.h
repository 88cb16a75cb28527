#pragma once

#include <QWidget>

class QTableView;

namespace kelly::ui {

class AuditModel;

// Every settings change (SPEC 7), newest first: who flipped the mode, when, from where.
class AuditPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit AuditPanel(AuditModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }

private:
    QTableView* m_table;
};

} // namespace kelly::ui
