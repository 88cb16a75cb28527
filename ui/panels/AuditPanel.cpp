#include "AuditPanel.h"

#include "DecisionsModel.h"
#include "SortArrows.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kelly::ui {

AuditPanel::AuditPanel(AuditModel* model, QWidget* parent)
    : QWidget(parent), m_table(new QTableView(this))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(AuditModel::SortRole);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    useTraderSortArrows(m_table->horizontalHeader());
    m_table->sortByColumn(AuditModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
}

} // namespace kelly::ui
