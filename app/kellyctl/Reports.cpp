// `size` and `status`: the commands that compute figures from the book and the settings.

#include "DrawdownGuardService.h"
#include "Session.h"
#include "SizingService.h"
#include "Values.h"
#include "risk/PortfolioRisk.h"
#include "sizing/Exposure.h"

#include <QLocale>
#include <cmath>

namespace kelly::ctl {

namespace {

QJsonValue jsonOptionalText(const std::optional<std::string>& text)
{
    return text ? QJsonValue(QString::fromStdString(*text)) : QJsonValue(QJsonValue::Null);
}

QJsonArray uncoveredJson(const std::vector<std::string>& symbols)
{
    QJsonArray array;
    for (const std::string& symbol : symbols)
        array.append(QString::fromStdString(symbol));
    return array;
}

// SPEC 11: the largest shares of book_cov, for a reader who wants the why.
QJsonArray contributionsJson(const std::vector<BookCovContribution>& contributions)
{
    QJsonArray array;
    for (const BookCovContribution& c : contributions)
        array.append(QJsonObject{{QStringLiteral("symbol"), QString::fromStdString(c.symbol)},
                                 {QStringLiteral("book_cov"), c.bookCov},
                                 {QStringLiteral("rho"), c.rho},
                                 {QStringLiteral("weight"), c.weight}});
    return array;
}

} // namespace

// SPEC 9 `size --json`: every listed key, plus what the decision row also holds.
QJsonObject sizeJson(const store::SizingOutcome& outcome, bool reduce, bool dryRun)
{
    const SizingResult& r = outcome.result;
    return QJsonObject{
        {QStringLiteral("symbol"), QString::fromStdString(r.symbol)},
        {QStringLiteral("asset_class"), QString::fromLatin1(assetClassName(r.assetClass))},
        {QStringLiteral("method"), QString::fromLatin1(sizingModeName(r.method))},
        {QStringLiteral("requested_mode"),
         QString::fromLatin1(sizingModeName(outcome.requestedMode))},
        {QStringLiteral("mode_locked_by_env"), outcome.modeLockedByEnv},
        {QStringLiteral("price"), r.priceUsd},
        {QStringLiteral("qty"), r.qty},
        {QStringLiteral("qty_raw"), r.qtyRaw},
        {QStringLiteral("base_fraction"), jsonOptional(r.baseFraction)},
        {QStringLiteral("target_fraction"), jsonOptional(r.targetFraction)},
        {QStringLiteral("mu"), jsonOptional(r.muDaily)},
        {QStringLiteral("sigma"), jsonOptional(r.sigmaDaily)},
        {QStringLiteral("risk_multiplier"), r.riskMultiplier},
        {QStringLiteral("risk_threshold"), outcome.riskThreshold},
        {QStringLiteral("binding"), QString::fromLatin1(bindingLimitName(r.binding))},
        {QStringLiteral("exposure_before_pct"), jsonOptional(r.exposureBeforePct)},
        {QStringLiteral("exposure_after_pct"), jsonOptional(r.exposureAfterPct)},
        {QStringLiteral("leverage_before"), jsonOptional(r.leverageBefore)},
        {QStringLiteral("leverage_after"), jsonOptional(r.leverageAfter)},
        {QStringLiteral("fallback_reason"), jsonOptionalText(r.fallbackReason)},
        {QStringLiteral("correlation_aware"), r.correlationAware},
        {QStringLiteral("correlation_reason"),
         r.correlationReason
             ? QJsonValue(QString::fromLatin1(correlationReasonName(*r.correlationReason)))
             : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("book_cov"), jsonOptional(r.bookCov)},
        {QStringLiteral("base_fraction_uncorrelated"), jsonOptional(r.baseFractionUncorrelated)},
        {QStringLiteral("qty_uncorrelated"), jsonOptional(r.qtyUncorrelated)},
        {QStringLiteral("uncovered"), uncoveredJson(r.uncovered)},
        {QStringLiteral("book_cov_largest"), contributionsJson(r.largestContributions)},
        {QStringLiteral("direction"),
         r.direction ? QJsonValue(QString::fromLatin1(positionSideName(*r.direction)))
                     : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("maintenance_before"), r.maintenanceBeforeUsd},
        {QStringLiteral("maintenance_after"), r.maintenanceAfterUsd},
        {QStringLiteral("excess_after"), r.excessAfterUsd},
        {QStringLiteral("margin_call_fall_after_pct"),
         jsonOptional(outcome.marginCallFallAfterPct)},
        {QStringLiteral("kelly_fraction"), outcome.settings.kellyFraction},
        {QStringLiteral("kelly_multiple"), jsonOptional(r.kellyMultiple)},
        {QStringLiteral("reduce"), reduce},
        {QStringLiteral("halted"), outcome.guard.halted},
        {QStringLiteral("guard_tripped"), outcome.guard.trippedNow},
        {QStringLiteral("dry_run"), dryRun},
        {QStringLiteral("decision_id"),
         dryRun ? QJsonValue(QJsonValue::Null) : QJsonValue(outcome.decisionId)},
    };
}

namespace {

QString duration(std::chrono::seconds seconds)
{
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(seconds).count();
    return QStringLiteral("%1h %2m").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString leverageText(const std::optional<double>& leverage)
{
    return leverage ? QString::number(*leverage, 'f', 2) + QLatin1Char('x')
                    : QStringLiteral("n/a (no equity)");
}

// What `status` reports, read once for the text and the JSON faces.
struct StatusFigures
{
    store::EffectiveSettings settings;
    ExposureReport report;
    bool modeLocked = false;
    std::optional<store::StoredCorrelationBuild> stored;
    PortfolioRisk risk;
    std::optional<double> var95;
    std::optional<UtcTime> dataDate; // SPEC 5: the build's data's date
    bool stale = false;
    store::GuardCheck guard;
    std::optional<store::EquityBasis> equityBasis; // SPEC 1: E as set, and when
    // SPEC 15: the margin of the book, with the rates it was computed from.
    MarginRates marginRates;
    MarginReport margin;
    std::vector<std::string> marginSymbols; // aligned with margin.book
    std::optional<double> brokerMaintenance;
};

// SPEC 1: "  (set 100000.00 at 2026-11-25T20:30:00Z by cli; P&L since +4000.00)".
QString equityBasisText(const StatusFigures& figures)
{
    const std::optional<store::EquityBasis>& basis = figures.equityBasis;
    if (!basis)
        return QStringLiteral("  (never set by account set or a sync)");
    const double since = figures.report.equityUsd - basis->equityUsd;
    return QStringLiteral("  (set %1 at %2 by %3; P&L since %4%5)")
        .arg(money(basis->equityUsd), store::isoUtc(basis->setAt), basis->origin,
             since < 0.0 ? QStringLiteral("-") : QStringLiteral("+"), money(std::abs(since)));
}

int loadStatus(const Session& session, StatusFigures* figures, QString* error)
{
    store::EffectiveSettings& settings = figures->settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &settings, error, &failure))
        return failure == store::SettingsFailure::Environment ||
                       failure == store::SettingsFailure::Refused
                   ? ExitBadInput
                   : ExitFailure;
    store::AccountRecord record;
    if (!session.store.loadAccount(&record, error))
        return ExitFailure;
    session.reportProblems(record.problems);
    figures->report = computeExposure(record.account, settings.limits, settings.cryptoList,
                                      settings.leverageCostAnnual, session.now);
    figures->modeLocked = settings.lockedByEnv(store::SettingKey::Mode);
    std::optional<store::StoredCorrelationBuild>& stored = figures->stored;
    if (!session.store.loadLatestCorrelationBuild(&stored, error))
        return ExitFailure;
    // SPEC 5 risk needs a build's covariance; without one VaR is unknown (null, not 0).
    // Effective bets need only the weights.
    figures->risk =
        computePortfolioRisk(record.account, stored ? stored->build : CorrelationBuild{});
    if (stored && figures->risk.var95Usd)
        figures->var95 = *figures->risk.var95Usd;
    if (stored)
        figures->dataDate = store::correlationDataDate(stored->build);
    figures->stale =
        stored && (!figures->dataDate || isCorrelationDataStale(*figures->dataDate, session.now));
    if (!session.store.loadMarginRates(&figures->marginRates, error))
        return ExitFailure;
    figures->margin = computeMarginReport(record.account, settings.cryptoList,
                                          settings.marginPolicy(&figures->marginRates),
                                          stored ? figures->risk.sigmaDailyUsd : std::nullopt);
    for (const Position& p : record.account.positions)
        figures->marginSymbols.push_back(p.symbol);
    if (!session.store.loadEquityBasis(&figures->equityBasis, error))
        return ExitFailure;
    std::optional<store::BrokerSyncRecord> sync;
    if (!session.store.loadLastBrokerSync(&sync, error))
        return ExitFailure;
    if (sync)
        figures->brokerMaintenance = sync->maintenanceMarginUsd;
    // Read only: status never trips the guard.
    if (!store::DrawdownGuardService(session.store, session.environment)
             .evaluate(session.now, &figures->guard, error))
        return ExitFailure;
    return ExitOk;
}

QString groupedMoney(double usd)
{
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(usd, 'f', 2);
}

// SPEC 15 in one line: "MR 72,000.00 (72.0%)  excess 28,000.00  call at a 16.7% fall".
QString marginLine(const StatusFigures& figures)
{
    const MarginReport& margin = figures.margin;
    const auto used = margin.book.marginUsedPct();
    QString line = QStringLiteral("MR %1").arg(groupedMoney(margin.book.maintenanceUsd));
    if (used)
        line += QStringLiteral(" (%1%)").arg(QString::number(*used, 'f', 1));
    line += QStringLiteral("  excess %1").arg(groupedMoney(margin.book.excessUsd()));
    if (!margin.callFallPct)
        line += QStringLiteral("  no fall of every price brings a call");
    else if (*margin.callFallPct == 0.0)
        line += QStringLiteral("  MARGIN CALL NOW: equity is under the requirement");
    else
        line += QStringLiteral("  call at a %1% fall")
                    .arg(QString::number(*margin.callFallPct, 'f', 1));
    if (margin.callRisePct)
        line += QStringLiteral(", a %1% rise").arg(QString::number(*margin.callRisePct, 'f', 1));
    if (figures.brokerMaintenance)
        line += QStringLiteral("  (broker: %1)").arg(groupedMoney(*figures.brokerMaintenance));
    return line;
}

QJsonObject statusObject(const StatusFigures& figures)
{
    const ExposureReport& report = figures.report;
    const store::EffectiveSettings& settings = figures.settings;
    const store::GuardCheck& guard = figures.guard;
    const auto& stored = figures.stored;
    const MarginReport& margin = figures.margin;
    QJsonArray positions;
    for (const PositionExposure& p : report.positions) {
        const auto at =
            std::find(figures.marginSymbols.begin(), figures.marginSymbols.end(), p.symbol);
        const size_t i = static_cast<size_t>(at - figures.marginSymbols.begin());
        const bool known = at != figures.marginSymbols.end();
        const RequirementRule* rule = known ? &margin.book.rules[i] : nullptr;
        positions.append(QJsonObject{
            {QStringLiteral("symbol"), QString::fromStdString(p.symbol)},
            {QStringLiteral("asset_class"), QString::fromLatin1(assetClassName(p.assetClass))},
            {QStringLiteral("qty"), p.qty},
            {QStringLiteral("price"), p.priceUsd},
            {QStringLiteral("avg_entry"), p.avgEntryUsd},
            {QStringLiteral("market_value"), p.marketValueUsd},
            {QStringLiteral("unrealized_pnl"), p.unrealizedPnlUsd},
            {QStringLiteral("exposure_pct"), jsonOptional(p.exposurePct)},
            {QStringLiteral("cap_used_pct"), jsonOptional(p.capUsedPct)},
            {QStringLiteral("maintenance_rate"),
             rule ? QJsonValue(rule->rateAt(p.priceUsd)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("rate_source"),
             rule ? QJsonValue(QString::fromLatin1(rateSourceName(rule->source)))
                  : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("maintenance_usd"),
             known ? QJsonValue(margin.book.requirementsUsd[i]) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("call_move_pct"),
             known ? jsonOptional(margin.callMovePct[i]) : QJsonValue(QJsonValue::Null)}});
    }
    const std::optional<store::EquityBasis>& basis = figures.equityBasis;
    return QJsonObject{
        {QStringLiteral("equity"), report.equityUsd},
        // SPEC 1: E as last set (account set or sync), when, by whom, and the marks' P&L since.
        {QStringLiteral("equity_set"), basis ? QJsonValue(basis->equityUsd) : QJsonValue()},
        {QStringLiteral("equity_set_at"),
         basis ? QJsonValue(store::isoUtc(basis->setAt)) : QJsonValue()},
        {QStringLiteral("equity_set_by"), basis ? QJsonValue(basis->origin) : QJsonValue()},
        {QStringLiteral("pnl_since_set"),
         basis ? QJsonValue(report.equityUsd - basis->equityUsd) : QJsonValue()},
        {QStringLiteral("buying_power"), report.buyingPowerUsd},
        {QStringLiteral("gross"), report.grossUsd},
        {QStringLiteral("leverage"), jsonOptional(report.leverage)},
        {QStringLiteral("intraday_limit"), report.intradayLimit},
        {QStringLiteral("overnight_limit"), report.overnightLimit},
        {QStringLiteral("intraday_state"),
         QString::fromLatin1(limitStateName(report.intradayState))},
        {QStringLiteral("overnight_state"),
         QString::fromLatin1(limitStateName(report.overnightState))},
        {QStringLiteral("limits_locked_by_env"),
         settings.lockedByEnv(store::SettingKey::MaxIntradayLeverage) ||
             settings.lockedByEnv(store::SettingKey::MaxOvernightLeverage)},
        {QStringLiteral("reduce_by"), report.reduceByUsd},
        {QStringLiteral("borrowed"), report.borrowedUsd},
        {QStringLiteral("financing_per_night"), report.financingPerNightUsd},
        {QStringLiteral("financing_tonight"), report.financingTonightUsd},
        {QStringLiteral("financed_days_tonight"), report.financedDaysTonight},
        {QStringLiteral("next_close"), store::isoUtc(report.nextClose)},
        {QStringLiteral("time_to_close_seconds"), static_cast<qint64>(report.timeToClose.count())},
        {QStringLiteral("close_warning"), report.closeWarning},
        {QStringLiteral("mode"), QString::fromLatin1(sizingModeName(settings.mode))},
        {QStringLiteral("mode_locked_by_env"), figures.modeLocked},
        {QStringLiteral("halted"), guard.halted},
        {QStringLiteral("high_water_mark"), jsonOptional(guard.status.highWaterMarkUsd)},
        {QStringLiteral("drawdown_pct"), jsonOptional(guard.status.drawdownPct)},
        {QStringLiteral("day_loss_pct"), jsonOptional(guard.status.dayLossPct)},
        {QStringLiteral("guard_drawdown_pct"), jsonOptional(settings.guardLimits.drawdownPct)},
        {QStringLiteral("guard_day_loss_pct"), jsonOptional(settings.guardLimits.dayLossPct)},
        {QStringLiteral("var_95"), jsonOptional(figures.var95)},
        {QStringLiteral("effective_bets"), jsonOptional(figures.risk.effectiveBets)},
        {QStringLiteral("risk_uncovered"),
         uncoveredJson(stored ? figures.risk.uncovered : std::vector<std::string>{})},
        {QStringLiteral("correlation_built_at"),
         stored ? QJsonValue(store::isoUtc(stored->builtAt)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("correlation_data_date"),
         figures.dataDate ? QJsonValue(store::isoUtc(*figures.dataDate).left(10))
                          : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("correlation_stale"), figures.stale},
        {QStringLiteral("maintenance_requirement"), margin.book.maintenanceUsd},
        {QStringLiteral("excess_liquidity"), margin.book.excessUsd()},
        {QStringLiteral("margin_used_pct"), jsonOptional(margin.book.marginUsedPct())},
        {QStringLiteral("margin_call_fall_pct"), jsonOptional(margin.callFallPct)},
        {QStringLiteral("margin_call_rise_pct"), jsonOptional(margin.callRisePct)},
        {QStringLiteral("call_probability_1d"), jsonOptional(margin.callProbability1d)},
        {QStringLiteral("broker_maintenance"), jsonOptional(figures.brokerMaintenance)},
        {QStringLiteral("maintenance_floor"), settings.maintenanceFloor},
        {QStringLiteral("margin_call_safety_fall_pct"), settings.marginCallFallPct},
        {QStringLiteral("positions"), positions},
    };
}

} // namespace

int sizeOnce(const Session& session, const store::SizingCall& call, store::SizingOutcome* outcome,
             QString* error)
{
    store::SizingService service(session.store, session.environment);
    store::SizingFailure failure = store::SizingFailure::None;
    if (service.size(call, session.now, outcome, error, &failure))
        return ExitOk;
    return failure == store::SizingFailure::BadInput ? ExitBadInput : ExitFailure;
}

int statusJson(const Session& session, QJsonObject* json, QString* error)
{
    StatusFigures figures;
    const int code = loadStatus(session, &figures, error);
    if (code == ExitOk)
        *json = statusObject(figures);
    return code;
}

int runSize(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    store::SizingCall call;
    call.request.symbol = in.positionals[0].toStdString();
    const auto price = parseNumber(in.positionals[1], QStringLiteral("PRICE"), Sign::Any, &error);
    if (!price)
        return session.badInput(error);
    call.request.priceUsd = *price; // the sizer names a non-positive price (SPEC 2.1)
    for (const auto& [option, target] :
         {std::pair{QStringLiteral("mu"), &call.request.muDaily},
          std::pair{QStringLiteral("sigma"), &call.request.sigmaDaily}}) {
        if (!in.has(option))
            continue;
        *target = parseNumber(in.value(option), option, Sign::Any, &error);
        if (!*target)
            return session.badInput(error);
    }
    if (in.has(QStringLiteral("mode"))) {
        call.modeOverride = parseSizingMode(in.value(QStringLiteral("mode")).toStdString());
        if (!call.modeOverride)
            return session.badInput(
                QStringLiteral("mode: must be enhanced, legacy or halt, got '") +
                in.value(QStringLiteral("mode")) + QLatin1Char('\''));
    }
    call.request.reduce = in.has(QStringLiteral("reduce"));
    call.dryRun = in.has(QStringLiteral("dry-run"));
    call.origin = QStringLiteral("cli");

    store::SizingOutcome outcome;
    if (const int code = sizeOnce(session, call, &outcome, &error); code != ExitOk)
        return code == ExitBadInput ? session.badInput(error) : session.failure(error);
    session.reportProblems(outcome.problems);
    if (outcome.guard.trippedNow)
        session.err << "kellyctl: drawdown guard tripped: "
                    << QString::fromStdString(outcome.guard.status.reason)
                    << "; mode is now halt (reduce-only)\n";
    if (session.json()) {
        session.print(sizeJson(outcome, call.request.reduce, call.dryRun));
        return ExitOk;
    }
    for (const QString& line : outcome.logLines)
        session.out << line << '\n';
    const SizingResult& r = outcome.result;
    session.out << QString::fromStdString(r.symbol) << ": qty " << quantity(r.qty) << " ("
                << sizingModeName(r.method) << ", binding: " << bindingLimitName(r.binding)
                << (call.dryRun ? ", dry run)" : ")") << '\n';
    if (r.correlationAware && r.bookCov && r.baseFractionUncorrelated && r.qtyUncorrelated)
        session.out << "  correlation-aware (SPEC 11): book_cov "
                    << QString::number(*r.bookCov, 'g', 4) << ", base "
                    << QString::number(*r.baseFractionUncorrelated, 'f', 3) << " -> "
                    << QString::number(r.baseFraction.value_or(0.0), 'f', 3) << ", qty "
                    << quantity(*r.qtyUncorrelated) << " -> " << quantity(r.qty) << '\n';
    else if (r.correlationReason)
        session.out << "  correlation-aware: not applied ("
                    << correlationReasonName(*r.correlationReason) << ")\n";
    return ExitOk;
}

int runStatus(Session& session)
{
    QString error;
    StatusFigures figures;
    if (const int code = loadStatus(session, &figures, &error); code != ExitOk)
        return code == ExitBadInput ? session.badInput(error) : session.failure(error);
    if (session.json()) {
        session.print(statusObject(figures));
        return ExitOk;
    }
    const ExposureReport& report = figures.report;
    const store::EffectiveSettings& settings = figures.settings;
    const store::GuardCheck& guard = figures.guard;
    const bool modeLocked = figures.modeLocked;
    const std::optional<double>& var95 = figures.var95;
    const bool stale = figures.stale;
    const PortfolioRisk& risk = figures.risk;

    QTextStream& out = session.out;
    out << "equity               " << money(report.equityUsd) << equityBasisText(figures) << '\n'
        << "buying power         " << money(report.buyingPowerUsd) << '\n'
        << "gross                " << money(report.grossUsd) << '\n'
        << "leverage             " << leverageText(report.leverage) << "  (intraday limit "
        << QString::number(report.intradayLimit, 'f', 2) << "x "
        << limitStateName(report.intradayState) << ", overnight limit "
        << QString::number(report.overnightLimit, 'f', 2) << "x "
        << limitStateName(report.overnightState) << ")\n"
        << "reduce by close      " << money(report.reduceByUsd) << "  (close in "
        << duration(report.timeToClose) << (report.closeWarning ? ", WARNING" : "") << ")\n"
        << "financing per night  " << money(report.financingPerNightUsd) << "  (tonight "
        << money(report.financingTonightUsd) << " for " << report.financedDaysTonight
        << " day(s))\n"
        << "mode                 " << sizingModeName(settings.mode)
        << (guard.halted ? "  (HALTED: reduce-only, 'kellyctl resume' to leave)"
            : modeLocked ? "  (locked by USE_ENHANCED_KELLY_SIZING)"
                         : "")
        << '\n'
        << "drawdown             "
        << (guard.status.drawdownPct ? QString::number(*guard.status.drawdownPct, 'f', 2) +
                                           QStringLiteral("% below the high-water mark ") +
                                           money(*guard.status.highWaterMarkUsd)
                                     : QStringLiteral("n/a"))
        << (settings.guardLimits.drawdownPct
                ? QStringLiteral("  (guard at %1%)")
                      .arg(QString::number(*settings.guardLimits.drawdownPct, 'f', 2))
                : QStringLiteral("  (guard off)"))
        << '\n'
        << "day loss             "
        << (guard.status.dayLossPct ? QString::number(*guard.status.dayLossPct, 'f', 2) +
                                          QStringLiteral("% below the day's start")
                                    : QStringLiteral("n/a"))
        << (settings.guardLimits.dayLossPct
                ? QStringLiteral("  (guard at %1%)")
                      .arg(QString::number(*settings.guardLimits.dayLossPct, 'f', 2))
                : QStringLiteral("  (guard off)"))
        << '\n'
        << "margin               " << marginLine(figures) << '\n'
        << "VaR 95% (1 day)      "
        << (var95 ? money(*var95) : QStringLiteral("n/a (no correlation build)"))
        << (stale ? QStringLiteral("  (stale: data of %1, older than 7 days)")
                        .arg(figures.dataDate ? store::isoUtc(*figures.dataDate).left(10)
                                              : QStringLiteral("no date"))
                  : QString())
        << '\n'
        << "effective bets       "
        << (risk.effectiveBets ? QString::number(*risk.effectiveBets, 'f', 2)
                               : QStringLiteral("n/a"))
        << '\n';
    for (const PositionExposure& p : report.positions)
        out << QStringLiteral("  %1 %2 @ %3  = %4  exposure %5  cap used %6\n")
                   .arg(QString::fromStdString(p.symbol), -10)
                   .arg(quantity(p.qty), 12)
                   .arg(money(p.priceUsd), 12)
                   .arg(money(p.marketValueUsd), 14)
                   .arg(p.exposurePct ? QString::number(*p.exposurePct, 'f', 1) + QLatin1Char('%')
                                      : QStringLiteral("n/a"),
                        7)
                   .arg(p.capUsedPct ? QString::number(*p.capUsedPct, 'f', 1) + QLatin1Char('%')
                                     : QStringLiteral("n/a"),
                        7);
    return ExitOk;
}

} // namespace kelly::ctl
