#pragma once

#include "store/Store.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kelly::ui {

// The dashboard's writes other than Halt (issue 12 item 8: none may hold the GUI thread
// while a bot keeps the store's write lock).
enum class DeskWrite
{
    Mode,             // the enhanced/legacy switch and its undo
    Resume,           // leaving a halt
    Settings,         // the Settings dialog's save
    CorrelationBuild, // a rebuilt correlation build
};

struct DeskWriteOutcome
{
    DeskWrite kind = DeskWrite::Mode;
    bool written = false; // landed (Resume: also when the store was no longer halted)
    QString error;        // why not: a refusal names the field (SPEC 7)
    SizingMode storedMode = SizingMode::Enhanced;    // Mode, Resume: the store's mode now
    std::vector<store::SettingKey> savedSettings;    // Settings: those that landed, in order
    std::optional<store::SettingKey> refusedSetting; // Settings: the one the store refused
};

using SettingChanges = std::vector<std::pair<store::SettingKey, QString>>;

// Runs one write until it lands or fails for another reason than a busy store. On the
// worker it keeps trying while another connection holds the write lock past the busy
// timeout (`onWaiting` once, as the emergency halt does); on the GUI thread before the
// session starts it tries once, as before issue 12.
class WriteAttempts
{
public:
    WriteAttempts(store::Store& store, bool retryWhileBusy, std::function<void()> onWaiting = {},
                  const std::atomic<bool>* abandoned = nullptr);

    bool run(const std::function<bool(QString*)>& attempt, QString* error);
    store::Store& store() { return m_store; }

private:
    store::Store& m_store;
    bool m_retryWhileBusy;
    std::function<void()> m_onWaiting;
    const std::atomic<bool>* m_abandoned;
    bool m_saidWaiting = false;
};

// Each write, audited with origin `dashboard`, on whichever connection `attempts` holds.
// Issue 6: a switch between enhanced and legacy is refused while the store is halted (it
// would lift the halt silently); only Resume leaves a halt.
DeskWriteOutcome writeMode(WriteAttempts& attempts, SizingMode mode, UtcTime now,
                           const std::optional<QString>& detail);
DeskWriteOutcome writeResume(WriteAttempts& attempts, UtcTime now);
// In an order that keeps SPEC 7's rules at every step (a cash account lowers the overnight
// limit before the intraday one): each pass writes what the store accepts now, until all
// landed or a pass writes nothing (the first refusal is reported in full).
DeskWriteOutcome writeSettings(WriteAttempts& attempts, SettingChanges changes, UtcTime now);
DeskWriteOutcome writeCorrelationBuild(WriteAttempts& attempts, const CorrelationBuild& build,
                                       UtcTime now);

// Carries out the writes on the session's worker thread, the thread the emergency halt uses
// too, so every dashboard write lands in the order the trader asked for it (a switch asked
// before a halt never lands after it). Its connection to the store file is its own, opened
// on first use on that thread and closed when the writer is deleted there.
class DeskWriter final : public QObject
{
    Q_OBJECT
public:
    using Write = std::function<DeskWriteOutcome(WriteAttempts&)>;

    explicit DeskWriter(QString storePath);
    ~DeskWriter() override;

    void write(DeskWrite kind, const Write& write);
    // Thread-safe: a write still waiting for the lock gives up (the window is closing).
    void abandon() { m_abandoned = true; }

Q_SIGNALS:
    void waiting(kelly::ui::DeskWrite kind);
    void finished(const kelly::ui::DeskWriteOutcome& outcome);

private:
    QString m_storePath;
    std::unique_ptr<store::Store> m_store;
    std::atomic<bool> m_abandoned = false;
};

} // namespace kelly::ui
