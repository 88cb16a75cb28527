#include "BookPanel.h"

#include "CapBarDelegate.h"
#include "PositionsModel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kelly::ui {

BookPanel::BookPanel(PositionsModel* model, QWidget* parent)
    : QWidget(parent), m_filter(new QLineEdit(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_table(new QTableView(this))
{
    m_filter->setObjectName(QStringLiteral("bookFilter"));
    m_filter->setPlaceholderText(tr("Filter by symbol or class (e.g. NV, crypto)"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(PositionsModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("bookTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PositionsModel::ExposurePct, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    m_table->setItemDelegateForColumn(PositionsModel::CapUsedPct,
                                      new CapBarDelegate(PositionsModel::SortRole, this));
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSectionResizeMode(PositionsModel::Symbol, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(PositionsModel::AssetClassColumn, QHeaderView::ResizeToContents);
    header->setMinimumSectionSize(90);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

} // namespace kelly::ui
