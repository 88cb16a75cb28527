#include "AlertCenter.h"

#include "Format.h"
#include "HaltSwitch.h"
#include "Palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSystemTrayIcon>
#include <QToolButton>

namespace kelly::ui {

AlertBanner::AlertBanner(QWidget* parent) : QFrame(parent), m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("alertBanner"));
    m_text->setWordWrap(true);
    QFont font = m_text->font();
    font.setWeight(QFont::DemiBold);
    m_text->setFont(font);
    auto* dismiss = new QToolButton(this);
    dismiss->setText(tr("Dismiss"));
    dismiss->setAutoRaise(true);
    connect(dismiss, &QToolButton::clicked, this, &QWidget::hide);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 6, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(dismiss);
    hide();
}

void AlertBanner::showAlert(LimitState severity, const QString& text)
{
    const QColor colour = palette::forState(severity);
    QColor background = colour;
    background.setAlpha(40);
    setStyleSheet(QStringLiteral("#alertBanner { background: rgba(%1,%2,%3,%4); border: 1px solid "
                                 "%5; border-radius: 4px; } QLabel { color: %5; }")
                      .arg(background.red())
                      .arg(background.green())
                      .arg(background.blue())
                      .arg(background.alpha())
                      .arg(colour.darker(115).name()));
    if (m_text->text() != text)
        show();
    m_text->setText(text);
}

void AlertBanner::clearAlert()
{
    m_text->clear();
    hide();
}

QString AlertBanner::text() const
{
    return m_text->text();
}

AlertCenter::AlertCenter(AlertBanner* banner, QSystemTrayIcon* tray, QObject* parent)
    : QObject(parent), m_banner(banner), m_tray(tray)
{}

void AlertCenter::evaluate(const ExposureReport& report)
{
    const bool intradayOver = report.intradayState == LimitState::Over;
    const bool closeOver = report.closeWarning && report.overnightState == LimitState::Over;
    const QString leverage = format::leverage(report.leverage);

    if (intradayOver && !m_intradayOver)
        raise(report.leverage ? tr("Over the intraday limit") : tr("No equity"),
              report.leverage ? tr("Gross leverage %1 is over the intraday limit %2")
                                    .arg(leverage, format::leverage(report.intradayLimit))
                              : tr("No equity: nothing can be sized"));
    if (closeOver && !m_closeOver)
        raise(tr("Reduce before the close"),
              tr("Cut %1 of gross before %2 to meet the overnight limit %3")
                  .arg(format::usd(report.reduceByUsd), format::newYorkTime(report.nextClose),
                       format::leverage(report.overnightLimit)));
    m_intradayOver = intradayOver;
    m_closeOver = closeOver;

    // The banner follows the condition on every refresh (its figures move with the book).
    if (!report.leverage) {
        // Issue 17: leverage is undefined without equity; "leverage - is over" said nothing.
        m_banner->showAlert(LimitState::Over,
                            tr("No equity: nothing can be sized. Check the account's equity "
                               "(kellyctl account set)."));
    } else if (intradayOver) {
        m_banner->showAlert(LimitState::Over,
                            tr("Leverage %1 is over the intraday limit %2: new risk is blocked "
                               "by the sizer; reduce exposure.")
                                .arg(leverage, format::leverage(report.intradayLimit)));
    } else if (report.closeWarning) {
        m_banner->showAlert(closeOver ? LimitState::Over : LimitState::Near,
                            tr("US close in %1: reduce gross by %2 to get to the overnight limit "
                               "%3 (leverage now %4).")
                                .arg(format::duration(report.timeToClose),
                                     format::usd(report.reduceByUsd),
                                     format::leverage(report.overnightLimit), leverage));
    } else if (report.intradayState == LimitState::Near) {
        m_banner->showAlert(LimitState::Near,
                            tr("Leverage %1 is near the intraday limit %2.")
                                .arg(leverage, format::leverage(report.intradayLimit)));
    } else {
        m_banner->clearAlert();
    }
}

void AlertCenter::evaluateHalt(const std::optional<store::AuditEntry>& haltEntry)
{
    if (!haltEntry || haltEntry->origin != settingOriginName(store::SettingOrigin::Guard) ||
        haltEntry->id == m_lastGuardTripId)
        return;
    m_lastGuardTripId = haltEntry->id;
    raise(tr("Drawdown guard tripped"), tr("Sizing %1").arg(haltDescription(*haltEntry)));
}

void AlertCenter::evaluateBrokerSync(int consecutiveMisses, const QString& lastError)
{
    if (consecutiveMisses < kBrokerSyncMisses) {
        m_brokerSyncAlerted = false;
        return;
    }
    if (m_brokerSyncAlerted)
        return;
    m_brokerSyncAlerted = true;
    raise(tr("Broker sync failing"),
          tr("The last %1 syncs from the broker failed; the book may be stale. Last error: %2")
              .arg(consecutiveMisses)
              .arg(lastError));
}

void AlertCenter::raise(const QString& title, const QString& text)
{
    ++m_raised;
    if (m_tray && QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, text, QSystemTrayIcon::Warning);
    Q_EMIT alertRaised(title, text);
}

} // namespace kelly::ui
