#include "ModeSwitch.h"

#include "DeskSession.h"
#include "Format.h"

#include <QAction>
#include <QToolButton>
#include <algorithm>

namespace kelly::ui {

namespace {

const char* const kModeVariable = "USE_ENHANCED_KELLY_SIZING";

SizingMode other(SizingMode mode)
{
    return mode == SizingMode::Enhanced ? SizingMode::Legacy : SizingMode::Enhanced;
}

QString modeName(SizingMode mode)
{
    return QString::fromLatin1(sizingModeName(mode));
}

} // namespace

QString ModeSwitch::modeTitle(SizingMode mode, double intradayLimit)
{
    switch (mode) {
    case SizingMode::Enhanced:
        // Issue 17: the real limit, not a hard-coded 4x (a cash account runs at 1x).
        return tr("Enhanced: Kelly 50% @ %1x").arg(QString::number(intradayLimit, 'g', 3));
    case SizingMode::Legacy:
        return tr("Legacy sizing (rolled back)");
    case SizingMode::Halt:
        return tr("Halted (reduce-only)");
    }
    return QString();
}

QString ModeSwitch::pendingTitle(SizingMode to)
{
    return tr("Switching to %1\u2026").arg(modeName(to));
}

ModeSwitch::ModeSwitch(DeskSession& session, QObject* parent)
    : QObject(parent), m_session(session), m_toggle(new QAction(this)), m_undo(new QAction(this))
{
    m_toggle->setObjectName(QStringLiteral("modeSwitchAction"));
    m_toggle->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+M")));
    m_toggle->setCheckable(true);
    connect(m_toggle, &QAction::triggered, this, &ModeSwitch::flip);

    m_undo->setObjectName(QStringLiteral("modeUndoAction"));
    m_undo->setText(tr("Undo"));
    m_undo->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+Z")));
    m_undo->setEnabled(false);
    connect(m_undo, &QAction::triggered, this, &ModeSwitch::undo);

    m_undoTimer.setSingleShot(true);
    connect(&m_undoTimer, &QTimer::timeout, this, [this] {
        m_undoTo.reset();
        m_undo->setEnabled(false);
        m_undo->setToolTip(QString());
    });
    connect(&m_session, &DeskSession::writeFinished, this, &ModeSwitch::onWriteFinished);
    connect(&m_session, &DeskSession::writeWaiting, this, &ModeSwitch::onWriteWaiting);
    applyLabels();
}

void ModeSwitch::setState(View view)
{
    m_view = std::move(view);
    if (m_view.storedMode == SizingMode::Halt) {
        m_undoTimer.stop();
        m_undoTo.reset();
        m_undo->setEnabled(false);
        m_undo->setToolTip(QString());
    }
    applyLabels();
}

QStringList ModeSwitch::ignoringWarnings() const
{
    QStringList warnings;
    for (const BotMode& bot : m_view.bots)
        if (bot.lockedByEnv)
            warnings << tr("bot %1 ignores the switch (%2 set): it sized %3 at %4")
                            .arg(bot.bot, QString::fromLatin1(kModeVariable), modeName(bot.method),
                                 format::timeOfDay(bot.decidedAt));
    return warnings;
}

QString ModeSwitch::noteText() const
{
    // At most kNoteLines short lines (the toolbar's height never changes); the switch's
    // tooltip has the details. Issue 26: a bot that ignores the switch is said on top of
    // the rest, never instead of it.
    QStringList lines;
    QStringList ignoring;
    for (const BotMode& bot : m_view.bots)
        if (bot.lockedByEnv)
            ignoring << bot.bot;
    if (ignoring.size() == 1)
        lines << QStringLiteral("\u26a0 ") +
                     tr("bot %1 ignores the switch (%2 set)")
                         .arg(ignoring.front(), QString::fromLatin1(kModeVariable));
    else if (!ignoring.empty())
        lines << QStringLiteral("\u26a0 ") + tr("bots %1 ignore the switch (%2 set)")
                                                 .arg(ignoring.join(QStringLiteral(", ")),
                                                      QString::fromLatin1(kModeVariable));
    if (m_view.bots.empty()) {
        lines << tr("No bot decision recorded yet");
    } else {
        QStringList done;
        for (const BotMode& bot : m_view.bots)
            done << tr("%1 %2").arg(bot.bot, modeName(bot.method));
        lines << tr("Bots' last calls: %1").arg(done.join(QStringLiteral(", ")));
    }
    if (!m_view.windowLock.isEmpty())
        lines << tr("This window: %1 (its what-if only)").arg(m_view.windowLock);
    return lines.join(QLatin1Char('\n'));
}

void ModeSwitch::applyLabels()
{
    const SizingMode mode = m_view.storedMode;
    // Checked = legacy: the toolbar button stays pressed while the rollback is in force.
    m_toggle->setChecked(mode == SizingMode::Legacy);
    m_undo->setEnabled(m_undoTo && !m_pending);
    if (m_pending) {
        m_toggle->setText(pendingTitle(m_pending->to));
        m_toggle->setEnabled(false);
        m_toggle->setToolTip(tr("Writing %1 to the store; the store still holds %2 until it lands")
                                 .arg(modeName(m_pending->to), modeName(mode)));
        return;
    }
    m_toggle->setText(modeTitle(mode, m_view.intradayLimit));
    // Issue 6: while halted only Resume leaves the halt; a flip here would lift it silently.
    const bool halted = mode == SizingMode::Halt;
    m_toggle->setEnabled(!halted);
    QString tip = halted ? tr("Halted: new risk is refused. Resume first (the button beside this "
                              "one), then switch enhanced/legacy")
                         : tr("The store's sizing mode. Click to switch bots to %1 sizing from "
                              "their next call (%2)")
                               .arg(modeName(other(mode)),
                                    m_toggle->shortcut().toString(QKeySequence::NativeText));
    if (!m_view.windowLock.isEmpty())
        tip += tr("\nThis window's environment sets %1: only its what-if follows that, the "
                  "store and the bots do not.")
                   .arg(m_view.windowLock);
    for (const QString& warning : ignoringWarnings())
        tip += QLatin1Char('\n') + warning;
    m_toggle->setToolTip(tip);
}

void ModeSwitch::flip()
{
    if (m_pending) {
        applyLabels(); // the click toggled the checked state: back to what the store holds
        return;
    }
    const SizingMode from = m_view.storedMode;
    m_pending = Pending{other(from), from, false};
    applyLabels();
    m_session.setMode(m_pending->to); // before start() the outcome arrives before this returns
}

void ModeSwitch::undo()
{
    if (!m_undoTo || m_pending)
        return;
    const SizingMode to = *m_undoTo;
    m_undoTo.reset();
    m_undoTimer.stop();
    m_undo->setToolTip(QString());
    m_pending = Pending{to, m_view.storedMode, true};
    applyLabels();
    m_session.setMode(to, QStringLiteral("undo"));
}

void ModeSwitch::onWriteWaiting(DeskWrite kind)
{
    if (kind != DeskWrite::Mode || !m_pending)
        return;
    Q_EMIT switched(tr("Store busy: the switch to %1 is waiting for the bot's write lock and "
                       "keeps trying")
                        .arg(modeName(m_pending->to)));
}

void ModeSwitch::onWriteFinished(const DeskWriteOutcome& outcome)
{
    if (outcome.kind != DeskWrite::Mode || !m_pending)
        return;
    const Pending pending = *std::exchange(m_pending, std::nullopt);
    if (!outcome.written) {
        applyLabels();
        Q_EMIT failed((pending.undo ? tr("Could not undo the switch: %1")
                                    : tr("Could not switch sizing mode: %1"))
                          .arg(outcome.error));
        return;
    }
    m_view.storedMode = outcome.storedMode;
    if (pending.undo) {
        applyLabels();
        Q_EMIT switched(
            tr("Switch undone: the store's sizing mode is %1 again").arg(modeName(pending.to)));
        return;
    }
    m_undoTo = pending.from;
    // Issue 17: the text stays "Undo" (a longer one moved the buttons after it); the
    // tooltip says where it goes.
    m_undo->setToolTip(
        tr("Undo the switch: back to %1 (%2, for %3 s)")
            .arg(modeName(pending.from), m_undo->shortcut().toString(QKeySequence::NativeText))
            .arg(kUndoWindow.count()));
    m_undoTimer.start(kUndoWindow);
    applyLabels();
    QString message = tr("Sizing switched to %1 in the store; bots without %2 use it from their "
                         "next call")
                          .arg(modeName(pending.to), QString::fromLatin1(kModeVariable));
    const QStringList warnings = ignoringWarnings();
    if (!warnings.isEmpty())
        message += QStringLiteral(". ") + warnings.join(QStringLiteral("; "));
    Q_EMIT switched(message);
}

void ModeSwitch::styleButton(QToolButton* button)
{
    button->setObjectName(QStringLiteral("modeSwitchButton"));
    QFont bold = button->font();
    bold.setBold(true);
    button->setFont(bold);
    // Calm blue while enhanced; amber while rolled back to legacy, so the state is
    // visible from across the room.
    button->setStyleSheet(QStringLiteral(
        "QToolButton#modeSwitchButton { border: 1px solid #3f6ea8; border-radius: 4px;"
        " padding: 3px 12px; background: #e6eef7; color: #1f3b5a; }"
        "QToolButton#modeSwitchButton:checked { border-color: #b36b00; background: #fdebd0;"
        " color: #7a4500; }"
        "QToolButton#modeSwitchButton:disabled { border-color: #9aa0a6; background: #eeeeee;"
        " color: #6b7280; }"));
    // Issue 17: a fixed width, so a flip never moves what follows.
    int widest = 0;
    for (const SizingMode mode : {SizingMode::Enhanced, SizingMode::Legacy, SizingMode::Halt})
        widest = std::max(
            {widest, button->fontMetrics().horizontalAdvance(ModeSwitch::modeTitle(mode, 10.0)),
             button->fontMetrics().horizontalAdvance(ModeSwitch::pendingTitle(mode))});
    button->setFixedWidth(widest + 32);
}

} // namespace kelly::ui
