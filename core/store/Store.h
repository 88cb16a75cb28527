#pragma once

// The SQLite position store shared by the bot (through kellyctl or the documented schema)
// and the dashboard. Each Store owns one named QSqlDatabase connection, so several stores
// in one process (one per thread) work side by side. Every write is one transaction
// (BEGIN IMMEDIATE, so a writer waits on the busy timeout instead of failing); every
// statement is prepared with bound values.
//
// Errors follow the Qt-facing convention: `bool` plus a QString out-parameter that says
// what failed. Inputs are validated by the caller's layer (kellyctl, the dashboard) and
// again here, so nothing non-finite is ever written.

#include "LabRunRecord.h"
#include "Settings.h"
#include "common/NewYorkTime.h"
#include "risk/Analytics.h"
#include "sizing/Account.h"
#include "sizing/RiskThreshold.h"
#include "sizing/Sizing.h"

#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace kelly::store {

// ISO-8601 UTC text as the store keeps it ("2026-11-25T21:56:22Z").
QString isoUtc(UtcTime time);

// Text the store holds or an error quotes, safe for a terminal, the screen or a log: control
// and hidden direction characters written out (kelly::printable, common/Text.h). A bot may
// write any text into the schema.
QString printable(const QString& text);
std::optional<UtcTime> parseIsoUtc(const QString& text); // accepts any offset, or Z
QDateTime toQDateTime(UtcTime time);
UtcTime fromQDateTime(const QDateTime& time);

// SPEC 9 store location: the --db option, else $KELLYDESK_DB, else the platform's app-data
// folder (QStandardPaths GenericDataLocation/KellyDesk/kellydesk.sqlite, i.e. AppDataLocation
// for an application named KellyDesk, whatever the calling binary is called).
QString resolveStorePath(const QString& dbOption, const QString& environmentDb);

struct AccountRecord
{
    Account account;                  // positions sorted by symbol
    std::optional<UtcTime> updatedAt; // absent until `account set` ran once
};

struct SnapshotRecord
{
    qint64 id = 0;
    PortfolioSnapshot snapshot;
    double equityUsd = 0.0;
    double grossUsd = 0.0;
};

struct AuditEntry
{
    qint64 id = 0;
    UtcTime changedAt;
    QString key;
    std::optional<QString> oldValue; // absent when the key had never been set
    QString newValue;
    QString origin;                // "cli" | "dashboard" | "guard"
    std::optional<QString> detail; // why, when the origin gives one (the guard's figures)
};

// One sizing call as the dashboard's sizing log shows it (SPEC 9): inputs, outputs, why.
struct SizingDecision
{
    qint64 id = 0;
    UtcTime decidedAt;
    QString origin;                                  // "cli" | "dashboard"
    SizingMode requestedMode = SizingMode::Enhanced; // the mode asked for; result.method ran
    std::optional<double> muGiven; // inputs as given (result.muDaily is what was used)
    std::optional<double> sigmaGiven;
    double equityUsd = 0.0; // the account at the time of the call
    double buyingPowerUsd = 0.0;
    double riskThreshold = 2.0; // SPEC 4, used by legacy
    RiskLimits limits;
    SizingResult result;
};

struct StoredCorrelationBuild
{
    qint64 id = 0;
    UtcTime builtAt;
    CorrelationBuild build;
};

// Cheap change detection for a poller (the dashboard, every ~250 ms). `dataVersion` is
// SQLite's PRAGMA data_version (moves on commits by other connections); `localCommits`
// counts this Store's own commits. Compare whole stamps.
struct ChangeStamp
{
    qint64 dataVersion = 0;
    qint64 localCommits = 0;
    bool operator==(const ChangeStamp&) const = default;
};

class Store
{
public:
    // The schema this build writes. History: 1 = account, positions, snapshots, settings,
    // settings_audit; 2 = sizing_decisions and correlation builds; 3 = settings_audit.detail;
    // 4 = correlation builds packed (correlation_builds.layout); 5 = sizing-lab runs.
    static constexpr int kSchemaVersion = 5;

    Store();
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Opens or creates the file and migrates it forward in one transaction. Refuses, leaving
    // the file untouched, a file that is not SQLite or that a newer KellyDesk wrote.
    bool open(const QString& path, QString* error);
    void close();
    bool isOpen() const;
    QString path() const;
    int schemaVersion() const;

    // `sizing.log` beside the store file (SPEC 9, issue 3).
    QString sizingLogPath() const;

    // --- account and positions -------------------------------------------------------
    bool loadAccount(AccountRecord* out, QString* error) const;
    bool setAccount(double equityUsd, double buyingPowerUsd, UtcTime now, QString* error);
    // Upserts by normalised symbol; qty == 0 removes the position (SPEC 9).
    bool setPosition(const Position& position, UtcTime now, QString* error);
    // Many positions in ONE transaction; with `replaceAll` the book becomes exactly `positions`
    // (a broker import). All or nothing.
    bool setPositions(const std::vector<Position>& positions, bool replaceAll, UtcTime now,
                      QString* error);
    // `found` tells whether the symbol was held (nothing changes when it was not).
    bool removePosition(const QString& symbol, bool* found, QString* error);
    bool markPrice(const QString& symbol, double priceUsd, UtcTime now, bool* found,
                   QString* error);

    // --- snapshots (SPEC 4) -----------------------------------------------------------
    bool addSnapshot(const PortfolioSnapshot& snapshot, double equityUsd, double grossUsd,
                     QString* error);
    // Oldest first; `limit` <= 0 means all.
    bool loadSnapshots(std::vector<SnapshotRecord>* out, int limit, QString* error) const;
    // SPEC 4 from the stored snapshots and the stored max_gross_leverage setting.
    bool riskThreshold(UtcTime now, double maxGrossLeverage, double* threshold,
                       QString* error) const;

    // --- settings (SPEC 7) -------------------------------------------------------------
    // The stored text, or the default when never set.
    bool readSetting(SettingKey key, QString* value, QString* error) const;
    // Validates, writes and appends an audit row in one transaction. Writing the current
    // value again changes nothing and writes no audit row.
    // `detail` is recorded with the audit row (issue 6: the figures that tripped the guard).
    bool writeSetting(SettingKey key, const QString& value, SettingOrigin origin, UtcTime now,
                      QString* error, const std::optional<QString>& detail = std::nullopt);
    // Issue 6: leaves the halt for the mode in force before it (the old value of the audit row
    // that switched to halt; enhanced if there is none), audited, in one transaction.
    // `wasHalted` false means the stored mode was not halt and nothing was written.
    bool resumeFromHalt(SettingOrigin origin, UtcTime now, bool* wasHalted, SizingMode* resumedMode,
                        QString* error);
    // The newest audit row that switched the mode to halt, when the stored mode is halt.
    bool loadHaltEntry(std::optional<AuditEntry>* out, QString* error) const;
    bool effectiveSettings(const Environment& environment, EffectiveSettings* out,
                           QString* error) const;
    // Newest first; `limit` <= 0 means all. Text comes back printable(): a bot may write the
    // table directly.
    bool loadAudit(std::vector<AuditEntry>* out, int limit, QString* error) const;

    // --- sizing decisions (SPEC 9) -----------------------------------------------------
    bool recordDecision(const SizingDecision& decision, qint64* id, QString* error);
    // Newest first; `limit` <= 0 means all. Text comes back printable(), as for the audit.
    bool loadDecisions(std::vector<SizingDecision>* out, int limit, QString* error) const;

    // --- correlation builds (SPEC 5) ---------------------------------------------------
    bool saveCorrelationBuild(const CorrelationBuild& build, UtcTime builtAt, qint64* id,
                              QString* error);
    // `out` stays empty when no build was ever saved.
    bool loadLatestCorrelationBuild(std::optional<StoredCorrelationBuild>* out,
                                    QString* error) const;
    // The id of the latest build (`out` empty when none): a poller re-reads the build only
    // when this moved, since a saved build never changes (issue 7 soak).
    bool latestCorrelationBuildId(std::optional<qint64>* out, QString* error) const;
    // The stored metrics of one symbol from the latest build (sizing's SPEC 2.4 input).
    bool loadLatestMetrics(const QString& symbol, std::optional<VolatilityMetrics>* out,
                           QString* error) const;

    // --- sizing-lab runs (SPEC 12, StoreLabRuns.cpp) -------------------------------------
    // The run, its metrics and curves in one transaction; refuses a non-finite figure.
    bool saveLabRun(const LabRunRecord& run, qint64* id, QString* error);
    // Newest first, metrics without curves; `limit` <= 0 means all.
    bool loadLabRuns(std::vector<LabRunRecord>* out, int limit, QString* error) const;
    // One run with its curves; `out` stays empty when there is no run `id`.
    bool loadLabRun(qint64 id, std::optional<LabRunRecord>* out, QString* error) const;

    // --- change detection ----------------------------------------------------------------
    bool changeStamp(ChangeStamp* out, QString* error) const;

    class Impl; // opaque; StoreImpl.h, for the store's own translation units

private:
    Impl* m_impl;
};

} // namespace kelly::store
