#pragma once

#include "BotModes.h"
#include "DeskWriter.h"
#include "sizing/Sizing.h"

#include <QObject>
#include <QTimer>
#include <optional>

class QAction;

class QToolButton;

namespace kelly::ui {

class DeskSession;

// The rollback switch (SPEC 7, issue 5): one click flips enhanced <-> legacy through the
// store with origin `dashboard`, so the bot's next `size` call already uses the new mode.
// An Undo stays available for a few seconds.
// Issue 17: the switch shows and changes the STORE's mode, which every bot without
// USE_ENHANCED_KELLY_SIZING in its environment follows, even when this window's own
// environment locks the mode (that lock only decides this window's what-if; it is shown
// separately). A bot whose environment locks its mode ignores the switch: its recorded
// decisions say so and the switch warns by name.
// Issue 12 item 8: the store is written on the session's worker; until the write lands the
// switch reads "Switching to <mode>" and is disabled, and it never shows a mode the store does
// not hold. A refusal (the store was halted meanwhile) comes back as `failed`.
class ModeSwitch final : public QObject
{
    Q_OBJECT
public:
    // The toolbar button of toggleAction(): blue or amber, as wide as its widest title.
    static void styleButton(QToolButton* button);
    static constexpr std::chrono::seconds kUndoWindow{8};

    ModeSwitch(DeskSession& session, QObject* parent = nullptr);

    QAction* toggleAction() const { return m_toggle; }
    QAction* undoAction() const { return m_undo; }

    struct View
    {
        SizingMode storedMode = SizingMode::Enhanced; // what the switch changes
        double intradayLimit = 4.0;                   // L, for the title (SPEC 2)
        QString windowLock;        // "USE_ENHANCED_KELLY_SIZING=false" when set here
        std::vector<BotMode> bots; // newest decision of each bot
    };
    // Called on every refresh with what the store, the environment and the decisions say.
    void setState(View view);

    static QString modeTitle(SizingMode mode, double intradayLimit);
    static QString pendingTitle(SizingMode to); // while the store is being written
    // Up to kNoteLines lines beside the switch: a bot ignoring it, what the bots did, this
    // window's lock.
    static constexpr int kNoteLines = 3;
    QString noteText() const;
    // "bot cli@host ignores the switch (USE_ENHANCED_KELLY_SIZING set)", one per bot.
    QStringList ignoringWarnings() const;
    bool switching() const { return m_pending.has_value(); }

Q_SIGNALS:
    void switched(const QString& message);
    void failed(const QString& message);

private:
    void flip();
    void undo();
    void applyLabels();
    void onWriteFinished(const DeskWriteOutcome& outcome);
    void onWriteWaiting(DeskWrite kind);

    DeskSession& m_session;
    QAction* m_toggle;
    QAction* m_undo;
    QTimer m_undoTimer;
    View m_view;
    std::optional<SizingMode> m_undoTo;
    struct Pending
    {
        SizingMode to;
        SizingMode from;
        bool undo;
    };
    std::optional<Pending> m_pending; // a write asked for that has not landed yet
};

} // namespace kelly::ui
