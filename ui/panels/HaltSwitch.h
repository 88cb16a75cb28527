#pragma once

#include "DeskState.h"
#include "DeskWriter.h"

#include <QFrame>
#include <QObject>

class QAction;
class QLabel;

class QToolButton;

namespace kelly::ui {

class DeskSession;

// Issue 6: the kill switch. One click halts (reduce-only: the bot's adds size at 0, its
// closes still size), audited with origin `dashboard`; while halted the same action reads
// "Resume" and goes back to the mode in force before the halt. It works when the
// environment locks the mode: safety wins over configuration.
// Issue 12 item 8: Resume is written on the session's worker. Until it lands the action
// reads "Resuming..." (the store is still halted) and stays enabled: a click then halts
// again, after the resume, since the worker writes in the order asked. The emergency
// control is never disabled.
class HaltSwitch final : public QObject
{
    Q_OBJECT
public:
    // The toolbar button of action(): bold, solid red, as wide as its widest text.
    static void styleButton(QToolButton* button);
    explicit HaltSwitch(DeskSession& session, QObject* parent = nullptr);

    QAction* action() const { return m_action; }
    bool halted() const { return m_halted; }
    bool resuming() const { return m_resuming; }
    // Every text the action shows, so its button can be as wide as the widest.
    static QStringList actionTexts();

    // Called on every refresh with what the store says now.
    void setHalted(bool halted);

Q_SIGNALS:
    void switched(const QString& message);
    void failed(const QString& message);

private:
    void trigger();
    void applyLabels();
    void requestHalt();
    void onWriteFinished(const DeskWriteOutcome& outcome);

    DeskSession& m_session;
    QAction* m_action;
    bool m_halted = false;
    bool m_resuming = false; // a resume asked for that has not landed yet
};

// The red strip under the header while halted: who halted, when, and for the guard the
// figures that tripped it. Hidden otherwise; it cannot be dismissed while the halt lasts.
class HaltBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit HaltBanner(QWidget* parent = nullptr);

    void setState(const DeskState& state);
    QString text() const;

private:
    QLabel* m_text;
};

// What the banner and the alert say about a halt row of the audit.
QString haltDescription(const store::AuditEntry& entry);

} // namespace kelly::ui
