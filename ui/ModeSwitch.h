#pragma once

#include "sizing/Sizing.h"

#include <QObject>
#include <QTimer>
#include <optional>

class QAction;

namespace kelly::ui {

class DeskSession;

// The rollback switch (SPEC 7, issue 5): one click flips enhanced <-> legacy through the
// store with origin `dashboard`, so the bot's next `size` call already uses the new mode.
// An Undo stays available for a few seconds; when the environment locks the mode the
// switch is disabled and its tooltip names the variable.
class ModeSwitch final : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::seconds kUndoWindow{8};

    ModeSwitch(DeskSession& session, QObject* parent = nullptr);

    QAction* toggleAction() const { return m_toggle; }
    QAction* undoAction() const { return m_undo; }

    // Called on every refresh with what the store and the environment say now.
    void setState(SizingMode mode, bool lockedByEnv, const QString& lockingVariable);

Q_SIGNALS:
    void switched(const QString& message);
    void failed(const QString& message);

private:
    void flip();
    void undo();
    void applyLabels();

    DeskSession& m_session;
    QAction* m_toggle;
    QAction* m_undo;
    QTimer m_undoTimer;
    SizingMode m_mode = SizingMode::Enhanced;
    bool m_locked = false;
    QString m_lockingVariable;
    std::optional<SizingMode> m_undoTo;
};

} // namespace kelly::ui
