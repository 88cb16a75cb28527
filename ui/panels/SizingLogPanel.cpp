#include "SizingLogPanel.h"

#include "DecisionsModel.h"
#include "SortArrows.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kelly::ui {

// Symbol substring, method and fallback filters on the decisions.
class DecisionFilterProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setFilters(const QString& symbol, const QString& method, bool fallbacksOnly)
    {
        m_symbol = symbol.trimmed();
        m_method = method;
        m_fallbacksOnly = fallbacksOnly;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override
    {
        const QAbstractItemModel* source = sourceModel();
        const QModelIndex symbol = source->index(sourceRow, DecisionsModel::Symbol, sourceParent);
        if (!m_symbol.isEmpty() &&
            !symbol.data().toString().contains(m_symbol, Qt::CaseInsensitive))
            return false;
        if (!m_method.isEmpty() && symbol.data(DecisionsModel::MethodRole).toString() != m_method)
            return false;
        return !m_fallbacksOnly || symbol.data(DecisionsModel::IsFallbackRole).toBool();
    }

private:
    QString m_symbol;
    QString m_method;
    bool m_fallbacksOnly = false;
};

SizingLogPanel::SizingLogPanel(DecisionsModel* model, QWidget* parent)
    : QWidget(parent), m_symbolFilter(new QLineEdit(this)), m_methodFilter(new QComboBox(this)),
      m_fallbacksOnly(new QCheckBox(tr("Fallbacks only"), this)),
      m_proxy(new DecisionFilterProxy(this)), m_table(new QTableView(this))
{
    m_symbolFilter->setObjectName(QStringLiteral("decisionSymbolFilter"));
    m_symbolFilter->setPlaceholderText(tr("Symbol"));
    m_symbolFilter->setClearButtonEnabled(true);
    m_methodFilter->setObjectName(QStringLiteral("decisionMethodFilter"));
    m_methodFilter->addItem(tr("All methods"), QString());
    m_methodFilter->addItem(tr("Enhanced"), QStringLiteral("enhanced"));
    m_methodFilter->addItem(tr("Legacy"), QStringLiteral("legacy"));
    m_fallbacksOnly->setObjectName(QStringLiteral("decisionFallbacksOnly"));

    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(DecisionsModel::SortRole);
    const auto apply = [this] {
        m_proxy->setFilters(m_symbolFilter->text(), m_methodFilter->currentData().toString(),
                            m_fallbacksOnly->isChecked());
    };
    connect(m_symbolFilter, &QLineEdit::textChanged, this, apply);
    connect(m_methodFilter, &QComboBox::currentIndexChanged, this, apply);
    connect(m_fallbacksOnly, &QCheckBox::toggled, this, apply);

    m_table->setObjectName(QStringLiteral("decisionsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    useTraderSortArrows(m_table->horizontalHeader());
    m_table->sortByColumn(DecisionsModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    // Every column as wide as its contents and header, the last too: stretching it would
    // squeeze it below its header when the log is wider than the window (1024 px).
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Filter:"), this));
    filters->addWidget(m_symbolFilter);
    filters->addWidget(m_methodFilter);
    filters->addWidget(m_fallbacksOnly);
    filters->addStretch(1);
    auto* legend =
        new QLabel(tr("Rows in amber: enhanced sizing failed and fell back to legacy."), this);
    filters->addWidget(legend);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table);
}

} // namespace kelly::ui
