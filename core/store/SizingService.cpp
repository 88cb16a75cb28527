#include "SizingService.h"

#include <QFile>
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

bool appendLog(const QString& path, UtcTime now, const QStringList& lines, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        *error = path + QStringLiteral(": cannot append: ") + file.errorString();
        return false;
    }
    QByteArray text;
    for (const QString& line : lines)
        text += (isoUtc(now) + QStringLiteral(" INFO ") + line + QLatin1Char('\n')).toUtf8();
    // One write call per decision, so lines of concurrent processes do not interleave.
    if (file.write(text) != text.size()) {
        *error = path + QStringLiteral(": cannot append: ") + file.errorString();
        return false;
    }
    return true;
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
    DrawdownGuardService guard(m_store, m_environment);
    if (!guard.check(now, &outcome.guard, error))
        return false;
    if (!m_store.effectiveSettings(m_environment, &outcome.settings, error))
        return false;
    const EffectiveSettings& settings = outcome.settings;
    outcome.modeLockedByEnv = settings.lockedByEnv(SettingKey::Mode);
    // SPEC 7: the environment overrides the store; an explicit --mode is the caller's own
    // one-off choice and overrides both for this call, except a halt: safety wins (issue 6).
    outcome.requestedMode =
        settings.halted() ? SizingMode::Halt : call.modeOverride.value_or(settings.mode);

    AccountRecord account;
    if (!m_store.loadAccount(&account, error))
        return false;
    if (!m_store.riskThreshold(now, settings.maxGrossLeverage, &outcome.riskThreshold, error))
        return false;
    std::optional<VolatilityMetrics> metrics;
    const QString symbol = QString::fromStdString(normalizeSymbol(call.request.symbol));
    if (!m_store.loadLatestMetrics(symbol, &metrics, error))
        return false;
    // A build keeps metrics of series too short to measure (fewer than 2 returns) for
    // display; they must not drive a forecast (SPEC 2.4 then uses the defaults). Corrupt
    // values (NaN, negative) are passed on: SPEC 2 makes the sizer fall back to legacy.
    if (metrics && metrics->returnsUsed < 2)
        metrics.reset();

    CollectingSink sink;
    const SizingContext context{account.account,
                                settings.limits,
                                settings.cryptoList,
                                outcome.riskThreshold,
                                metrics ? &*metrics : nullptr,
                                &sink};
    Result<SizingResult> sized = sizePosition(outcome.requestedMode, call.request, context);
    if (!sized) {
        kind = SizingFailure::BadInput;
        *error = QString::fromStdString(sized.error().describe());
        return false;
    }
    outcome.result = std::move(sized).value();
    outcome.logLines = sink.lines;

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
        if (!m_store.recordDecision(decision, &outcome.decisionId, error))
            return false;
        if (!appendLog(m_store.sizingLogPath(), now, outcome.logLines, error))
            return false;
    }
    kind = SizingFailure::None;
    *out = std::move(outcome);
    return true;
}

} // namespace kelly::store
