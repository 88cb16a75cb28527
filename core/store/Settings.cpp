#include "Settings.h"

#include <QLocale>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <cmath>
#include <limits>

namespace kelly::store {

namespace {

QString defaultCryptoListText()
{
    QStringList names;
    for (const std::string& symbol : kelly::CryptoList::defaultSymbols())
        names << QString::fromStdString(symbol);
    return names.join(QLatin1Char(' '));
}

std::optional<double> parseFinite(const QString& text)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Shortest text that reads back as the same double ("4", "0.065").
QString canonicalNumber(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

// SPEC 7's plausible range of one numeric setting. A leverage limit of 1.0 is a cash account;
// the financing rate is a fraction (6.5% is 0.065) and may be 0 (no borrowing cost).
struct NumberRange
{
    double low;
    bool lowInclusive;
    double high; // inf: no upper bound
};

NumberRange rangeOf(SettingKey key)
{
    constexpr double kNoBound = std::numeric_limits<double>::infinity();
    switch (key) {
    case SettingKey::MaxIntradayLeverage:
    case SettingKey::MaxOvernightLeverage:
        return {1.0, true, 10.0};
    case SettingKey::LeverageCostAnnual:
        return {0.0, true, 0.5};
    case SettingKey::SymbolCapPct:
        return {0.0, false, 100.0};
    case SettingKey::DecisionRetentionDays:
        return {1.0, true, 36500.0};
    case SettingKey::KellyFraction:
    case SettingKey::MaintenanceFloor:
        return {0.0, false, 1.0};
    case SettingKey::MarginCallFallPct:
        return {0.0, true, 50.0};
    default:
        return {0.0, false, kNoBound};
    }
}

QString rangeText(const NumberRange& range)
{
    const QString low = (range.lowInclusive ? QStringLiteral(">= ") : QStringLiteral("> ")) +
                        canonicalNumber(range.low);
    return std::isinf(range.high) ? low
                                  : low + QStringLiteral(" and <= ") + canonicalNumber(range.high);
}

std::optional<QString> canonicalNumberSetting(const SettingSpec& spec, const QString& value,
                                              QString* error)
{
    const std::optional<double> number = parseFinite(value);
    if (!number) {
        *error =
            spec.name + QStringLiteral(": '") + value + QStringLiteral("' is not a finite number");
        return std::nullopt;
    }
    const NumberRange range = rangeOf(spec.key);
    const bool aboveLow = range.lowInclusive ? *number >= range.low : *number > range.low;
    if (!aboveLow || *number > range.high) {
        *error = spec.name + QStringLiteral(": must be ") + rangeText(range) +
                 QStringLiteral(", got ") + value.trimmed() +
                 (spec.key == SettingKey::LeverageCostAnnual
                      ? QStringLiteral(" (a fraction: 6.5% is 0.065)")
                      : QString());
        return std::nullopt;
    }
    return canonicalNumber(*number);
}

std::optional<QString> canonicalCryptoList(const SettingSpec& spec, const QString& value,
                                           QString* error)
{
    QStringList symbols;
    const QStringList parts =
        value.split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const std::string normalized = normalizeSymbol(part.toStdString());
        if (!isValidSymbol(normalized)) {
            *error = spec.name + QStringLiteral(": '") + part + QStringLiteral("' is not a symbol");
            return std::nullopt;
        }
        const QString symbol = QString::fromStdString(normalized);
        if (!symbols.contains(symbol))
            symbols << symbol;
    }
    return symbols.join(QLatin1Char(' '));
}

// Issue 6: a guard limit is off (empty) or a percentage strictly between 0 and 100.
std::optional<QString> canonicalGuardPct(const SettingSpec& spec, const QString& value,
                                         QString* error)
{
    if (value.trimmed().isEmpty())
        return QStringLiteral(""); // empty, not null: the column is NOT NULL
    const std::optional<double> number = parseFinite(value);
    if (!number || *number <= 0.0 || *number >= 100.0) {
        *error = spec.name +
                 QStringLiteral(": must be empty (off) or a percentage > 0 and < 100,"
                                " got '") +
                 value + QLatin1Char('\'');
        return std::nullopt;
    }
    return canonicalNumber(*number);
}

// Issue 16: the dashboard's broker sync is off (empty) or every 5 s to a day. Alpaca allows
// 200 requests a minute and a sync makes two.
std::optional<QString> canonicalSyncInterval(const SettingSpec& spec, const QString& value,
                                             QString* error)
{
    if (value.trimmed().isEmpty())
        return QStringLiteral("");
    const std::optional<double> number = parseFinite(value);
    if (!number || *number < 5.0 || *number > 86400.0) {
        *error = spec.name +
                 QStringLiteral(": must be empty (off) or seconds from 5 to 86400, got '") + value +
                 QLatin1Char('\'');
        return std::nullopt;
    }
    return canonicalNumber(*number);
}

// SPEC 11's switch: canonical "true" / "false"; common spellings of both are accepted.
std::optional<QString> canonicalBool(const SettingSpec& spec, const QString& value, QString* error)
{
    const QString lower = value.trimmed().toLower();
    for (const char* yes : {"true", "1", "yes", "on"})
        if (lower == QLatin1String(yes))
            return QStringLiteral("true");
    for (const char* no : {"false", "0", "no", "off"})
        if (lower == QLatin1String(no))
            return QStringLiteral("false");
    *error =
        spec.name + QStringLiteral(": must be true or false, got '") + value + QLatin1Char('\'');
    return std::nullopt;
}

std::optional<double> guardLimit(const QString& canonical)
{
    return canonical.isEmpty() ? std::nullopt : std::optional<double>(canonical.toDouble());
}

// SPEC 7: USE_ENHANCED_KELLY_SIZING is true/false; common spellings of both are accepted.
std::optional<QString> modeFromEnvironment(const QString& text)
{
    const QString lower = text.trimmed().toLower();
    if (lower == QLatin1String("true") || lower == QLatin1String("1") ||
        lower == QLatin1String("yes") || lower == QLatin1String("on"))
        return QStringLiteral("enhanced");
    if (lower == QLatin1String("false") || lower == QLatin1String("0") ||
        lower == QLatin1String("no") || lower == QLatin1String("off"))
        return QStringLiteral("legacy");
    return std::nullopt;
}

} // namespace

QString settingOriginName(SettingOrigin origin)
{
    switch (origin) {
    case SettingOrigin::Cli:
        return QStringLiteral("cli");
    case SettingOrigin::Dashboard:
        return QStringLiteral("dashboard");
    case SettingOrigin::Guard:
        return QStringLiteral("guard");
    }
    return QStringLiteral("cli");
}

const std::vector<SettingSpec>& settingRegistry()
{
    static const std::vector<SettingSpec> registry{
        {SettingKey::Mode, QStringLiteral("mode"), QStringLiteral("enhanced"),
         QStringLiteral("USE_ENHANCED_KELLY_SIZING"),
         QStringLiteral("sizing method: enhanced (Kelly_50pct @ 4x) or legacy"),
         QStringLiteral("Sizing mode"), QString(), QStringLiteral("enhanced, legacy or halt")},
        {SettingKey::MaxIntradayLeverage, QStringLiteral("max_intraday_leverage"),
         QStringLiteral("4"), QStringLiteral("MAX_INTRADAY_LEVERAGE"),
         QStringLiteral("intraday gross leverage limit L"),
         QStringLiteral("Intraday leverage limit"), QStringLiteral("x equity"),
         QStringLiteral("1 to 10, and at least the overnight limit; 1 is a cash account")},
        {SettingKey::MaxOvernightLeverage, QStringLiteral("max_overnight_leverage"),
         QStringLiteral("2"), QStringLiteral("MAX_OVERNIGHT_LEVERAGE"),
         QStringLiteral("gross leverage limit at the US close L_on"),
         QStringLiteral("Overnight leverage limit"), QStringLiteral("x equity"),
         QStringLiteral("1 up to the intraday limit")},
        {SettingKey::SymbolCapPct, QStringLiteral("symbol_cap_pct"), QStringLiteral("60"),
         QString(),
         QStringLiteral("per-symbol exposure cap, a share of equity checked before leverage"),
         QStringLiteral("Per-symbol cap"), QStringLiteral("% of equity"),
         QStringLiteral("more than 0, at most 100; a symbol at the cap gets no add")},
        {SettingKey::LeverageCostAnnual, QStringLiteral("leverage_cost_annual"),
         QStringLiteral("0.065"), QString(),
         QStringLiteral("annual margin rate for overnight financing (360-day count)"),
         QStringLiteral("Margin rate"), QStringLiteral("fraction per year"),
         QStringLiteral("0 to 0.5 (a fraction: 6.5% is 0.065)")},
        {SettingKey::MaxGrossLeverage, QStringLiteral("max_gross_leverage"), QStringLiteral("2"),
         QString(), QStringLiteral("max_gross of the legacy risk threshold"),
         QStringLiteral("Legacy max gross leverage"), QStringLiteral("x equity"),
         QStringLiteral("more than 0; legacy uses at least 2 on a day the book is up")},
        {SettingKey::CryptoList, QStringLiteral("crypto_list"), defaultCryptoListText(), QString(),
         QStringLiteral("symbols sized as crypto (no leverage), space separated"),
         QStringLiteral("Crypto symbols"), QStringLiteral("symbols"),
         QStringLiteral("symbols separated by spaces or commas (BTC/USD counts as BTCUSD)")},
        {SettingKey::GuardDrawdownPct, QStringLiteral("guard_drawdown_pct"), QString(), QString(),
         QStringLiteral("halt when equity is this % below its high-water mark (empty = off)"),
         QStringLiteral("Drawdown guard"), QStringLiteral("% below the high-water mark"),
         QStringLiteral("empty (off), or more than 0 and less than 100")},
        {SettingKey::GuardDayLossPct, QStringLiteral("guard_day_loss_pct"), QString(), QString(),
         QStringLiteral("halt when equity is this % below the day's start (empty = off)"),
         QStringLiteral("Day-loss guard"), QStringLiteral("% below the day's start"),
         QStringLiteral("empty (off), or more than 0 and less than 100")},
        {SettingKey::DecisionRetentionDays, QStringLiteral("decision_retention_days"),
         QStringLiteral("365"), QString(),
         QStringLiteral("days of sizing decisions and sizing log kept (older are pruned)"),
         QStringLiteral("Keep the sizing log"), QStringLiteral("days"),
         QStringLiteral("a whole number of days from 1 to 36500")},
        {SettingKey::BrokerSyncIntervalS, QStringLiteral("broker_sync_interval_s"), QString(),
         QString(),
         QStringLiteral("the dashboard syncs from the broker (Alpaca) every N s (empty = off)"),
         QStringLiteral("Sync from the broker every"), QStringLiteral("seconds"),
         QStringLiteral("empty (off), or 5 to 86400 s")},
        {SettingKey::CorrelationAware, QStringLiteral("correlation_aware"), QStringLiteral("true"),
         QString(), QStringLiteral("enhanced sizing takes the book's correlation into account"),
         QStringLiteral("Correlation-aware sizing"), QString(), QStringLiteral("true or false")},
        {SettingKey::KellyFraction, QStringLiteral("kelly_fraction"), QStringLiteral("0.5"),
         QString(),
         QStringLiteral("share of the full Kelly fraction bet before leverage (0.5: half-Kelly)"),
         QStringLiteral("Kelly fraction"), QStringLiteral("of full Kelly"),
         QStringLiteral("more than 0, at most 1; a stock is then held at this x the intraday"
                        " limit times full Kelly")},
        {SettingKey::MarginCallFallPct, QStringLiteral("margin_call_fall_pct"), QStringLiteral("5"),
         QString(), QStringLiteral("no add may leave the book within this fall of a margin call"),
         QStringLiteral("Margin call safety fall"), QStringLiteral("% fall of every price"),
         QStringLiteral("0 (up to the broker's line) to 50")},
        {SettingKey::MaintenanceFloor, QStringLiteral("maintenance_floor"), QStringLiteral("0.25"),
         QString(), QStringLiteral("no maintenance margin rate is taken below this (FINRA: 0.25)"),
         QStringLiteral("Maintenance rate floor"), QStringLiteral("fraction of value"),
         QStringLiteral("more than 0, at most 1 (0.25 is FINRA's 25%)")},
    };
    return registry;
}

const SettingSpec& settingSpec(SettingKey key)
{
    for (const SettingSpec& spec : settingRegistry())
        if (spec.key == key)
            return spec;
    return settingRegistry().front(); // unreachable: every key is registered
}

const SettingSpec* findSetting(const QString& name)
{
    for (const SettingSpec& spec : settingRegistry())
        if (spec.name == name.trimmed().toLower())
            return &spec;
    return nullptr;
}

std::optional<QString> canonicalSettingValue(SettingKey key, const QString& value, QString* error)
{
    QString ignored;
    QString* message = error ? error : &ignored;
    const SettingSpec& spec = settingSpec(key);
    switch (key) {
    case SettingKey::Mode: {
        const QString lower = value.trimmed().toLower();
        if (!parseSizingMode(lower.toStdString())) {
            *message = spec.name + QStringLiteral(": must be enhanced, legacy or halt, got '") +
                       value + QLatin1Char('\'');
            return std::nullopt;
        }
        return lower;
    }
    case SettingKey::MaxIntradayLeverage:
    case SettingKey::MaxOvernightLeverage:
    case SettingKey::SymbolCapPct:
    case SettingKey::MaxGrossLeverage:
    case SettingKey::LeverageCostAnnual:
    case SettingKey::KellyFraction:
    case SettingKey::MarginCallFallPct:
    case SettingKey::MaintenanceFloor:
        return canonicalNumberSetting(spec, value, message);
    case SettingKey::DecisionRetentionDays: {
        const std::optional<QString> days = canonicalNumberSetting(spec, value, message);
        if (days && days->contains(QLatin1Char('.'))) {
            *message = spec.name + QStringLiteral(": must be a whole number of days, got ") +
                       value.trimmed();
            return std::nullopt;
        }
        return days;
    }
    case SettingKey::CryptoList:
        return canonicalCryptoList(spec, value, message);
    case SettingKey::GuardDrawdownPct:
    case SettingKey::GuardDayLossPct:
        return canonicalGuardPct(spec, value, message);
    case SettingKey::BrokerSyncIntervalS:
        return canonicalSyncInterval(spec, value, message);
    case SettingKey::CorrelationAware:
        return canonicalBool(spec, value, message);
    }
    return std::nullopt;
}

Environment systemEnvironment()
{
    Environment environment;
    const QProcessEnvironment process = QProcessEnvironment::systemEnvironment();
    for (const SettingSpec& spec : settingRegistry())
        if (!spec.envVar.isEmpty() && process.contains(spec.envVar))
            environment.insert(spec.envVar, process.value(spec.envVar));
    return environment;
}

const EffectiveSetting& EffectiveSettings::entry(SettingKey key) const
{
    for (const EffectiveSetting& e : entries)
        if (e.key == key)
            return e;
    // Not resolved yet (a default-constructed EffectiveSettings): the registry default,
    // unlocked, so no caller has to check for an empty list first.
    static const std::vector<EffectiveSetting> defaults = [] {
        std::vector<EffectiveSetting> all;
        for (const SettingSpec& spec : settingRegistry())
            all.push_back({spec.key, spec.defaultValue, spec.defaultValue, false});
        return all;
    }();
    for (const EffectiveSetting& e : defaults)
        if (e.key == key)
            return e;
    return defaults.front(); // unreachable: the registry declares every key
}

bool checkSettingRules(const EffectiveSettings& settings, QString* error)
{
    // SPEC 7: 1 <= max_overnight_leverage <= max_intraday_leverage <= 10. The ranges are
    // checked per value; what is left is the order of the two limits.
    const EffectiveSetting& intraday = settings.entry(SettingKey::MaxIntradayLeverage);
    const EffectiveSetting& overnight = settings.entry(SettingKey::MaxOvernightLeverage);
    if (overnight.value.toDouble() <= intraday.value.toDouble())
        return true;
    auto source = [](const EffectiveSetting& entry) {
        const SettingSpec& spec = settingSpec(entry.key);
        return entry.lockedByEnv ? QStringLiteral("environment ") + spec.envVar
                                 : QStringLiteral("stored");
    };
    *error = QStringLiteral("%1 (%2, %3) must be <= %4 (%5, %6): the overnight limit cannot"
                            " exceed the intraday limit; lower %1 first, or raise %4")
                 .arg(settingSpec(SettingKey::MaxOvernightLeverage).name, overnight.value,
                      source(overnight), settingSpec(SettingKey::MaxIntradayLeverage).name,
                      intraday.value, source(intraday));
    return false;
}

std::optional<EffectiveSettings> resolveSettings(const QHash<QString, QString>& stored,
                                                 const Environment& environment, QString* error,
                                                 SettingsFailure* failure)
{
    SettingsFailure ignored;
    SettingsFailure& kind = failure ? *failure : ignored;
    EffectiveSettings settings;
    QString message;
    for (const SettingSpec& spec : settingRegistry()) {
        EffectiveSetting entry{spec.key, spec.defaultValue, spec.defaultValue, false};
        if (stored.contains(spec.name)) {
            const auto value = canonicalSettingValue(spec.key, stored.value(spec.name), &message);
            if (!value) {
                *error = QStringLiteral("stored setting ") + message;
                kind = SettingsFailure::StoredValue;
                return std::nullopt;
            }
            entry.storedValue = *value;
        }
        entry.value = entry.storedValue;
        // An empty variable counts as unset, as shells commonly leave `VAR=` behind.
        if (!spec.envVar.isEmpty() && !environment.value(spec.envVar).trimmed().isEmpty()) {
            const QString raw = environment.value(spec.envVar);
            std::optional<QString> value = spec.key == SettingKey::Mode
                                               ? modeFromEnvironment(raw)
                                               : canonicalSettingValue(spec.key, raw, &message);
            if (!value) {
                *error = QStringLiteral("environment ") + spec.envVar + QStringLiteral("='") + raw +
                         QStringLiteral("' is invalid") +
                         (spec.key == SettingKey::Mode ? QStringLiteral(": must be true or false")
                                                       : QStringLiteral(": ") + message);
                kind = SettingsFailure::Environment;
                return std::nullopt;
            }
            // Safety wins (issue 6): the environment cannot lift a stored halt.
            const bool storedHalt =
                spec.key == SettingKey::Mode && entry.storedValue == QLatin1String("halt");
            if (!storedHalt)
                entry.value = *value;
            entry.lockedByEnv = true;
        }
        settings.entries.push_back(entry);
    }

    if (!checkSettingRules(settings, error)) {
        const bool fromEnvironment = settings.lockedByEnv(SettingKey::MaxIntradayLeverage) ||
                                     settings.lockedByEnv(SettingKey::MaxOvernightLeverage);
        kind = fromEnvironment ? SettingsFailure::Environment : SettingsFailure::StoredValue;
        return std::nullopt;
    }

    auto number = [&](SettingKey key) {
        return settings.entry(key).value.toDouble();
    };
    settings.mode = *parseSizingMode(settings.entry(SettingKey::Mode).value.toStdString());
    settings.limits.intradayLeverage = number(SettingKey::MaxIntradayLeverage);
    settings.limits.overnightLeverage = number(SettingKey::MaxOvernightLeverage);
    settings.limits.symbolCapPct = number(SettingKey::SymbolCapPct);
    settings.leverageCostAnnual = number(SettingKey::LeverageCostAnnual);
    settings.maxGrossLeverage = number(SettingKey::MaxGrossLeverage);
    settings.decisionRetentionDays = static_cast<int>(number(SettingKey::DecisionRetentionDays));
    settings.guardLimits.drawdownPct =
        guardLimit(settings.entry(SettingKey::GuardDrawdownPct).value);
    settings.guardLimits.dayLossPct = guardLimit(settings.entry(SettingKey::GuardDayLossPct).value);
    settings.brokerSyncIntervalS =
        guardLimit(settings.entry(SettingKey::BrokerSyncIntervalS).value); // empty = off
    settings.correlationAware =
        settings.entry(SettingKey::CorrelationAware).value == QLatin1String("true");
    settings.kellyFraction = number(SettingKey::KellyFraction);
    settings.marginCallFallPct = number(SettingKey::MarginCallFallPct);
    settings.maintenanceFloor = number(SettingKey::MaintenanceFloor);
    std::vector<std::string> crypto;
    for (const QString& symbol :
         settings.entry(SettingKey::CryptoList).value.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        crypto.push_back(symbol.toStdString());
    settings.cryptoList = kelly::CryptoList(std::move(crypto));
    return settings;
}

} // namespace kelly::store
