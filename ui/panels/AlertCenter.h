#pragma once

#include "sizing/Exposure.h"
#include "store/Store.h"

#include <QFrame>
#include <QObject>

class QLabel;
class QSystemTrayIcon;

namespace kelly::ui {

// The in-window banner: hidden while all is well, amber or red text otherwise.
class AlertBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit AlertBanner(QWidget* parent = nullptr);

    void showAlert(LimitState severity, const QString& text);
    void clearAlert();
    QString text() const;

private:
    QLabel* m_text;
};

// Watches the book's limit states and raises an alert once per crossing (issue 5): when
// leverage goes over the intraday limit, and when the close warning starts with leverage
// over the overnight limit (SPEC 6). A state that stays crossed raises nothing more; going
// back under re-arms it. The banner shows the current condition; the tray gets one message.
class AlertCenter final : public QObject
{
    Q_OBJECT
public:
    AlertCenter(AlertBanner* banner, QSystemTrayIcon* tray, QObject* parent = nullptr);

    void evaluate(const ExposureReport& report);
    // Issue 6: one alert per guard trip (keyed by its audit row), never on a repaint.
    void evaluateHalt(const std::optional<store::AuditEntry>& haltEntry);
    // Issue 16: one alert when the broker sync has failed kBrokerSyncMisses times in a row;
    // a success re-arms it.
    static constexpr int kBrokerSyncMisses = 3;
    void evaluateBrokerSync(int consecutiveMisses, const QString& lastError);
    int raisedCount() const { return m_raised; }

Q_SIGNALS:
    void alertRaised(const QString& title, const QString& text);

private:
    void raise(const QString& title, const QString& text);

    AlertBanner* m_banner;
    QSystemTrayIcon* m_tray;
    bool m_intradayOver = false;
    bool m_closeOver = false;
    qint64 m_lastGuardTripId = 0;
    bool m_brokerSyncAlerted = false;
    int m_raised = 0;
};

} // namespace kelly::ui
