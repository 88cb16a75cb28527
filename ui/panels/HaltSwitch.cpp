#include "HaltSwitch.h"

#include "DeskSession.h"
#include "Format.h"
#include "Palette.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <algorithm>

namespace kelly::ui {

HaltSwitch::HaltSwitch(DeskSession& session, QObject* parent)
    : QObject(parent), m_session(session), m_action(new QAction(this))
{
    m_action->setObjectName(QStringLiteral("haltAction"));
    m_action->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+H")));
    connect(m_action, &QAction::triggered, this, &HaltSwitch::trigger);
    // Issue 12: the halt lands on the worker; a busy store makes it wait, never the window.
    connect(&m_session, &DeskSession::haltWaiting, this, [this] {
        Q_EMIT switched(tr("Store busy: the halt is waiting for the bot's write lock and keeps"
                           " trying"));
    });
    connect(&m_session, &DeskSession::haltFailed, this, [this](const QString& error) {
        setHalted(false);
        Q_EMIT failed(tr("Could not halt: %1").arg(error));
    });
    connect(&m_session, &DeskSession::writeFinished, this, &HaltSwitch::onWriteFinished);
    connect(&m_session, &DeskSession::writeWaiting, this, [this](DeskWrite kind) {
        if (kind == DeskWrite::Resume && m_resuming)
            Q_EMIT switched(tr("Store busy: the resume is waiting for the bot's write lock and "
                               "keeps trying; the store stays halted until it lands"));
    });
    applyLabels();
}

QStringList HaltSwitch::actionTexts()
{
    return {tr("Halt"), tr("Resume"), tr("Resuming\u2026")};
}

void HaltSwitch::setHalted(bool halted)
{
    m_halted = halted;
    applyLabels();
}

void HaltSwitch::applyLabels()
{
    const QString shortcut = m_action->shortcut().toString(QKeySequence::NativeText);
    if (m_resuming) {
        m_action->setText(tr("Resuming\u2026"));
        m_action->setToolTip(tr("Still halted: the resume is being written to the store. Click "
                                "to stay halted (%1)")
                                 .arg(shortcut));
        return;
    }
    m_action->setText(m_halted ? tr("Resume") : tr("Halt"));
    m_action->setToolTip(
        m_halted ? tr("Leave the halt: the bot sizes again in the mode in force before it (%1)")
                       .arg(shortcut)
                 : tr("Stop new risk now: the bot's adds size at 0, closing orders still size "
                      "(%1)")
                       .arg(shortcut));
}

void HaltSwitch::trigger()
{
    if (m_halted && !m_resuming) {
        m_resuming = true;
        applyLabels();
        m_session.resume(); // before start() the outcome arrives before this returns
        return;
    }
    requestHalt();
}

void HaltSwitch::requestHalt()
{
    QString error;
    if (!m_session.halt(&error)) {
        Q_EMIT failed(tr("Could not halt: %1").arg(error));
        return;
    }
    m_resuming = false; // a resume still waiting lands first, then this halt
    setHalted(true);
    Q_EMIT switched(tr("Halted: the bot's next call adds no risk; closing orders still size"));
}

void HaltSwitch::onWriteFinished(const DeskWriteOutcome& outcome)
{
    if (outcome.kind != DeskWrite::Resume || !m_resuming)
        return;
    m_resuming = false;
    if (!outcome.written) {
        applyLabels();
        Q_EMIT failed(tr("Could not resume: %1").arg(outcome.error));
        return;
    }
    setHalted(outcome.storedMode == SizingMode::Halt);
    // Issue 17: the store's mode, which the bots follow, not this window's lock.
    Q_EMIT switched(tr("Resumed: the store's sizing mode is %1 again")
                        .arg(QString::fromLatin1(sizingModeName(outcome.storedMode))));
}

QString haltDescription(const store::AuditEntry& entry)
{
    const QString when = format::newYorkTime(entry.changedAt);
    if (entry.origin == settingOriginName(store::SettingOrigin::Guard))
        return QObject::tr("halted by the drawdown guard at %1: %2")
            .arg(when, entry.detail.value_or(QString()));
    if (entry.origin == settingOriginName(store::SettingOrigin::Cli))
        return QObject::tr("halted with kellyctl at %1").arg(when);
    return QObject::tr("halted from the %1 at %2").arg(entry.origin, when);
}

HaltBanner::HaltBanner(QWidget* parent) : QFrame(parent), m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("haltBanner"));
    m_text->setObjectName(QStringLiteral("haltBannerText"));
    m_text->setWordWrap(true);
    QFont font = m_text->font();
    font.setWeight(QFont::Bold);
    m_text->setFont(font);
    const QColor red = palette::over();
    setStyleSheet(QStringLiteral("#haltBanner { background: %1; border-radius: 4px; }"
                                 " QLabel { color: white; }")
                      .arg(red.name()));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 7, 12, 7);
    layout->addWidget(m_text, 1);
    hide();
}

void HaltBanner::setState(const DeskState& state)
{
    if (!state.settings.halted()) {
        m_text->clear();
        hide();
        return;
    }
    const QString who =
        state.haltEntry ? haltDescription(*state.haltEntry) : tr("halted (no audit row found)");
    m_text->setText(tr("HALTED, reduce-only: new risk sizes at 0, closing orders still size. "
                       "Sizing %1. Resume from the toolbar or with 'kellyctl resume'.")
                        .arg(who));
    show();
}

QString HaltBanner::text() const
{
    return m_text->text();
}

void HaltSwitch::styleButton(QToolButton* button)
{
    button->setObjectName(QStringLiteral("haltButton"));
    QFont bold = button->font();
    bold.setBold(true);
    button->setFont(bold);
    // Issue 6: the one loud control. Solid red to halt; outlined red while halted, where
    // the same button resumes and the red banner carries the alarm.
    button->setStyleSheet(QStringLiteral(
        "QToolButton#haltButton { border: 1px solid #8e1c1c; border-radius: 4px;"
        " padding: 3px 16px; background: #c62828; color: white; }"
        "QToolButton#haltButton:hover { background: #a91f1f; }"
        "QToolButton#haltButton[halted=\"true\"] { background: white; color: #a91f1f; }"));
    int widestHalt = 0;
    for (const QString& text : HaltSwitch::actionTexts())
        widestHalt = std::max(widestHalt, button->fontMetrics().horizontalAdvance(text));
    button->setFixedWidth(widestHalt + 40);
}

} // namespace kelly::ui
