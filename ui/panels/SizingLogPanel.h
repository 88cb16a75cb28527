#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QTableView;

namespace kelly::ui {

class DecisionsModel;
class DecisionFilterProxy;

// The recorded sizing decisions, newest first, filterable by symbol, method and fallbacks.
class SizingLogPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit SizingLogPanel(DecisionsModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }

private:
    QLineEdit* m_symbolFilter;
    QComboBox* m_methodFilter;
    QCheckBox* m_fallbacksOnly;
    DecisionFilterProxy* m_proxy;
    QTableView* m_table;
};

} // namespace kelly::ui
