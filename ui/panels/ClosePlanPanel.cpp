#include "ClosePlanPanel.h"

#include "Clock.h"
#include "Format.h"
#include "sizing/Exposure.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace kelly::ui {

namespace {

// Both run on the worker with a connection of their own (a connection belongs to the
// thread that opened it).
ClosePlanOutcome planOnWorker(const QString& storePath, const store::Environment& environment,
                              std::optional<CloseMethod> method, UtcTime now)
{
    ClosePlanOutcome outcome;
    store::Store store;
    if (!store.open(storePath, &outcome.error, true)) // never a new store where it was
        return outcome;
    broker::ClosePlanService service(store, environment);
    auto view = std::make_shared<broker::ClosePlanView>();
    bool badInput = false;
    if (service.plan(method, now, view.get(), &badInput, &outcome.error))
        outcome.view = std::move(view);
    return outcome;
}

CloseSendOutcome sendOnWorker(const QString& storePath, const store::Environment& environment,
                              const QHash<QString, QString>& variables,
                              std::shared_ptr<const broker::ClosePlanView> view, const QString& tif,
                              UtcTime now)
{
    CloseSendOutcome outcome;
    const auto credentials = broker::alpacaCredentials(variables, &outcome.error);
    if (!credentials)
        return outcome;
    store::Store store;
    if (!store.open(storePath, &outcome.error, true)) // never a new store where it was
        return outcome;
    broker::ClosePlanService service(store, environment);
    service.send(*view, *credentials, tif, std::chrono::seconds(10), now, &outcome.results,
                 &outcome.error);
    return outcome;
}

enum Column
{
    SymbolColumn,
    SideColumn,
    QtyColumn,
    ValueColumn,
    LeftColumn,
    WeightColumn,
    ColumnCount
};

} // namespace

ClosePlanPanel::ClosePlanPanel(QString storePath, store::Environment environment,
                               const Clock& clock, QHash<QString, QString> brokerVariables,
                               QWidget* parent)
    : QWidget(parent), m_storePath(std::move(storePath)), m_environment(std::move(environment)),
      m_clock(clock), m_brokerVariables(std::move(brokerVariables))
{
    m_confirm = [this](const QString& orders) {
        return QMessageBox::question(this, tr("Send to Alpaca"),
                                     tr("Send these market orders to Alpaca?\n\n") + orders) ==
               QMessageBox::Yes;
    };
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_countdown = new QLabel(this);
    m_countdown->setObjectName(QStringLiteral("closeCountdown"));
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("closeMethod"));
    m_method->addItem(tr("Best available"), -1);
    m_method->addItem(tr("Proportional"), int(CloseMethod::Proportional));
    m_method->addItem(tr("Min-risk"), int(CloseMethod::MinRisk));
    m_method->addItem(tr("Fewest orders"), int(CloseMethod::FewestOrders));
    m_method->setToolTip(tr("Best available: min-risk with a fresh correlation build that "
                            "covers the book, else proportional"));
    m_planButton = new QPushButton(tr("Plan now"), this);
    m_planButton->setObjectName(QStringLiteral("planNow"));
    top->addWidget(m_countdown, 1);
    top->addWidget(new QLabel(tr("Method"), this));
    top->addWidget(m_method);
    top->addWidget(m_planButton);
    layout->addLayout(top);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("planStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_lines = new QTableWidget(0, ColumnCount, this);
    m_lines->setObjectName(QStringLiteral("closePlanLines"));
    m_lines->setHorizontalHeaderLabels(
        {tr("Symbol"), tr("Side"), tr("Qty"), tr("Value"), tr("Left"), tr("Weight after")});
    m_lines->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lines->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_lines->verticalHeader()->hide();
    layout->addWidget(m_lines, 1);
    m_after = new QLabel(this);
    m_after->setObjectName(QStringLiteral("closeAfter"));
    m_after->setWordWrap(true);
    layout->addWidget(m_after);

    auto* bottom = new QHBoxLayout;
    m_copy = new QPushButton(tr("Copy as CSV"), this);
    m_copy->setObjectName(QStringLiteral("copyCsv"));
    m_tif = new QComboBox(this);
    m_tif->setObjectName(QStringLiteral("closeTif"));
    m_tif->addItem(tr("Market on close (cls)"), QStringLiteral("cls"));
    m_tif->addItem(tr("Day (day)"), QStringLiteral("day"));
    m_tif->setToolTip(tr("Stocks only: crypto orders go gtc. Alpaca takes cls until 15:50 "
                         "New York"));
    m_send = new QPushButton(tr("Send to Alpaca..."), this);
    m_send->setObjectName(QStringLiteral("sendToAlpaca"));
    bottom->addWidget(m_copy);
    bottom->addStretch(1);
    bottom->addWidget(m_tif);
    bottom->addWidget(m_send);
    layout->addLayout(bottom);
    m_sendResult = new QLabel(this);
    m_sendResult->setObjectName(QStringLiteral("sendResult"));
    m_sendResult->setWordWrap(true);
    layout->addWidget(m_sendResult);

    connect(m_planButton, &QPushButton::clicked, this, &ClosePlanPanel::planNow);
    connect(m_method, &QComboBox::currentIndexChanged, this, &ClosePlanPanel::planNow);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(csv()); });
    connect(m_send, &QPushButton::clicked, this, &ClosePlanPanel::sendToAlpaca);
    connect(&m_planWatcher, &QFutureWatcher<ClosePlanOutcome>::finished, this,
            &ClosePlanPanel::onPlanned);
    connect(&m_sendWatcher, &QFutureWatcher<CloseSendOutcome>::finished, this,
            &ClosePlanPanel::onSent);
    showPlan();
    tick();
}

ClosePlanPanel::~ClosePlanPanel()
{
    m_planWatcher.waitForFinished(); // the workers hold copies, never `this`
    m_sendWatcher.waitForFinished();
}

void ClosePlanPanel::tick()
{
    const UtcTime now = m_clock.now();
    const auto left = newyork::nextClose(now) - now;
    m_countdown->setText(tr("Close in %1").arg(format::duration(left)));
}

void ClosePlanPanel::storeChanged()
{
    const UtcTime now = m_clock.now();
    if (newyork::nextClose(now) - now <= kLiveBeforeClose)
        planNow();
}

void ClosePlanPanel::planNow()
{
    if (m_planWatcher.isRunning()) {
        m_planAgain = true; // the answer in flight may predate this change
        return;
    }
    const int method = m_method->currentData().toInt();
    const std::optional<CloseMethod> chosen =
        method < 0 ? std::nullopt : std::optional(static_cast<CloseMethod>(method));
    m_planWatcher.setFuture(
        QtConcurrent::run(planOnWorker, m_storePath, m_environment, chosen, m_clock.now()));
}

void ClosePlanPanel::onPlanned()
{
    const ClosePlanOutcome outcome = m_planWatcher.result();
    if (outcome.view)
        m_view = outcome.view;
    else
        m_status->setText(tr("No plan: %1").arg(store::printable(outcome.error)));
    if (outcome.view)
        showPlan();
    if (std::exchange(m_planAgain, false))
        planNow();
}

QString ClosePlanPanel::tif() const
{
    return m_tif->currentData().toString();
}

void ClosePlanPanel::showPlan()
{
    m_lines->setRowCount(0);
    const bool planned = m_view != nullptr;
    m_copy->setEnabled(planned && m_view->plan.needed);
    m_send->setEnabled(planned && m_view->plan.needed && !m_sendWatcher.isRunning());
    if (!planned) {
        m_status->setText(tr("The plan shows from 60 minutes before the close, or on \"Plan "
                             "now\"."));
        m_after->clear();
        return;
    }
    const ClosePlan& plan = m_view->plan;
    QStringList status{tr("Plan %1, %2")
                           .arg(QString::fromStdString(plan.planId),
                                QString::fromLatin1(closeMethodName(plan.method)))};
    if (!plan.needed)
        status << tr("nothing to sell: the book meets the overnight target");
    if (!m_view->buildWarning.isEmpty())
        status << m_view->buildWarning;
    if (!m_view->pendingSoldQty.empty())
        status << tr("%n symbol(s) already sent today", nullptr,
                     static_cast<int>(m_view->pendingSoldQty.size()));
    m_status->setText(status.join(QStringLiteral("; ")));
    for (const ClosePlanLine& line : plan.lines) {
        const int row = m_lines->rowCount();
        m_lines->insertRow(row);
        const QStringList cells{QString::fromStdString(line.symbol),
                                QString::fromLatin1(closeSideName(line.side)),
                                format::qty(line.sellQty, line.assetClass),
                                format::usd(line.sellUsd),
                                format::qty(line.qtyAfter, line.assetClass),
                                format::pct(100.0 * line.weightAfter)};
        for (int column = 0; column < ColumnCount; ++column)
            m_lines->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    const ClosePlanAfter& a = plan.after;
    m_after->setText(
        tr("After: gross %1, leverage %2, maintenance %3, excess %4, margin call at a %5 fall, "
           "VaR 95% %6, financing tonight %7, est. cost %8")
            .arg(format::usd(a.grossUsd), format::leverage(a.leverage),
                 format::usd(a.maintenanceUsd), format::usd(a.excessUsd),
                 format::pct(a.marginCallFallPct, 2), format::usd(a.var95Usd),
                 format::usd(a.financingTonightUsd, 2), format::usd(plan.estCostUsd, 2)));
}

QString ClosePlanPanel::csv() const
{
    QString text = QStringLiteral("symbol,side,qty,value,qty_after,time_in_force\n");
    if (!m_view)
        return text;
    for (const ClosePlanLine& line : m_view->plan.lines)
        text +=
            QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                .arg(QString::fromStdString(line.symbol),
                     QString::fromLatin1(closeSideName(line.side)),
                     QString::number(line.sellQty, 'f',
                                     line.assetClass == AssetClass::Crypto ? 3 : 0),
                     QString::number(line.sellUsd, 'f', 2), QString::number(line.qtyAfter, 'f', 3),
                     broker::ClosePlanService::timeInForce(line.assetClass, tif()));
    return text;
}

void ClosePlanPanel::sendToAlpaca()
{
    if (!m_view || !m_view->plan.needed || m_sendWatcher.isRunning())
        return;
    const UtcTime now = m_clock.now();
    if (tif() == QLatin1String("cls") && broker::ClosePlanService::pastClsCutoff(now)) {
        m_sendResult->setText(tr("Market-on-close orders are refused after 15:50 New York: "
                                 "choose Day (nothing was sent)."));
        return;
    }
    QStringList orders;
    for (const ClosePlanLine& line : m_view->plan.lines)
        orders << tr("%1 %2 %3, market, %4")
                      .arg(QString::fromLatin1(closeSideName(line.side)),
                           format::qty(line.sellQty, line.assetClass),
                           QString::fromStdString(line.symbol),
                           broker::ClosePlanService::timeInForce(line.assetClass, tif()));
    if (!m_confirm(orders.join(QLatin1Char('\n'))))
        return;
    m_send->setEnabled(false);
    m_sendResult->setText(tr("Sending %n order(s)...", nullptr, static_cast<int>(orders.size())));
    m_sendWatcher.setFuture(
        QtConcurrent::run(sendOnWorker, m_storePath, m_environment, m_brokerVariables,
                          std::shared_ptr<const broker::ClosePlanView>(m_view), tif(), now));
}

void ClosePlanPanel::onSent()
{
    const CloseSendOutcome outcome = m_sendWatcher.result();
    QStringList accepted, notAccepted;
    for (const broker::CloseSendResult& r : outcome.results)
        (r.ok() ? accepted : notAccepted)
            << QStringLiteral("%1 %2 %3: %4")
                   .arg(r.order.side, QString::number(r.order.qty), r.order.symbol, r.order.status);
    QStringList text;
    if (!accepted.isEmpty())
        text << tr("Sent: %1").arg(accepted.join(QStringLiteral("; ")));
    if (!notAccepted.isEmpty())
        text << tr("NOT sent: %1").arg(notAccepted.join(QStringLiteral("; ")));
    if (!outcome.error.isEmpty())
        text << tr("Failed: %1").arg(store::printable(outcome.error));
    if (text.isEmpty())
        text << tr("Nothing to send.");
    m_sendResult->setText(text.join(QLatin1Char('\n')));
    planNow(); // what was accepted now counts as sold
}

} // namespace kelly::ui
