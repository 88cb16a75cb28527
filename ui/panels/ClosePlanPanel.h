#pragma once

// SPEC 17's "Before the close" panel: the live plan (recomputed at every reload from 60
// minutes before the close, or on demand), the countdown, the method, the figures after the
// plan, "Copy as CSV", and "Send to Alpaca..." behind a confirmation that lists every order.
// Planning and sending run on a worker (QtConcurrent) with their own store connection, the
// same ClosePlanService as `kellyctl close-plan`; the GUI thread never waits for either.

#include "ClosePlanService.h"
#include "Settings.h"

#include <QFutureWatcher>
#include <QHash>
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace kelly::ui {

class Clock;

struct ClosePlanOutcome
{
    std::shared_ptr<broker::ClosePlanView> view; // null on failure
    QString error;
};

struct CloseSendOutcome
{
    std::vector<broker::CloseSendResult> results;
    QString error;
};

class ClosePlanPanel final : public QWidget
{
    Q_OBJECT
public:
    ClosePlanPanel(QString storePath, store::Environment environment, const Clock& clock,
                   QHash<QString, QString> brokerVariables, QWidget* parent = nullptr);
    ~ClosePlanPanel() override;

    // Asks "send these orders?"; true sends. Tests replace the dialog.
    using Confirmer = std::function<bool(const QString& orders)>;
    void setConfirmer(Confirmer confirmer) { m_confirm = std::move(confirmer); }

    // The desk reloaded: replan when the close is 60 minutes away or less (SPEC 17).
    void storeChanged();
    // The clock moved: the countdown.
    void tick();
    void planNow();
    QString csv() const; // symbol,side,qty,value,qty_after,time_in_force

    static constexpr std::chrono::minutes kLiveBeforeClose{60};

private:
    void onPlanned();
    void onSent();
    void sendToAlpaca();
    void showPlan();
    QString tif() const;

    QString m_storePath;
    store::Environment m_environment;
    const Clock& m_clock;
    QHash<QString, QString> m_brokerVariables;
    Confirmer m_confirm;
    std::shared_ptr<broker::ClosePlanView> m_view;
    bool m_planAgain = false;
    QFutureWatcher<ClosePlanOutcome> m_planWatcher;
    QFutureWatcher<CloseSendOutcome> m_sendWatcher;

    QLabel* m_countdown;
    QComboBox* m_method;
    QPushButton* m_planButton;
    QLabel* m_status;
    QTableWidget* m_lines;
    QLabel* m_after;
    QComboBox* m_tif;
    QPushButton* m_copy;
    QPushButton* m_send;
    QLabel* m_sendResult;
};

} // namespace kelly::ui
