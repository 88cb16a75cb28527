#include "BookPanel.h"

#include "CapBarDelegate.h"
#include "Palette.h"
#include "PositionsModel.h"
#include "SortArrows.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace kelly::ui {

BookPanel::BookPanel(PositionsModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_filter(new QLineEdit(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_leftOut(new QLabel(this))
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
    useTraderSortArrows(header);
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSectionResizeMode(PositionsModel::Symbol, QHeaderView::Interactive);
    header->setSectionResizeMode(PositionsModel::AssetClassColumn, QHeaderView::Interactive);
    // Issue 17: at 1024 px equal stretched sections clipped the cap column's title and pushed
    // P&L off to the right. The title-sized columns are fitted; the figures share the rest.
    header->setSectionResizeMode(PositionsModel::CapUsedPct, QHeaderView::Interactive);
    header->setSectionResizeMode(PositionsModel::MaintenanceRate, QHeaderView::Interactive);
    header->setMinimumSectionSize(64);
    // Issue 21: three margin columns joined the Book. On a narrow window (1024 px) the class
    // (the filter still finds it) and the last price (market value / qty) give way; a right
    // click on the header shows or hides any column.
    m_table->setColumnHidden(PositionsModel::AssetClassColumn, true);
    m_table->setColumnHidden(PositionsModel::LastPrice, true);
    m_table->installEventFilter(this);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QHeaderView::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        for (int column = 0; column < PositionsModel::ColumnCount; ++column) {
            QAction* action = menu.addAction(
                m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
            action->setCheckable(true);
            action->setChecked(!m_table->isColumnHidden(column));
            action->setEnabled(column != PositionsModel::Symbol);
            connect(action, &QAction::toggled, this, [this, column](bool shown) {
                m_chosenColumns.insert(column);
                m_table->setColumnHidden(column, !shown);
            });
        }
        menu.exec(m_table->horizontalHeader()->mapToGlobal(at));
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, &BookPanel::scheduleFit);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &BookPanel::scheduleFit);
    connect(model, &QAbstractItemModel::modelReset, this, &BookPanel::scheduleFit);
    fitTextColumns();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
    m_leftOut->setObjectName(QStringLiteral("bookLeftOut"));
    m_leftOut->setWordWrap(true);
    m_leftOut->setStyleSheet(
        QStringLiteral("color: %1; font-weight: 600;").arg(palette::near().darker(115).name()));
    m_leftOut->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_leftOut->hide();
    layout->addWidget(m_leftOut);
}

void BookPanel::setLeftOut(const std::vector<store::StoreProblem>& problems)
{
    QStringList rows;
    for (const store::StoreProblem& problem : problems)
        rows << problem.describe();
    m_leftOut->setVisible(!rows.isEmpty());
    if (rows.isEmpty())
        return;
    m_leftOut->setText(tr("Left out of these figures, unreadable in the store (fix or delete "
                          "the row): %1")
                           .arg(rows.join(QStringLiteral("; "))));
}

bool BookPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table && event->type() == QEvent::Resize)
        fitOptionalColumns();
    return QWidget::eventFilter(watched, event);
}

void BookPanel::fitOptionalColumns()
{
    // The class and last price show when every column's title fits beside them; a column
    // the trader showed or hid from the header menu stays as chosen.
    const QHeaderView* header = m_table->horizontalHeader();
    int neededPx = 0;
    for (int column = 0; column < PositionsModel::ColumnCount; ++column) {
        const bool fitted = column == PositionsModel::Symbol ||
                            column == PositionsModel::CapUsedPct ||
                            column == PositionsModel::MaintenanceRate;
        neededPx += std::max(fitted ? header->sectionSize(column) : header->sectionSizeHint(column),
                             header->minimumSectionSize());
    }
    // The view's own width: its viewport is laid out only after this resize is handled.
    const bool wide = m_table->width() - 2 * m_table->frameWidth() -
                          m_table->verticalScrollBar()->sizeHint().width() >=
                      neededPx;
    for (const int column : {PositionsModel::AssetClassColumn, PositionsModel::LastPrice})
        if (!m_chosenColumns.contains(column))
            m_table->setColumnHidden(column, !wide);
}

void BookPanel::scheduleFit()
{
    if (m_fitPending)
        return;
    m_fitPending = true;
    QMetaObject::invokeMethod(this, &BookPanel::fitTextColumns, Qt::QueuedConnection);
}

void BookPanel::fitTextColumns()
{
    m_fitPending = false;
    const QFontMetrics metrics = m_table->fontMetrics();
    // The delegate's text margin on either side, as QStyledItemDelegate draws it.
    const int paddingPx =
        2 * (m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 1) +
        metrics.averageCharWidth();
    QHeaderView* header = m_table->horizontalHeader();
    for (const int column : {PositionsModel::Symbol, PositionsModel::AssetClassColumn,
                             PositionsModel::CapUsedPct, PositionsModel::MaintenanceRate}) {
        int widthPx = header->sectionSizeHint(column);
        if (column == PositionsModel::CapUsedPct) { // a bar and its percentage, no text to fit
            header->resizeSection(column, std::max(widthPx, 100));
            continue;
        }
        for (int row = 0; row < m_model->rowCount(); ++row)
            widthPx = std::max(
                widthPx, metrics.horizontalAdvance(m_model->index(row, column).data().toString()) +
                             paddingPx);
        header->resizeSection(column, widthPx);
    }
    fitOptionalColumns();
}

} // namespace kelly::ui
