// `kelly` (SPEC 18): the Kelly fraction the store holds, the multiple of full Kelly it holds a
// stock and crypto at, what that multiple risks, and the setting a drawdown budget allows.

#include "Session.h"
#include "Values.h"
#include "sizing/KellyOdds.h"

namespace kelly::ctl {

namespace {

QString percent(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

} // namespace

int runKelly(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    store::EffectiveSettings settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &settings, &error, &failure))
        return session.settingsFailure(failure, error);

    const bool hasDrawdown = in.has(QStringLiteral("drawdown"));
    const bool hasProbability = in.has(QStringLiteral("probability"));
    if (hasDrawdown != hasProbability)
        return session.badInput(
            QStringLiteral("%1: a drawdown budget needs both --drawdown D"
                           " and --probability P")
                .arg(hasDrawdown ? QStringLiteral("probability") : QStringLiteral("drawdown")));
    if (in.has(QStringLiteral("apply")) && !hasDrawdown)
        return session.badInput(QStringLiteral("drawdown: --apply stores the setting a budget"
                                               " gives: add --drawdown D --probability P"));
    std::optional<DrawdownBudget> budget;
    if (hasDrawdown) {
        const auto drawdown = parseNumber(in.value(QStringLiteral("drawdown")),
                                          QStringLiteral("drawdown"), Sign::Any, &error);
        if (!drawdown)
            return session.badInput(error);
        const auto probability = parseNumber(in.value(QStringLiteral("probability")),
                                             QStringLiteral("probability"), Sign::Any, &error);
        if (!probability)
            return session.badInput(error);
        Result<DrawdownBudget> computed = kellyForDrawdownBudget(*drawdown, *probability);
        if (!computed)
            return session.badInput(QString::fromStdString(computed.error().describe()));
        budget = computed.value();
    }

    const double leverage = settings.limits.intradayLeverage;
    const double stockMultiple = settings.kellyFraction * leverage;
    const double pHalve = everFallsToProbability(stockMultiple, 0.5);
    const double pDown20 = everFallsToProbability(stockMultiple, 0.8);
    // SPEC 18: the setting that holds a stock at c* at the intraday limit (0 without a budget).
    const double setting = budget ? budget->effectiveFraction / leverage : 0.0;

    if (in.has(QStringLiteral("apply"))) {
        if (!session.store.writeSetting(
                store::SettingKey::KellyFraction, QString::number(setting, 'g', 17),
                store::SettingOrigin::Cli, session.now, session.environment, &error, &failure))
            return session.settingsFailure(failure, error);
    }

    if (session.json()) {
        QJsonObject json{{QStringLiteral("kelly_fraction"), settings.kellyFraction},
                         {QStringLiteral("intraday_limit"), leverage},
                         {QStringLiteral("stock_multiple"), stockMultiple},
                         {QStringLiteral("crypto_multiple"), settings.kellyFraction},
                         {QStringLiteral("p_halve"), pHalve},
                         {QStringLiteral("p_down_20"), pDown20},
                         {QStringLiteral("applied"), in.has(QStringLiteral("apply"))}};
        if (budget) {
            json.insert(QStringLiteral("lambda"), budget->lambda);
            json.insert(QStringLiteral("effective_fraction"), budget->effectiveFraction);
            json.insert(QStringLiteral("setting"), setting);
        }
        session.print(json);
        return ExitOk;
    }
    QTextStream& out = session.out;
    out << "kelly_fraction       " << QString::number(settings.kellyFraction, 'g', 6) << '\n'
        << "stock multiple       " << QString::number(stockMultiple, 'g', 4)
        << "x full Kelly (kelly_fraction x the " << QString::number(leverage, 'g', 4)
        << "x intraday limit)\n"
        << "crypto multiple      " << QString::number(settings.kellyFraction, 'g', 4)
        << "x full Kelly (no leverage)\n";
    if (stockMultiple >= 2.0)
        out << "odds (stock)         at 2x Kelly or more the expected growth of a right forecast"
               " is zero or negative: a fall to half is certain in time\n";
    else
        out << "odds (stock)         " << percent(pHalve) << " chance to ever halve, "
            << percent(pDown20) << " to ever be 20% down (if the forecast is right)\n";
    if (budget)
        out << "drawdown budget      lambda " << QString::number(budget->lambda, 'f', 3)
            << ", largest multiple c* " << QString::number(budget->effectiveFraction, 'f', 4)
            << ", setting " << QString::number(setting, 'f', 4) << " (c* / "
            << QString::number(leverage, 'g', 4) << ")"
            << (in.has(QStringLiteral("apply")) ? ": stored\n" : ": add --apply to store it\n");
    return ExitOk;
}

} // namespace kelly::ctl
