#include "DeskWriter.h"

namespace kelly::ui {

namespace {

QString modeText(SizingMode mode)
{
    return QString::fromLatin1(sizingModeName(mode));
}

// A raised halt marker (issue 24: a halt whose stored write waits for the lock) is halt.
bool readStoredMode(store::Store& store, SizingMode* mode, QString* error)
{
    bool haltMarker = false;
    if (!store.haltMarkerRaised(&haltMarker, error))
        return false;
    if (haltMarker) {
        *mode = SizingMode::Halt;
        return true;
    }
    QString value;
    if (!store.readSetting(store::SettingKey::Mode, &value, error))
        return false;
    *mode = parseSizingMode(value.toStdString()).value_or(SizingMode::Enhanced);
    return true;
}

} // namespace

WriteAttempts::WriteAttempts(store::Store& store, bool retryWhileBusy,
                             std::function<void()> onWaiting, const std::atomic<bool>* abandoned)
    : m_store(store), m_retryWhileBusy(retryWhileBusy), m_onWaiting(std::move(onWaiting)),
      m_abandoned(abandoned)
{}

bool WriteAttempts::run(const std::function<bool(QString*)>& attempt, QString* error)
{
    // Each failed attempt has already waited the busy timeout (5 s), so this never spins.
    while (!attempt(error)) {
        if (!m_retryWhileBusy || !m_store.lastWriteWasBusy())
            return false;
        if (m_abandoned && *m_abandoned)
            return false;
        if (!std::exchange(m_saidWaiting, true) && m_onWaiting)
            m_onWaiting();
    }
    return true;
}

DeskWriteOutcome writeMode(WriteAttempts& attempts, SizingMode mode, UtcTime now,
                           const std::optional<QString>& detail)
{
    DeskWriteOutcome outcome;
    outcome.kind = DeskWrite::Mode;
    store::Store& store = attempts.store();
    if (mode == SizingMode::Halt) {
        outcome.written = attempts.run(
            [&](QString* error) {
                return store.writeSetting(store::SettingKey::Mode, modeText(mode),
                                          store::SettingOrigin::Dashboard, now, error, detail);
            },
            &outcome.error);
        if (outcome.written)
            outcome.storedMode = mode;
        return outcome;
    }
    // Read here, after any halt asked for earlier has landed (same worker, in order); the
    // write then compares with it (issue 24): a halt that lands in between is never lifted.
    SizingMode seen = SizingMode::Enhanced;
    if (!readStoredMode(store, &seen, &outcome.error))
        return outcome;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (seen != SizingMode::Halt)
        outcome.written = attempts.run(
            [&](QString* error) {
                return store.switchMode(seen, mode, store::SettingOrigin::Dashboard, now, nullptr,
                                        error, &failure, detail);
            },
            &outcome.error);
    if (outcome.written) {
        outcome.storedMode = mode;
        return outcome;
    }
    if (seen != SizingMode::Halt && failure != store::SettingsFailure::Refused)
        return outcome;
    // Refused: say what the store holds now, in a trader's words (a refusal by SPEC 7's rules,
    // the mode unchanged, keeps the store's own message).
    QString ignored;
    if (!readStoredMode(store, &outcome.storedMode, &ignored))
        outcome.storedMode = seen;
    if (outcome.storedMode == seen && seen != SizingMode::Halt)
        return outcome;
    outcome.error =
        outcome.storedMode == SizingMode::Halt
            ? DeskWriter::tr("the store is halted (by this desk, another desk or the drawdown "
                             "guard): Resume first, then switch enhanced/legacy")
            : DeskWriter::tr("another desk switched the store to %1 meanwhile; nothing changed")
                  .arg(modeText(outcome.storedMode));
    return outcome;
}

DeskWriteOutcome writeResume(WriteAttempts& attempts, UtcTime now)
{
    DeskWriteOutcome outcome;
    outcome.kind = DeskWrite::Resume;
    store::Store& store = attempts.store();
    bool wasHalted = false;
    outcome.written = attempts.run(
        [&](QString* error) {
            return store.resumeFromHalt(store::SettingOrigin::Dashboard, now, &wasHalted,
                                        &outcome.storedMode, error);
        },
        &outcome.error);
    // Someone else resumed first: say which mode the store holds, not a guess.
    if (outcome.written && !wasHalted)
        outcome.written = readStoredMode(store, &outcome.storedMode, &outcome.error);
    return outcome;
}

DeskWriteOutcome writeSettings(WriteAttempts& attempts, SettingChanges changes, UtcTime now)
{
    DeskWriteOutcome outcome;
    outcome.kind = DeskWrite::Settings;
    store::Store& store = attempts.store();
    while (!changes.empty()) {
        QString firstRefusal;
        std::optional<store::SettingKey> firstRefused;
        bool wrote = false;
        for (auto it = changes.begin(); it != changes.end();) {
            QString error;
            const bool landed = attempts.run(
                [&](QString* why) {
                    return store.writeSetting(it->first, it->second,
                                              store::SettingOrigin::Dashboard, now, why);
                },
                &error);
            if (!landed) {
                if (!firstRefused) {
                    firstRefused = it->first;
                    firstRefusal = error;
                }
                ++it;
                continue;
            }
            outcome.savedSettings.push_back(it->first);
            it = changes.erase(it);
            wrote = true;
        }
        if (!wrote) {
            outcome.refusedSetting = firstRefused;
            outcome.error = firstRefusal;
            return outcome;
        }
    }
    outcome.written = true;
    return outcome;
}

DeskWriteOutcome writeCorrelationBuild(WriteAttempts& attempts, const CorrelationBuild& build,
                                       UtcTime now)
{
    DeskWriteOutcome outcome;
    outcome.kind = DeskWrite::CorrelationBuild;
    store::Store& store = attempts.store();
    qint64 id = 0;
    outcome.written = attempts.run(
        [&](QString* error) { return store.saveCorrelationBuild(build, now, &id, error); },
        &outcome.error);
    return outcome;
}

DeskWriter::DeskWriter(QString storePath) : m_storePath(std::move(storePath)) {}

DeskWriter::~DeskWriter() = default;

void DeskWriter::write(DeskWrite kind, const Write& write)
{
    if (!m_store) {
        auto store = std::make_unique<store::Store>();
        QString error;
        if (!store->open(m_storePath, &error, true)) { // never a new store where it was
            DeskWriteOutcome failed;
            failed.kind = kind;
            failed.error = error;
            Q_EMIT finished(failed);
            return;
        }
        m_store = std::move(store);
    }
    WriteAttempts attempts(
        *m_store, true, [this, kind] { Q_EMIT waiting(kind); }, &m_abandoned);
    Q_EMIT finished(write(attempts));
}

} // namespace kelly::ui
