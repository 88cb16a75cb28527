#include "SizingService.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSysInfo>

namespace kelly::store {

namespace {

// Collects the core's log lines; they are written only once the decision is committed.
class CollectingSink : public SizingLogSink
{
public:
    void info(std::string_view line) override
    {
        lines << QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
    }
    QStringList lines;
};

// decision_retention_days for the log: once its first line is older than the retention, the
// log moves to NAME.sizing.log.1 (replacing the one before) and a new one starts, so the
// two files hold at most twice the retention. A log is never truncated: other processes
// append to it.
bool logPastRetention(const QString& path, UtcTime cutoff)
{
    QFile file(path);
    // Unbuffered: the stamp's 20 bytes, not a 16 KB buffer of the log, on every recorded call.
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return false; // no log yet
    const QString firstStamp = QString::fromUtf8(file.read(20)).section(QLatin1Char(' '), 0, 0);
    const std::optional<UtcTime> first = parseIsoUtc(firstStamp);
    return first && *first < cutoff;
}

// Issue 24 items 6 and 12: the retention prune runs outside every decision, only when
// something is due (an index lookup per table and the log's first 20 bytes), and in one
// process of this machine at a time (a lock file beside the log; on PostgreSQL the store
// also takes an advisory lock against other machines). A failed prune is retried by the
// next call; it never fails this one.
void applyRetention(Store& store, const QString& logPath, UtcTime cutoff)
{
    bool expired = false;
    QString error;
    if (!store.hasExpired(cutoff, &expired, &error))
        qWarning("decision_retention_days: %s", qPrintable(error));
    if (!expired && !logPastRetention(logPath, cutoff))
        return;
    QDir().mkpath(QFileInfo(logPath).absolutePath());
    QLockFile lock(logPath + QStringLiteral(".prune-lock"));
    if (!lock.tryLock(0))
        return; // another process is pruning
    bool busy = false;
    if (expired && !store.pruneExpired(cutoff, &busy, &error))
        qWarning("decision_retention_days: %s", qPrintable(error));
    if (logPastRetention(logPath, cutoff)) { // checked again under the lock
        const QString previous = logPath + QStringLiteral(".1");
        QFile::remove(previous);
        QFile::rename(logPath, previous);
    }
}

// The decision's lines in one write on a file opened for appending (O_APPEND: lines of
// concurrent processes never interleave nor overwrite each other).
bool appendLog(QFile& file, UtcTime now, const QStringList& lines, QString* error)
{
    QByteArray text;
    for (const QString& line : lines)
        text += (isoUtc(now) + QStringLiteral(" INFO ") + line + QLatin1Char('\n')).toUtf8();
    if (file.write(text) != text.size() || !file.flush()) {
        *error = file.fileName() + QStringLiteral(": cannot append: ") + file.errorString();
        return false;
    }
    return true;
}

// Reads what one call sizes against inside one read snapshot (issue 11): the settings, the
// book, the drawdown guard's snapshots, the SPEC 4 threshold and the symbol's metrics come
// from the same commit. Issue 25: the guard's inputs are read here too, not apart (on
// PostgreSQL each statement is a round trip). The snapshot stays open for the order's
// correlation read: the caller ends it.
bool readSizingInputs(Store& store, const Environment& environment, UtcTime now,
                      const QString& symbol, SizingOutcome* outcome, AccountRecord* account,
                      std::vector<PortfolioSnapshot>* guardSnapshots,
                      std::optional<VolatilityMetrics>* metrics, QString* error,
                      SettingsFailure* settingsFailure)
{
    if (!store.beginRead(error))
        return false;
    const bool read =
        store.effectiveSettings(environment, &outcome->settings, error, settingsFailure) &&
        store.loadAccount(account, error) && store.loadMarginRates(&outcome->marginRates, error) &&
        // Before the first `account set` there is no live equity for the guard to compare.
        store.loadSizingSnapshots(now, account->updatedAt.has_value(),
                                  outcome->settings.maxGrossLeverage, guardSnapshots,
                                  &outcome->riskThreshold, error, &account->problems) &&
        store.loadLatestMetrics(symbol, metrics, error);
    return read;
}

} // namespace

SizingService::SizingService(Store& store, Environment environment)
    : m_store(store), m_environment(std::move(environment))
{}

bool SizingService::size(const SizingCall& call, UtcTime now, SizingOutcome* out, QString* error,
                         SizingFailure* failure)
{
    SizingFailure ignored;
    SizingFailure& kind = failure ? *failure : ignored;
    kind = SizingFailure::Store;

    SizingOutcome outcome;
    const bool keyed = !call.dryRun && !call.requestId.isEmpty();
    if (keyed) {
        if (!m_store.loadServeAnswer(call.requestId, &outcome.replayedAnswer, error))
            return false;
        if (outcome.replayedAnswer) {
            kind = SizingFailure::None;
            *out = std::move(outcome);
            return true;
        }
    }
    AccountRecord account;
    std::vector<PortfolioSnapshot> guardSnapshots;
    std::optional<VolatilityMetrics> metrics;
    const QString symbol = QString::fromStdString(normalizeSymbol(call.request.symbol));
    SettingsFailure settingsFailure = SettingsFailure::StoreError;
    // The inputs' read snapshot, until the correlation is read (or an early return).
    struct EndRead
    {
        Store& store;
        ~EndRead() { store.endRead(); }
    } const snapshot{m_store};
    if (!readSizingInputs(m_store, m_environment, now, symbol, &outcome, &account, &guardSnapshots,
                          &metrics, error, &settingsFailure)) {
        // A malformed or contradictory environment override is the caller's to fix (SPEC 7).
        if (settingsFailure == SettingsFailure::Environment)
            kind = SizingFailure::BadInput;
        return false;
    }
    // The drawdown guard before sizing (issue 6). A trip halts the store; the call then
    // sizes against the store as the halt left it, read again.
    DrawdownGuardService guard(m_store, m_environment);
    outcome.guard =
        DrawdownGuardService::evaluateRead(outcome.settings, account, guardSnapshots, now);
    if (outcome.guard.status.tripped && !outcome.guard.halted) {
        m_store.endRead(); // the halt is a write
        if (!guard.tripIfReached(now, &outcome.guard, error))
            return false;
        account = AccountRecord{};
        guardSnapshots.clear();
        if (!readSizingInputs(m_store, m_environment, now, symbol, &outcome, &account,
                              &guardSnapshots, &metrics, error, &settingsFailure))
            return false;
    }
    if (call.book)
        account.account.positions = *call.book;
    // Issue 12 item 3: a stored row that is not a valid position is left out of the book and
    // reported; sizing the very symbol it may hold would ignore that exposure, so that waits
    // (unless the caller gave the book itself).
    for (const StoreProblem& problem : account.problems) {
        if (!call.book && problem.table == QLatin1String("positions") &&
            QString::fromStdString(normalizeSymbol(problem.key.toStdString())) == symbol) {
            *error = QStringLiteral("cannot size %1: %2").arg(symbol, problem.describe());
            return false;
        }
    }
    outcome.problems = account.problems;
    const EffectiveSettings& settings = outcome.settings;
    outcome.modeLockedByEnv = settings.lockedByEnv(SettingKey::Mode);
    // SPEC 7: the environment overrides the store; an explicit --mode is the caller's own
    // one-off choice and overrides both for this call, except a halt: safety wins (issue 6).
    outcome.requestedMode =
        settings.halted() ? SizingMode::Halt : call.modeOverride.value_or(settings.mode);
    // A build keeps metrics of series too short to measure (fewer than 2 returns) for
    // display; they must not drive a forecast (SPEC 2.4 then uses the defaults). Corrupt
    // values (NaN, negative) are passed on: SPEC 2 makes the sizer fall back to legacy.
    if (metrics && metrics->returnsUsed < 2)
        metrics.reset();

    BookCorrelation correlation;
    const bool enhancedAdd = outcome.requestedMode == SizingMode::Enhanced && !call.request.reduce;
    if (!settings.correlationAware) {
        correlation.unavailable = CorrelationReason::SettingOff;
    } else if (enhancedAdd) { // only an enhanced add reads the build: legacy stays fast
        std::optional<UtcTime> dataDate;
        if (!m_store.loadOrderCorrelation(symbol, account.account, &dataDate, &correlation, error))
            return false;
        if (!dataDate)
            correlation = BookCorrelation{CorrelationReason::NoBuild, {}, {}};
        else if (isCorrelationDataStale(*dataDate, now))
            correlation = BookCorrelation{CorrelationReason::StaleBuild, {}, {}};
    }
    m_store.endRead();

    CollectingSink sink;
    SizingContext context{account.account,
                          settings.limits,
                          settings.cryptoList,
                          outcome.riskThreshold,
                          metrics ? &*metrics : nullptr,
                          &sink,
                          &correlation};
    context.margin = settings.marginPolicy(&outcome.marginRates);
    context.kellyFraction = settings.kellyFraction;
    Result<SizingResult> sized = sizePosition(outcome.requestedMode, call.request, context);
    if (!sized) {
        kind = SizingFailure::BadInput;
        *error = QString::fromStdString(sized.error().describe());
        return false;
    }
    outcome.result = std::move(sized).value();
    outcome.logLines = sink.lines;
    outcome.marginCallFallAfterPct = marginCallFallAfterAdd(outcome.result, context);
    if (outcome.result.correlationAware) {
        const BookCorrelation withoutCorrelation{CorrelationReason::SettingOff, {}, {}};
        context.correlation = &withoutCorrelation;
        context.log = nullptr; // one call, one log line
        Result<SizingResult> plain = sizePosition(outcome.requestedMode, call.request, context);
        if (plain)
            outcome.uncorrelated = std::move(plain).value();
    }

    if (!call.dryRun) {
        SizingDecision decision;
        decision.decidedAt = now;
        decision.origin = call.origin;
        decision.host = QSysInfo::machineHostName();
        decision.modeLockedByEnv = outcome.modeLockedByEnv;
        decision.requestedMode = outcome.requestedMode;
        decision.muGiven = call.request.muDaily;
        decision.sigmaGiven = call.request.sigmaDaily;
        decision.equityUsd = account.account.equityUsd;
        decision.buyingPowerUsd = account.account.buyingPowerUsd;
        decision.riskThreshold = outcome.riskThreshold;
        decision.limits = settings.limits;
        decision.result = outcome.result;
        // Issue 24 item 6: one log line per recorded decision, under any retry. The log is
        // opened before the decision (a log that cannot be written refuses the call with
        // nothing recorded); the decision's transaction, retried as a whole, holds the row
        // alone; its lines are appended once, after the commit; a failed append takes the
        // committed row back.
        const QString logPath = m_store.sizingLogPath();
        applyRetention(m_store, logPath, now - std::chrono::days(settings.decisionRetentionDays));
        QFile log(logPath);
        const auto openLog = [&] {
            return log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text);
        };
        // A PostgreSQL store's log goes to app-data, made on the first call that finds none.
        if (!openLog() && !(QDir().mkpath(QFileInfo(logPath).absolutePath()) && openLog())) {
            *error = logPath + QStringLiteral(": cannot append: ") + log.errorString();
            return false;
        }
        // SPEC 14's request_id: the answer is stored in the decision's own transaction.
        const auto storeAnswer = [&](qint64 decisionId, QString* answerError) {
            outcome.decisionId = decisionId;
            return m_store.insertServeAnswer(call.requestId, decisionId, now,
                                             call.renderAnswer(outcome), answerError);
        };
        if (!m_store.recordDecision(decision, &outcome.decisionId, error,
                                    keyed && call.renderAnswer ? storeAnswer
                                                               : Store::DecisionHook{}))
            return false;
        if (!appendLog(log, now, outcome.logLines, error)) {
            QString undo;
            if (!m_store.deleteDecision(outcome.decisionId, &undo))
                *error += QStringLiteral("; decision %1 stays recorded without its line: %2")
                              .arg(outcome.decisionId)
                              .arg(undo);
            outcome.decisionId = 0;
            return false;
        }
    }
    kind = SizingFailure::None;
    *out = std::move(outcome);
    return true;
}

} // namespace kelly::store
