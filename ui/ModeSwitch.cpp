#include "ModeSwitch.h"

#include "DeskSession.h"

#include <QAction>

namespace kelly::ui {

namespace {

QString modeTitle(SizingMode mode)
{
    switch (mode) {
    case SizingMode::Enhanced:
        return QObject::tr("Enhanced: Kelly 50% @ 4x");
    case SizingMode::Legacy:
        return QObject::tr("Legacy sizing (rolled back)");
    case SizingMode::Halt:
        return QObject::tr("Halted (reduce-only)");
    }
    return QString();
}

SizingMode other(SizingMode mode)
{
    return mode == SizingMode::Enhanced ? SizingMode::Legacy : SizingMode::Enhanced;
}

} // namespace

ModeSwitch::ModeSwitch(DeskSession& session, QObject* parent)
    : QObject(parent), m_session(session), m_toggle(new QAction(this)), m_undo(new QAction(this))
{
    m_toggle->setObjectName(QStringLiteral("modeSwitchAction"));
    m_toggle->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+M")));
    m_toggle->setCheckable(true);
    connect(m_toggle, &QAction::triggered, this, &ModeSwitch::flip);

    m_undo->setObjectName(QStringLiteral("modeUndoAction"));
    m_undo->setText(tr("Undo switch"));
    m_undo->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+Z")));
    m_undo->setEnabled(false);
    connect(m_undo, &QAction::triggered, this, &ModeSwitch::undo);

    m_undoTimer.setSingleShot(true);
    connect(&m_undoTimer, &QTimer::timeout, this, [this] {
        m_undoTo.reset();
        m_undo->setEnabled(false);
        m_undo->setText(tr("Undo switch"));
    });
    applyLabels();
}

void ModeSwitch::setState(SizingMode mode, bool lockedByEnv, const QString& lockingVariable)
{
    m_mode = mode;
    m_locked = lockedByEnv;
    m_lockingVariable = lockingVariable;
    if (m_locked || mode == SizingMode::Halt) {
        m_undoTimer.stop();
        m_undoTo.reset();
        m_undo->setEnabled(false);
    }
    applyLabels();
}

void ModeSwitch::applyLabels()
{
    m_toggle->setText(modeTitle(m_mode));
    // Checked = legacy: the toolbar button stays pressed while the rollback is in force.
    m_toggle->setChecked(m_mode == SizingMode::Legacy);
    // Issue 6: while halted only Resume leaves the halt; a flip here would lift it silently.
    const bool halted = m_mode == SizingMode::Halt;
    m_toggle->setEnabled(!m_locked && !halted);
    m_toggle->setToolTip(
        halted     ? tr("Halted: new risk is refused. Resume first (the button beside this one), "
                            "then switch enhanced/legacy")
        : m_locked ? tr("Sizing mode is locked by the environment variable %1; unset it to switch "
                        "from here")
                         .arg(m_lockingVariable)
                   : tr("Click to switch the bot to %1 sizing from its next call (%2)")
                         .arg(QString::fromLatin1(sizingModeName(other(m_mode))),
                              m_toggle->shortcut().toString(QKeySequence::NativeText)));
}

void ModeSwitch::flip()
{
    const SizingMode from = m_mode;
    const SizingMode to = other(from);
    QString error;
    if (!m_session.setMode(to, &error)) {
        applyLabels();
        Q_EMIT failed(tr("Could not switch sizing mode: %1").arg(error));
        return;
    }
    m_mode = to;
    m_undoTo = from;
    m_undo->setEnabled(true);
    m_undo->setText(tr("Undo: back to %1").arg(QString::fromLatin1(sizingModeName(from))));
    m_undoTimer.start(kUndoWindow);
    applyLabels();
    Q_EMIT switched(tr("Sizing switched to %1; the bot's next call uses it")
                        .arg(QString::fromLatin1(sizingModeName(to))));
}

void ModeSwitch::undo()
{
    if (!m_undoTo)
        return;
    const SizingMode to = *m_undoTo;
    m_undoTo.reset();
    m_undoTimer.stop();
    m_undo->setEnabled(false);
    m_undo->setText(tr("Undo switch"));
    QString error;
    if (!m_session.setMode(to, &error)) {
        Q_EMIT failed(tr("Could not undo the switch: %1").arg(error));
        return;
    }
    m_mode = to;
    applyLabels();
    Q_EMIT switched(
        tr("Switch undone: sizing is %1 again").arg(QString::fromLatin1(sizingModeName(to))));
}

} // namespace kelly::ui
