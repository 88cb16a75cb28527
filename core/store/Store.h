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

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <functional>
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

// Issue 12 item 3: a stored row the store cannot use (a bot wrote it around kellyctl): left
// out of what loads, named by table and key so the rest keeps working and a person can fix it.
struct StoreProblem
{
    QString table; // "positions"
    QString key;   // the row's key as stored (a symbol), raw
    QString why;
    QString describe() const; // "positions row 'aapl': symbol: not normalised (AAPL)"
};

// Issue 12 item 7: money the store accepts, in absolute value: a quadrillion dollars is far
// above any real book and far below where sums of squares stop being finite.
inline constexpr double kMaxStoredUsd = 1e15;

struct AccountRecord
{
    Account account;                    // positions sorted by symbol
    std::optional<UtcTime> updatedAt;   // absent until `account set` ran once
    std::vector<StoreProblem> problems; // position rows left out of `account`
};

// SPEC 1: what E was last set to and when (`account set --equity`, origin cli, or a broker
// sync, origin alpaca); the stored equity is that plus the P&L of every mark since.
struct EquityBasis
{
    UtcTime setAt;
    double equityUsd = 0.0;
    QString origin;
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
    QString origin; // "cli" | "dashboard"
    QString host;   // the machine that sized (empty for rows written before schema 5)
    // The caller's environment set USE_ENHANCED_KELLY_SIZING: the switch did not apply.
    bool modeLockedByEnv = false;
    SizingMode requestedMode = SizingMode::Enhanced; // the mode asked for; result.method ran
    std::optional<double> muGiven; // inputs as given (result.muDaily is what was used)
    std::optional<double> sigmaGiven;
    double equityUsd = 0.0; // the account at the time of the call
    double buyingPowerUsd = 0.0;
    double riskThreshold = 2.0; // SPEC 4, used by legacy
    RiskLimits limits;
    SizingResult result;
};

// Issue 16 (SPEC 14): one read of the broker's account and whole book.
struct BrokerSync
{
    QString origin;         // who read it: "alpaca"
    double equityUsd = 0.0; // may be negative: sized as "no equity" (SPEC 2.2)
    double buyingPowerUsd = 0.0;
    std::vector<Position> positions; // the whole book: positions it lacks are removed
    // SPEC 14/15: the broker's maintenance figure when it sent one, and the rates read from
    // /v2/assets this time (symbols not read keep their last good rate).
    std::optional<double> maintenanceMarginUsd = std::nullopt;
    std::vector<std::pair<QString, BrokerMarginRate>> assetRates = {};
};

// SPEC 15: a trader's per-symbol maintenance rate.
struct MarginOverride
{
    QString symbol;
    double rate = 0.30;
    UtcTime setAt;
};

// A sync as the store audited it (table broker_syncs).
struct BrokerSyncRecord
{
    qint64 id = 0;
    UtcTime syncedAt;
    QString origin;
    double equityUsd = 0.0;
    double buyingPowerUsd = 0.0;
    int positionCount = 0;
    QStringList removed; // symbols the broker no longer listed
    std::optional<double> maintenanceMarginUsd = std::nullopt; // SPEC 15's broker_maintenance
};

// SPEC 17: one order of a close plan and its outcome at the broker (table close_orders).
struct CloseOrderRecord
{
    QString planId;
    QString symbol;
    QString side;           // sell | buy
    double qty = 0.0;       // > 0
    double qtyBefore = 0.0; // signed position the plan started from
    double qtyAfter = 0.0;
    QString timeInForce; // cls | day | gtc
    QString clientOrderId;
    QString status; // accepted | already sent | refused | failed
    QString brokerOrderId;
    QString message; // the broker's refusal or the connection's failure
    UtcTime sentAt;
};

// SPEC 17: a plan as printed or sent (table close_plans), with its orders.
struct ClosePlanRecord
{
    QString planId;
    UtcTime plannedAt;
    QString method;
    double equityUsd = 0.0;
    double soldUsd = 0.0;
    QString planJson; // close-plan --json's object
    std::vector<CloseOrderRecord> orders;
};

struct StoredCorrelationBuild
{
    qint64 id = 0;
    UtcTime builtAt;
    CorrelationBuild build;
};

// The stored form of a build's pairwise part: the correlation triangle, its present flags
// and its observation counts (compressed). None of it depends on the covariance's repair
// (kelly::repairCorrelation), so a caller may pack it on another thread while the repair
// runs and hand it to saveCorrelationBuild with the repaired build.
struct PackedCorrelation
{
    size_t symbolCount = 0;
    QByteArray correlation;
    QByteArray present;
    QByteArray observations;
};
PackedCorrelation packCorrelation(const CorrelationBuild& build);

// SPEC 5: the data's date of a build, its latest last close (00:00 UTC that day); nullopt
// when no symbol has a readable date. Staleness follows it, not the build time.
std::optional<UtcTime> correlationDataDate(const CorrelationBuild& build);

// Cheap change detection for a poller (the dashboard, every ~250 ms). `dataVersion` is
// SQLite's PRAGMA data_version (moves on commits by other connections) or, on PostgreSQL,
// a hash of the server's current snapshot (moves with every transaction that wrote);
// `localCommits` counts this Store's own commits; `connectionGeneration` moves when a lost
// connection was reopened (what happened meanwhile was never notified). Compare whole stamps.
struct ChangeStamp
{
    qint64 dataVersion = 0;
    qint64 localCommits = 0;
    qint64 connectionGeneration = 0;
    bool operator==(const ChangeStamp&) const = default;
};

class Store
{
public:
    // The schema this build writes. History: 1 = account, positions, snapshots, settings,
    // settings_audit; 2 = sizing_decisions and correlation builds; 3 = settings_audit.detail;
    // 4 = correlation builds packed (correlation_builds.layout); 5 = rows validated by
    // triggers, snapshot times canonical UTC, snapshots indexed by value (issue 12);
    // 6 = broker_syncs (issue 16); 7 = SPEC 11's figures in sizing_decisions (issue 14);
    // 8 = each decision's host and mode_locked_by_env (issue 17); 9 = sizing-lab runs
    // (issue 15); 10 = margin overrides, broker margin rates and figures, each decision's
    // side, margin and Kelly multiple (issue 21); 11 = close plans and their orders
    // (issue 22); 12 = snapshot times must be real calendar dates, broker syncs indexed by
    // time (issue 24); 13 = serve's stored answers (issue 24).
    static constexpr int kSchemaVersion = 13;

    Store();
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Opens or creates the store and migrates it forward in one transaction. `name` is a
    // SQLite file path or a postgresql:// URL (SPEC 13, StoreLocation.h). Refuses, leaving it
    // untouched, a file that is not SQLite, a database that is not a KellyDesk store, or a
    // store a newer KellyDesk wrote.
    // With `mustExist` (every kellyctl command but init, the dashboard) a store that is not
    // there yet (no file; a database without KellyDesk's tables) is refused instead of
    // created: a mistyped name must not show an empty book as if it were real.
    bool open(const QString& name, QString* error, bool mustExist = false);
    // Why the last open failed, for an exit code: a malformed name or credentials the server
    // refused are the caller's input to fix (kellyctl exit 2), anything else is a failure.
    enum class OpenFailure
    {
        None,
        BadName,
        Credentials,
        Other
    };
    OpenFailure lastOpenFailure() const;
    void close();
    bool isOpen() const;
    // What opens this store again (another connection, another thread): the absolute file
    // path, or the URL as given, password included. Never show it: displayName is for that.
    QString path() const;
    // The path, or the URL without its password: for output, errors, titles and logs.
    QString displayName() const;
    bool isPostgres() const;
    int schemaVersion() const;

    // Issue 25: a long-lived writer (serve) checkpoints a SQLite WAL on a thread of its own
    // instead of inside the commit that finds it full, so no request waits for the fsyncs.
    // False (error set) on PostgreSQL, a build without sqlite3.h, or when the thread's
    // connection cannot be opened; the store then checkpoints in its commits, as before.
    // Until close.
    bool checkpointInBackground(QString* error);

    // The sizing log beside the store file, named after it (SPEC 9; issue 12 item 13: stores
    // sharing a folder keep their own logs): kellydesk.sqlite -> kellydesk.sizing.log.
    QString sizingLogPath() const;

    // --- account and positions -------------------------------------------------------
    bool loadAccount(AccountRecord* out, QString* error) const;
    // Equity may be negative (SPEC 2.2 sizes E <= 0 as "no equity"); buying power >= 0.
    bool setAccount(double equityUsd, double buyingPowerUsd, UtcTime now, QString* error);
    // Writes the figures given and keeps the others, in one statement (issue 12 item 9: two
    // processes setting one each lose neither). An absent account starts at 0. With
    // `auditAs`, an equity given is also the basis of E (SPEC 1): an audit row `equity`.
    bool updateAccount(std::optional<double> equityUsd, std::optional<double> buyingPowerUsd,
                       UtcTime now, QString* error,
                       std::optional<SettingOrigin> auditAs = std::nullopt);
    // SPEC 1: what E was last set to and when; absent when E was never set through an
    // audited `account set --equity` or a sync. The stored equity adds every mark since.
    bool loadEquityBasis(std::optional<EquityBasis>* out, QString* error) const;
    // Upserts by normalised symbol; qty == 0 removes the position (SPEC 9).
    bool setPosition(const Position& position, UtcTime now, QString* error);
    // The same; with `keepStoredEntry` the stored avg_entry_usd is kept (position.avgEntryUsd
    // is used only for a new position), in the same statement (issue 12 item 9).
    bool setPosition(const Position& position, bool keepStoredEntry, UtcTime now, QString* error);
    // Many positions in ONE transaction; with `replaceAll` the book becomes exactly `positions`
    // (a broker import). All or nothing.
    bool setPositions(const std::vector<Position>& positions, bool replaceAll, UtcTime now,
                      QString* error);
    // `found` tells whether the symbol was held (nothing changes when it was not). Removes
    // the row stored under `symbol` exactly as given too, so a row a bot wrote with a bad
    // symbol ("aapl", "BTC/USD") can be removed (issue 12 item 3).
    bool removePosition(const QString& symbol, bool* found, QString* error);
    // SPEC 1: the mark's P&L, qty x the price change, is added to the stored equity.
    bool markPrice(const QString& symbol, double priceUsd, UtcTime now, bool* found,
                   QString* error);

    // --- broker sync (SPEC 14, StoreBrokerSync.cpp) --------------------------------------
    // Equity, buying power, the whole book, a snapshot (value = equity) and the audit row
    // (origin, removed symbols) in ONE transaction: all or nothing.
    bool applyBrokerSync(const BrokerSync& sync, UtcTime now, BrokerSyncRecord* written,
                         QString* error);
    // `out` stays empty when no sync ever ran.
    bool loadLastBrokerSync(std::optional<BrokerSyncRecord>* out, QString* error) const;

    // --- margin (SPEC 15, StoreMargin.cpp) ----------------------------------------------
    // The overrides and the broker's synced rates, as the margin model takes them.
    bool loadMarginRates(MarginRates* out, QString* error) const;
    // The overrides with the time each was set, by symbol.
    bool loadMarginOverrides(std::vector<MarginOverride>* out, QString* error) const;
    // Sets (rate) or removes (nullopt) the override of `symbol`, with a settings_audit row
    // (key margin_rate:SYMBOL), in one transaction. The rate must lie in [floor, 1] for the
    // stored maintenance_floor: a refusal sets `refused` (bad input). Removing an override
    // that is not there sets `found` false and writes nothing.
    bool writeMarginOverride(const QString& symbol, std::optional<double> rate,
                             SettingOrigin origin, UtcTime now, bool* found, bool* refused,
                             QString* error);
    // When each symbol's broker rate was last fetched (the sync reads a symbol at most once
    // a day).
    bool loadBrokerRateTimes(QHash<QString, UtcTime>* out, QString* error) const;

    // --- the close (SPEC 17, StoreClosePlans.cpp) ---------------------------------------
    // Records a plan once (a plan id already stored is left as it is).
    bool recordClosePlan(const ClosePlanRecord& plan, QString* error);
    // One order's outcome with its settings_audit row (key close_order:SYMBOL, detail: the
    // plan, order and outcome), in one transaction; a second outcome of the same
    // client_order_id replaces the first.
    bool recordCloseOrder(const CloseOrderRecord& order, QString* error);
    // Every plan, newest first, each with its orders.
    bool loadClosePlans(std::vector<ClosePlanRecord>* out, QString* error) const;
    // Orders recorded at or after `since`, oldest first.
    bool loadCloseOrdersSince(UtcTime since, std::vector<CloseOrderRecord>* out,
                              QString* error) const;

    // --- snapshots (SPEC 4) -----------------------------------------------------------
    bool addSnapshot(const PortfolioSnapshot& snapshot, double equityUsd, double grossUsd,
                     QString* error);
    // Oldest first; `limit` <= 0 means all.
    // A row whose time is unreadable is added to `problems` and left out (an error when
    // `problems` is null).
    bool loadSnapshots(std::vector<SnapshotRecord>* out, int limit, QString* error,
                       std::vector<StoreProblem>* problems = nullptr) const;
    // What the drawdown guard needs from the history (issue 12 item 10: two index lookups,
    // not every row, in one statement): the high-water mark (stamped `now`) and the last snapshot
    // before New York midnight, as at most two snapshots for kelly::evaluateDrawdownGuard.
    bool loadGuardSnapshots(UtcTime now, std::vector<PortfolioSnapshot>* out, QString* error) const;
    // SPEC 4 from the stored snapshots and the stored max_gross_leverage setting. A row whose
    // observed_at is no real instant (written before schema 12) is skipped and, with
    // `problems`, named (issue 24 item 10).
    bool riskThreshold(UtcTime now, double maxGrossLeverage, double* threshold, QString* error,
                       std::vector<StoreProblem>* problems = nullptr) const;
    // A sizing call's reads of the two above (the guard's only `withGuard`) in one statement.
    bool loadSizingSnapshots(UtcTime now, bool withGuard, double maxGrossLeverage,
                             std::vector<PortfolioSnapshot>* guard, double* threshold,
                             QString* error, std::vector<StoreProblem>* problems) const;

    // --- settings (SPEC 7) -------------------------------------------------------------
    // The stored text, or the default when never set.
    bool readSetting(SettingKey key, QString* value, QString* error) const;
    // Validates, writes and appends an audit row in one transaction. Writing the current
    // value again changes nothing and writes no audit row.
    // `detail` is recorded with the audit row (issue 6: the figures that tripped the guard).
    // SPEC 7: the stored settings with this value must keep the rules (checkSettingRules),
    // except a switch to halt, which always lands (safety wins). `failure` says why a write
    // was refused (Refused: bad input). Committed with synchronous=FULL (issue 12): a control
    // must survive a power loss, not only a crash.
    bool writeSetting(SettingKey key, const QString& value, SettingOrigin origin, UtcTime now,
                      QString* error, const std::optional<QString>& detail = std::nullopt);
    // The same, checking the candidate with `environment`'s overrides too (kellyctl, the
    // dashboard): a value that would contradict an override is refused as well.
    bool writeSetting(SettingKey key, const QString& value, SettingOrigin origin, UtcTime now,
                      const Environment& environment, QString* error,
                      SettingsFailure* failure = nullptr);
    // Issue 24: any write of the mode refuses to leave a halt (Refused, naming `mode`): only
    // resumeFromHalt lifts one. switchMode is that write compared with the mode the caller
    // saw: it lands only when the store still holds `seen` (or already `wanted`), so a halt or
    // another desk's switch written in between is never overwritten. A halt always lands.
    bool switchMode(SizingMode seen, SizingMode wanted, SettingOrigin origin, UtcTime now,
                    const Environment* environment, QString* error,
                    SettingsFailure* failure = nullptr,
                    const std::optional<QString>& detail = std::nullopt);
    // Issue 24 item 3: a halt lands within a second however busy the store is. The halt
    // marker is written without the lock settings writers take (SQLite: haltMarkerPath, a file
    // beside the store renamed into place; PostgreSQL: the mode's audit row) and every
    // effectiveSettings reads it as halt. The stored mode follows through writeSetting when
    // the lock comes; only resumeFromHalt lowers the marker. README.md has the design.
    bool raiseHaltMarker(SettingOrigin origin, UtcTime now, QString* error);
    bool haltMarkerRaised(bool* raised, QString* error) const;
    QString haltMarkerPath() const; // empty for PostgreSQL
    // Issue 6: leaves the halt for the mode in force before it (the old value of the audit row
    // that switched to halt; enhanced if there is none), audited, in one transaction.
    // `wasHalted` false means the stored mode was not halt and nothing was written.
    bool resumeFromHalt(SettingOrigin origin, UtcTime now, bool* wasHalted, SizingMode* resumedMode,
                        QString* error);
    // The newest audit row that switched the mode to halt, when the stored mode is halt.
    bool loadHaltEntry(std::optional<AuditEntry>* out, QString* error) const;
    bool effectiveSettings(const Environment& environment, EffectiveSettings* out, QString* error,
                           SettingsFailure* failure = nullptr) const;
    // Newest first; `limit` <= 0 means all. Text comes back printable(): a bot may write the
    // table directly.
    bool loadAudit(std::vector<AuditEntry>* out, int limit, QString* error) const;

    // --- sizing decisions (SPEC 9) -----------------------------------------------------
    // One transaction: the decision row (issue 24 item 6: its log line is written after the
    // commit, and pruning runs outside it, so concurrent decisions never conflict) and what
    // `inTransaction` adds with the new id: serve's stored answer (item 8).
    using DecisionHook = std::function<bool(qint64 decisionId, QString* error)>;
    bool recordDecision(const SizingDecision& decision, qint64* id, QString* error,
                        const DecisionHook& inTransaction = {});
    // Takes back a committed decision whose log line could not be written (one line per
    // recorded decision), with its stored serve answer.
    bool deleteDecision(qint64 id, QString* error);
    // decision_retention_days (issue 24 items 6 and 12): whether any sizing decision or
    // broker sync is older than `cutoff` (one index lookup per table), and deleting them
    // outside any decision, in batches, each its own transaction. On PostgreSQL one process
    // at a time prunes (an advisory lock; a process that finds it held leaves the work to its
    // holder and says so through `busy`).
    bool hasExpired(UtcTime cutoff, bool* expired, QString* error) const;
    bool pruneExpired(UtcTime cutoff, bool* busy, QString* error);
    // Newest first; `limit` <= 0 means all. Text comes back printable(), as for the audit.
    bool loadDecisions(std::vector<SizingDecision>* out, int limit, QString* error) const;
    // SPEC 14's request_id across serve processes (issue 24 item 8): the answer a recorded
    // decision got. `out` stays empty when the id was never answered. The insert runs inside
    // the decision's transaction (recordDecision's inTransaction); a second answer to one id
    // fails there, so two processes racing on one id record one decision.
    bool loadServeAnswer(const QString& requestId, std::optional<QByteArray>* out,
                         QString* error) const;
    bool insertServeAnswer(const QString& requestId, qint64 decisionId, UtcTime answeredAt,
                           const QByteArray& answerJson, QString* error);

    // --- correlation builds (SPEC 5) ---------------------------------------------------
    // `packed`, when given, must be packCorrelation of this build (made before its repair is
    // fine); otherwise the build is packed here.
    bool saveCorrelationBuild(const CorrelationBuild& build, UtcTime builtAt, qint64* id,
                              QString* error, const PackedCorrelation* packed = nullptr);
    // `out` stays empty when no build was ever saved.
    bool loadLatestCorrelationBuild(std::optional<StoredCorrelationBuild>* out,
                                    QString* error) const;
    // The id of the latest build (`out` empty when none): a poller re-reads the build only
    // when this moved, since a saved build never changes (issue 7 soak).
    bool latestCorrelationBuildId(std::optional<qint64>* out, QString* error) const;
    // The stored metrics of one symbol from the latest build (sizing's SPEC 2.4 input).
    bool loadLatestMetrics(const QString& symbol, std::optional<VolatilityMetrics>* out,
                           QString* error) const;
    // SPEC 11's input for one order from the latest build, read without assembling the whole
    // build (a 500-symbol build doubled `kellyctl size`): equal to kelly::bookCorrelationFromBuild
    // on the loaded build. `dataDate` is the build's data's date (SPEC 5, as
    // correlationDataDate); it stays empty when no build was ever saved.
    bool loadOrderCorrelation(const QString& symbol, const Account& account,
                              std::optional<UtcTime>* dataDate, BookCorrelation* out,
                              QString* error) const;

    // True when the last failed write could not take the write lock within the busy
    // timeout (another connection kept it): worth retrying, as an emergency halt does.
    bool lastWriteWasBusy() const;

    // --- one snapshot for several reads (issue 11) ----------------------------------------
    // The loads between beginRead and endRead read one state of the store (one read
    // transaction), so a sizing call or a dashboard state never mixes two commits. No write
    // may run in between. endRead does nothing when no read is open.
    bool beginRead(QString* error);
    void endRead();

    // --- sizing-lab runs (SPEC 12, StoreLabRuns.cpp) -------------------------------------
    // The run, its metrics and curves in one transaction; refuses a non-finite figure.
    bool saveLabRun(const LabRunRecord& run, qint64* id, QString* error);
    // Newest first, metrics without curves; `limit` <= 0 means all.
    bool loadLabRuns(std::vector<LabRunRecord>* out, int limit, QString* error) const;
    // One run with its curves; `out` stays empty when there is no run `id`.
    bool loadLabRun(qint64 id, std::optional<LabRunRecord>* out, QString* error) const;

    // --- copy (SPEC 13, StoreCopy.cpp) ---------------------------------------------------
    enum class CopyFailure
    {
        TargetNotEmpty, // refused: the target holds rows (bad input)
        StoreError
    };
    // Every row of every table of this store into `target`, which must be open and empty,
    // in ONE transaction on the target from one read snapshot of this store: all or nothing.
    // `copied` lists each table with its row count.
    bool copyTo(Store& target, std::vector<std::pair<QString, qint64>>* copied,
                CopyFailure* failure, QString* error);

    // --- change detection ----------------------------------------------------------------
    // Reopens a PostgreSQL connection that was lost (once per call) before failing.
    bool changeStamp(ChangeStamp* out, QString* error) const;
    // SPEC 13 (PostgreSQL only): LISTENs for the NOTIFY every committing change sends, and
    // calls `onChange` on this connection's thread (which needs an event loop) for each. It
    // listens again after a reconnect. False for a SQLite store, which is polled.
    bool listenForChanges(std::function<void()> onChange, QString* error);

    class Impl; // opaque; StoreImpl.h, for the store's own translation units

private:
    Impl* m_impl;
};

} // namespace kelly::store
