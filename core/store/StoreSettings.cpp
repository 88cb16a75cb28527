// The Store's snapshots (SPEC 4), settings with their audit (SPEC 7) and change detection.

#include "Store.h"
#include "StoreImpl.h"

#include <algorithm>
#include <cmath>

namespace kelly::store {

namespace {

// The stored settings; with `haltMarker`, whether a halt marker is raised (StoreHalt.cpp), read
// after them. Where the marker is a row (PostgreSQL) it comes in the settings' own statement
// under a NULL key (a setting's never is): one round trip, not two (issue 25).
bool loadStoredSettings(Store::Impl& impl, QHash<QString, QString>* out, QString* error,
                        bool* haltMarker = nullptr)
{
    const std::optional<QString> markerRow =
        haltMarker ? haltMarkerRowQuery(impl) : std::optional<QString>();
    ReadStatement queryRead(impl,
                            markerRow ? QStringLiteral("SELECT key, value FROM settings"
                                                       " UNION ALL SELECT NULL, new_value"
                                                       " FROM (%1) AS newest_mode")
                                            .arg(*markerRow)
                                      : QStringLiteral("SELECT key, value FROM settings"),
                            error);
    QSqlQuery& query = *queryRead;
    if (markerRow)
        query.bindValue(0, settingSpec(SettingKey::Mode).name);
    if (!run(queryRead, error))
        return false;
    bool markerRowIsHalt = false;
    while (query.next()) {
        if (markerRow && query.value(0).isNull())
            markerRowIsHalt = isHaltModeRow(query.value(1).toString());
        else
            out->insert(query.value(0).toString(), query.value(1).toString());
    }
    if (markerRow)
        *haltMarker = markerRowIsHalt;
    return !haltMarker || markerRow || haltMarkerRaised(impl, haltMarker, error);
}

// Issue 24 item 10: how many unreadable snapshots in a row a read steps over before it
// takes the history as empty (the skipped rows are all named).
constexpr int kUnreadableSnapshotsSkipped = 32;

// A row of a snapshot read whose time is no real instant (before schema 12 a row could hold
// 2026-02-30T15:00:00Z): named once in `problems`.
void nameUnreadableSnapshot(const QString& stored, std::vector<StoreProblem>* problems)
{
    const StoreProblem problem{QStringLiteral("snapshots"), stored,
                               QStringLiteral("observed_at: not a real UTC time")};
    if (std::none_of(problems->begin(), problems->end(), [&](const StoreProblem& known) {
            return known.table == problem.table && known.key == problem.key;
        }))
        problems->push_back(problem);
}

// What the drawdown guard and SPEC 4 read of the snapshots.
struct SnapshotReads
{
    bool guard = false;     // the high-water mark and the day start
    bool threshold = false; // the latest snapshot and the latest before New York midnight
};
struct SnapshotFigures
{
    std::vector<PortfolioSnapshot> guard;     // kelly::evaluateDrawdownGuard's, oldest last
    std::vector<PortfolioSnapshot> threshold; // kelly::riskThreshold's
};

// The parts of a snapshot read, each tagged with its number in the one statement.
enum SnapshotPart : int
{
    HighWater,
    GuardDayStart,
    Latest,
    BeforeMidnight
};

// Issue 25: the reads wanted in one statement, so one round trip on PostgreSQL (were up to
// four, in a transaction of their own) and one snapshot of the table. Each part keeps its
// own ORDER BY and LIMIT (a subquery) and the rows come back in part order, newest first.
// A part that takes the newest row with a real time steps over at most
// kUnreadableSnapshotsSkipped rows written before schema 12 (issue 24 item 10).
bool readSnapshotFigures(Store::Impl& impl, UtcTime now, SnapshotReads reads, SnapshotFigures* out,
                         QString* error, std::vector<StoreProblem>* problems)
{
    const QString newest = QStringLiteral(" ORDER BY observed_at DESC, id DESC LIMIT %1")
                               .arg(kUnreadableSnapshotsSkipped + 1);
    QStringList parts;
    const auto part = [&](SnapshotPart number, const QString& select) {
        parts << QStringLiteral("SELECT * FROM (SELECT %1 AS part, %2) AS part%1")
                     .arg(int(number))
                     .arg(select);
    };
    // Text sorts above every number in SQLite: the bound keeps a legacy text row (and inf)
    // out of the maximum. snapshots_by_value makes it one lookup.
    if (reads.guard) {
        part(HighWater, QStringLiteral("NULL AS observed_at, portfolio_value_usd, 0 AS id"
                                       " FROM snapshots WHERE portfolio_value_usd <= 1e15 AND"
                                       " portfolio_value_usd >= -1e15"
                                       " ORDER BY portfolio_value_usd DESC LIMIT 1"));
        part(GuardDayStart,
             QStringLiteral("observed_at, portfolio_value_usd, id FROM snapshots"
                            " WHERE observed_at < ? AND %1")
                     .arg(impl.dialect.holdsNumber(QStringLiteral("portfolio_value_usd"))) +
                 newest);
    }
    if (reads.threshold) {
        part(Latest,
             QStringLiteral("observed_at, portfolio_value_usd, id FROM snapshots") + newest);
        part(BeforeMidnight, QStringLiteral("observed_at, portfolio_value_usd, id FROM snapshots"
                                            " WHERE observed_at < ?") +
                                 newest);
    }
    ReadStatement read(impl,
                       parts.join(QStringLiteral(" UNION ALL ")) +
                           QStringLiteral(" ORDER BY part, observed_at DESC, id DESC"),
                       error);
    QSqlQuery& query = *read;
    const QString dayStart = isoUtc(newyork::startOfDay(now));
    for (int i = 0; i < (reads.guard ? 1 : 0) + (reads.threshold ? 1 : 0); ++i)
        query.bindValue(i, dayStart);
    if (!run(read, error))
        return false;
    bool found[4] = {};
    while (query.next()) {
        const int number = query.value(0).toInt();
        if (found[number])
            continue;
        if (number == HighWater) {
            found[number] = true;
            out->guard.push_back(PortfolioSnapshot{now, query.value(2).toDouble()});
            continue;
        }
        const QString stored = query.value(1).toString();
        const std::optional<UtcTime> at = parseIsoUtc(stored);
        if (!at) {
            // The guard's day start reads the same row as SPEC 4, which names it.
            if (problems && number != GuardDayStart)
                nameUnreadableSnapshot(stored, problems);
            continue;
        }
        found[number] = true;
        (number == GuardDayStart ? out->guard : out->threshold)
            .push_back(PortfolioSnapshot{*at, query.value(2).toDouble()});
    }
    return true;
}

} // namespace

bool appendAudit(Store::Impl& impl, UtcTime now, const QString& key, const QVariant& oldValue,
                 const QString& newValue, SettingOrigin origin, const QVariant& detail,
                 QString* error)
{
    QSqlQuery audit = impl.prepare(
        QStringLiteral("INSERT INTO settings_audit (changed_at, key, old_value, new_value,"
                       " origin, detail) VALUES (?, ?, ?, ?, ?, ?)"),
        error);
    audit.addBindValue(isoUtc(now));
    audit.addBindValue(key);
    audit.addBindValue(oldValue);
    audit.addBindValue(newValue);
    audit.addBindValue(settingOriginName(origin));
    audit.addBindValue(detail);
    return run(audit, error);
}

namespace {

// A setting is read, checked against the others and written back with its audit row: the
// writers of settings take turns (Dialect::lockBeforeReading).
bool lockSettings(Store::Impl& impl, QString* error)
{
    const std::optional<QString> lock = impl.dialect.lockBeforeReading(QStringLiteral("settings"));
    if (!lock || impl.transactionDepth > 1)
        return true;
    return impl.execute(*lock, error); // bounded by the session's lock_timeout
}

// A settings write that gave up on the lock (PostgreSQL's lock_timeout) is busy, as a
// SQLite BEGIN IMMEDIATE past busy_timeout is: a halt or a dashboard write tries again.
bool noteBusy(Store::Impl& impl, bool written)
{
    if (!written && lastFailureWasLockTimeout())
        impl.lastBeginBusy = true;
    return written;
}

// Issue 24: only a resume lifts a halt, and a switch compared with the mode its caller saw
// (`seenMode`) never overwrites a halt or another desk's switch that landed in between.
std::optional<QString> modeSwitchRefusal(const QString& current, const QString& wanted,
                                         const std::optional<QString>& seenMode)
{
    const QString halt = QString::fromLatin1(sizingModeName(SizingMode::Halt));
    if (wanted == halt)
        return std::nullopt; // safety wins: a halt always lands
    if (current == halt)
        return haltRefusesModeSwitch();
    if (seenMode && current != *seenMode && current != wanted)
        return QStringLiteral("mode: refused: the mode changed to %1 since it was read as %2;"
                              " nothing changed")
            .arg(current, *seenMode);
    return std::nullopt;
}

// Validates the candidate set and writes one setting with its audit row, in one transaction.
bool writeSettingChecked(Store::Impl& impl, SettingKey key, const QString& value,
                         SettingOrigin origin, UtcTime now, const Environment* environment,
                         const std::optional<QString>& detail, QString* error,
                         SettingsFailure* failure, const std::optional<QString>& seenMode = {})
{
    SettingsFailure ignored;
    SettingsFailure& kind = failure ? *failure : ignored;
    kind = SettingsFailure::Refused;
    const std::optional<QString> canonical = canonicalSettingValue(key, value, error);
    if (!canonical)
        return false;
    kind = SettingsFailure::StoreError;
    const SettingSpec& spec = settingSpec(key);
    const bool halting =
        key == SettingKey::Mode && *canonical == QLatin1String(sizingModeName(SizingMode::Halt));
    return noteBusy(
        impl, withRetries(impl, error, [&](QString* error) {
            DurableCommits durable(impl); // issue 12: mode, halt and limits survive a power loss
            Transaction transaction(impl, Transaction::Kind::Write);
            if (!transaction.begin(error) || !lockSettings(impl, error))
                return false;
            // A raised halt marker is a halt: no switch lifts it, and on PostgreSQL it is the audit
            // row of the halt that now lands (StoreHalt.cpp). Read with the settings for a mode
            // switch, as effectiveSettings reads it.
            QHash<QString, QString> stored;
            bool markerRaised = false;
            if (!loadStoredSettings(impl, &stored, error,
                                    key == SettingKey::Mode ? &markerRaised : nullptr))
                return false;
            const bool wasSet = stored.contains(spec.name);
            const QVariant oldValue = wasSet ? QVariant(stored.value(spec.name))
                                             : QVariant(QMetaType(QMetaType::QString));
            if (wasSet && oldValue.toString() == *canonical)
                return transaction.commit(error); // unchanged: no audit row
            if (key == SettingKey::Mode) {
                const QString current = markerRaised
                                            ? QString::fromLatin1(sizingModeName(SizingMode::Halt))
                                        : wasSet ? oldValue.toString()
                                                 : spec.defaultValue;
                if (const std::optional<QString> refusal =
                        modeSwitchRefusal(current, *canonical, seenMode)) {
                    kind = SettingsFailure::Refused;
                    *error = *refusal;
                    return false;
                }
            }

            // SPEC 7: the whole candidate set must keep the rules, as stored and with the caller's
            // environment. A halt always lands: safety wins over a broken configuration.
            if (!halting) {
                stored.insert(spec.name, *canonical);
                SettingsFailure candidateFailure = SettingsFailure::StoredValue;
                if (!resolveSettings(stored, Environment(), error, &candidateFailure) ||
                    (environment &&
                     !resolveSettings(stored, *environment, error, &candidateFailure))) {
                    kind = candidateFailure == SettingsFailure::Environment
                               ? SettingsFailure::Environment
                               : SettingsFailure::Refused;
                    *error = QStringLiteral("%1: refused: %2").arg(spec.name, *error);
                    return false;
                }
            }

            QSqlQuery upsert = impl.prepare(
                QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                               " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                error);
            upsert.addBindValue(spec.name);
            upsert.addBindValue(*canonical);
            if (!run(upsert, error))
                return false;
            if (halting && markerRaised && impl.dialect.isPostgres())
                return transaction.commit(error); // raiseHaltMarker wrote its audit row
            return appendAudit(impl, now, spec.name, oldValue, *canonical, origin,
                               detail ? QVariant(*detail) : QVariant(QMetaType(QMetaType::QString)),
                               error) &&
                   transaction.commit(error);
        }));
}

} // namespace

QString haltRefusesModeSwitch()
{
    return QStringLiteral("mode: refused: the store is halted (reduce-only) and only a resume"
                          " lifts a halt ('kellyctl resume', or Resume on the dashboard);"
                          " nothing changed");
}

// --- snapshots --------------------------------------------------------------------------

bool Store::addSnapshot(const PortfolioSnapshot& snapshot, double equityUsd, double grossUsd,
                        QString* error)
{
    // SPEC 2.2: a book can be worth less than nothing; the schema bounds the figures.
    if (!(std::abs(snapshot.portfolioValueUsd) <= kMaxStoredUsd)) {
        *error = QStringLiteral("value: must be a finite number within +-1e15");
        return false;
    }
    if (!(std::abs(equityUsd) <= kMaxStoredUsd) ||
        !(grossUsd >= 0.0 && grossUsd <= kMaxStoredUsd)) {
        *error = QStringLiteral("snapshot: equity and gross must be finite and within 1e15");
        return false;
    }
    return withRetries(*m_impl, error, [&](QString* error) {
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error))
            return false;
        QSqlQuery insert = m_impl->prepare(
            QStringLiteral("INSERT INTO snapshots (observed_at, portfolio_value_usd, equity_usd,"
                           " gross_usd) VALUES (?, ?, ?, ?)"),
            error);
        insert.addBindValue(isoUtc(snapshot.observedAt));
        insert.addBindValue(snapshot.portfolioValueUsd);
        insert.addBindValue(equityUsd);
        insert.addBindValue(grossUsd);
        return run(insert, error) && transaction.commit(error);
    });
}

bool Store::loadSnapshots(std::vector<SnapshotRecord>* out, int limit, QString* error,
                          std::vector<StoreProblem>* problems) const
{
    // The newest `limit`, returned oldest first.
    QSqlQuery query = m_impl->prepare(
        QStringLiteral("SELECT id, observed_at, portfolio_value_usd, equity_usd, gross_usd"
                       " FROM (SELECT * FROM snapshots ORDER BY observed_at DESC, id DESC"
                       " LIMIT ?) AS newest ORDER BY observed_at, id"),
        error);
    query.addBindValue(m_impl->dialect.limitValue(limit));
    if (!run(query, error))
        return false;
    out->clear();
    while (query.next()) {
        const auto observedAt = parseIsoUtc(query.value(1).toString());
        if (!observedAt) {
            // Issue 24 item 10: a row stored before schema 12 (2026-02-30) is left out and
            // named, as a bad position is; without a list to name it in, it is an error.
            const StoreProblem problem{QStringLiteral("snapshots"), query.value(1).toString(),
                                       QStringLiteral("observed_at: not a real UTC time")};
            if (!problems) {
                *error = problem.describe();
                return false;
            }
            problems->push_back(problem);
            continue;
        }
        out->push_back(SnapshotRecord{query.value(0).toLongLong(),
                                      PortfolioSnapshot{*observedAt, query.value(2).toDouble()},
                                      query.value(3).toDouble(), query.value(4).toDouble()});
    }
    return true;
}

bool Store::loadGuardSnapshots(UtcTime now, std::vector<PortfolioSnapshot>* out,
                               QString* error) const
{
    SnapshotFigures figures;
    if (!readSnapshotFigures(*m_impl, now, {.guard = true}, &figures, error, nullptr))
        return false;
    *out = std::move(figures.guard);
    return true;
}

bool Store::riskThreshold(UtcTime now, double maxGrossLeverage, double* threshold, QString* error,
                          std::vector<StoreProblem>* problems) const
{
    SnapshotFigures figures;
    if (!readSnapshotFigures(*m_impl, now, {.threshold = true}, &figures, error, problems))
        return false;
    *threshold = kelly::riskThreshold(figures.threshold, maxGrossLeverage, now);
    return true;
}

bool Store::loadSizingSnapshots(UtcTime now, bool withGuard, double maxGrossLeverage,
                                std::vector<PortfolioSnapshot>* guard, double* threshold,
                                QString* error, std::vector<StoreProblem>* problems) const
{
    SnapshotFigures figures;
    if (!readSnapshotFigures(*m_impl, now, {.guard = withGuard, .threshold = true}, &figures, error,
                             problems))
        return false;
    *guard = std::move(figures.guard);
    *threshold = kelly::riskThreshold(figures.threshold, maxGrossLeverage, now);
    return true;
}

// --- settings ---------------------------------------------------------------------------

bool Store::readSetting(SettingKey key, QString* value, QString* error) const
{
    const SettingSpec& spec = settingSpec(key);
    QSqlQuery query =
        m_impl->prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"), error);
    query.addBindValue(spec.name);
    if (!run(query, error))
        return false;
    *value = query.next() ? query.value(0).toString() : spec.defaultValue;
    return true;
}

bool Store::writeSetting(SettingKey key, const QString& value, SettingOrigin origin, UtcTime now,
                         QString* error, const std::optional<QString>& detail)
{
    return writeSettingChecked(*m_impl, key, value, origin, now, nullptr, detail, error, nullptr);
}

bool Store::writeSetting(SettingKey key, const QString& value, SettingOrigin origin, UtcTime now,
                         const Environment& environment, QString* error, SettingsFailure* failure)
{
    return writeSettingChecked(*m_impl, key, value, origin, now, &environment, std::nullopt, error,
                               failure);
}

bool Store::switchMode(SizingMode seen, SizingMode wanted, SettingOrigin origin, UtcTime now,
                       const Environment* environment, QString* error, SettingsFailure* failure,
                       const std::optional<QString>& detail)
{
    return writeSettingChecked(
        *m_impl, SettingKey::Mode, QString::fromLatin1(sizingModeName(wanted)), origin, now,
        environment, detail, error, failure, QString::fromLatin1(sizingModeName(seen)));
}

bool Store::resumeFromHalt(SettingOrigin origin, UtcTime now, bool* wasHalted,
                           SizingMode* resumedMode, QString* error)
{
    const QString modeKey = settingSpec(SettingKey::Mode).name;
    const QString halt = QString::fromLatin1(sizingModeName(SizingMode::Halt));
    return noteBusy(*m_impl, withRetries(*m_impl, error, [&](QString* error) {
        DurableCommits durable(*m_impl);
        Transaction transaction(*m_impl, Transaction::Kind::Write);
        if (!transaction.begin(error) || !lockSettings(*m_impl, error))
            return false;
        QSqlQuery current =
            m_impl->prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"), error);
        current.addBindValue(modeKey);
        if (!run(current, error))
            return false;
        const bool hasValue = current.next();
        const QString stored =
            hasValue ? current.value(0).toString() : settingSpec(SettingKey::Mode).defaultValue;
        current.finish();
        bool markerRaised = false;
        if (!store::haltMarkerRaised(*m_impl, &markerRaised, error))
            return false;
        *wasHalted = stored == halt || markerRaised;
        if (!*wasHalted)
            return transaction.commit(error);
        if (stored != halt) {
            // Issue 24: a halt whose stored write never landed (its process was stopped):
            // lowering the marker is the resume, audited as one.
            *resumedMode = parseSizingMode(stored.toStdString()).value_or(SizingMode::Enhanced);
            return appendAudit(*m_impl, now, modeKey, halt, stored, origin,
                               QStringLiteral("resume"), error) &&
                   lowerHaltMarker(*m_impl, error) && transaction.commit(error);
        }

        // The mode before the halt; a halt over a halt (or a corrupt row) resumes to the default.
        QSqlQuery before = m_impl->prepare(
            QStringLiteral("SELECT old_value FROM settings_audit WHERE key = ? AND new_value = ?"
                           " ORDER BY id DESC LIMIT 1"),
            error);
        before.addBindValue(modeKey);
        before.addBindValue(halt);
        if (!run(before, error))
            return false;
        const QString previous = before.next() ? before.value(0).toString() : QString();
        before.finish();
        *resumedMode = parseSizingMode(previous.toStdString()).value_or(SizingMode::Enhanced);
        if (*resumedMode == SizingMode::Halt)
            *resumedMode = SizingMode::Enhanced;
        const QString resumed = QString::fromLatin1(sizingModeName(*resumedMode));

        QSqlQuery update =
            m_impl->prepare(QStringLiteral("UPDATE settings SET value = ? WHERE key = ?"), error);
        update.addBindValue(resumed);
        update.addBindValue(modeKey);
        if (!run(update, error))
            return false;
        // The marker goes while the lock is held, once the stored mode says resume.
        return appendAudit(*m_impl, now, modeKey, halt, resumed, origin, QStringLiteral("resume"),
                           error) &&
               lowerHaltMarker(*m_impl, error) && transaction.commit(error);
    }));
}

bool Store::loadHaltEntry(std::optional<AuditEntry>* out, QString* error) const
{
    out->reset();
    const QString halt = QString::fromLatin1(sizingModeName(SizingMode::Halt));
    QString mode;
    if (!readSetting(SettingKey::Mode, &mode, error))
        return false;
    if (mode != halt)
        return true;
    QSqlQuery query = m_impl->prepare(
        QStringLiteral("SELECT id, changed_at, old_value, origin, detail FROM settings_audit"
                       " WHERE key = ? AND new_value = ? ORDER BY id DESC LIMIT 1"),
        error);
    query.addBindValue(settingSpec(SettingKey::Mode).name);
    query.addBindValue(halt);
    if (!run(query, error))
        return false;
    if (!query.next())
        return true; // halted by a direct write to the settings table: no audit row
    AuditEntry entry;
    entry.id = query.value(0).toLongLong();
    entry.changedAt = parseIsoUtc(query.value(1).toString()).value_or(UtcTime{});
    entry.key = settingSpec(SettingKey::Mode).name;
    if (!query.value(2).isNull())
        entry.oldValue = query.value(2).toString();
    entry.newValue = halt;
    entry.origin = query.value(3).toString();
    if (!query.value(4).isNull())
        entry.detail = query.value(4).toString();
    *out = std::move(entry);
    return true;
}

bool Store::effectiveSettings(const Environment& environment, EffectiveSettings* out,
                              QString* error, SettingsFailure* failure) const
{
    SettingsFailure ignored;
    SettingsFailure& kind = failure ? *failure : ignored;
    kind = SettingsFailure::StoreError;
    QHash<QString, QString> stored;
    // Issue 24: a halt asked for whose stored write still waits for the lock is a halt now.
    bool markerRaised = false;
    if (!loadStoredSettings(*m_impl, &stored, error, &markerRaised))
        return false;
    std::optional<EffectiveSettings> settings = resolveSettings(stored, environment, error, &kind);
    if (!settings)
        return false;
    if (markerRaised && !settings->halted()) {
        settings->mode = SizingMode::Halt;
        for (EffectiveSetting& entry : settings->entries)
            if (entry.key == SettingKey::Mode)
                entry.value = QString::fromLatin1(sizingModeName(SizingMode::Halt));
    }
    *out = std::move(*settings);
    return true;
}

bool Store::loadAudit(std::vector<AuditEntry>* out, int limit, QString* error) const
{
    QSqlQuery query =
        m_impl->prepare(QStringLiteral("SELECT id, changed_at, key, old_value, new_value, origin,"
                                       " detail FROM settings_audit WHERE key <> ?"
                                       " ORDER BY id DESC LIMIT ?"),
                        error);
    query.addBindValue(QString::fromLatin1(kEquityAuditKey)); // SPEC 1's basis, not a setting
    query.addBindValue(m_impl->dialect.limitValue(limit));
    if (!run(query, error))
        return false;
    out->clear();
    while (query.next()) {
        AuditEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.changedAt = parseIsoUtc(query.value(1).toString()).value_or(UtcTime{});
        // A bot may write the audit directly: its text leaves the store printable.
        entry.key = printable(query.value(2).toString());
        if (!query.value(3).isNull())
            entry.oldValue = printable(query.value(3).toString());
        entry.newValue = printable(query.value(4).toString());
        entry.origin = printable(query.value(5).toString());
        if (!query.value(6).isNull())
            entry.detail = printable(query.value(6).toString());
        out->push_back(std::move(entry));
    }
    return true;
}

// --- change detection -------------------------------------------------------------------

bool Store::changeStamp(ChangeStamp* out, QString* error) const
{
    const QString sql = m_impl->dialect.changeStampQuery();
    QSqlQuery query(m_impl->database());
    bool read = runDirect(query, sql, error);
    if (!read && m_impl->reconnectAfterLoss(error)) {
        query = QSqlQuery(m_impl->database());
        read = runDirect(query, sql, error);
    }
    if (!read)
        return false;
    if (!query.next()) {
        *error = sql + QStringLiteral(" returned nothing");
        return false;
    }
    const QVariant value = query.value(0);
    out->dataVersion = m_impl->dialect.isPostgres()
                           ? static_cast<qint64>(qHash(value.toString(), 0))
                           : value.toLongLong();
    out->localCommits = m_impl->localCommits;
    out->connectionGeneration = m_impl->connectionGeneration;
    return true;
}

} // namespace kelly::store
