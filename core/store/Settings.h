#pragma once

// The settings of SPEC 7, declared once: key, default, validation and environment override.
// Nothing else in the code base spells a setting key; everything goes through this registry.

#include "common/Symbols.h"
#include "lab/Lab.h"
#include "sizing/Account.h"
#include "sizing/DrawdownGuard.h"
#include "sizing/Sizing.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace kelly::store {

enum class SettingKey
{
    Mode,                  // "mode": enhanced | legacy | halt (issue 6, reduce-only)
    MaxIntradayLeverage,   // L, SPEC 1
    MaxOvernightLeverage,  // L_on, SPEC 1
    SymbolCapPct,          // cap, SPEC 1
    LeverageCostAnnual,    // SPEC 6 financing rate
    MaxGrossLeverage,      // SPEC 4 max_gross
    CryptoList,            // SPEC 7 list, space separated
    GuardDrawdownPct,      // issue 6: halt at this % below the high-water mark; empty = off
    GuardDayLossPct,       // issue 6: halt at this % below the day's start; empty = off
    DecisionRetentionDays, // issue 12: days of sizing decisions and sizing log kept
    BrokerSyncIntervalS,   // issue 16: the dashboard syncs from the broker every N s; empty = off
    CorrelationAware,      // SPEC 11: true | false
    KellyFraction,         // SPEC 2.5 / 18: c, the share of the full Kelly fraction
    MarginCallFallPct,     // SPEC 15: k x 100, the fall every add keeps clear of a call
    MaintenanceFloor,      // SPEC 15: no maintenance rate below it
};

// Who changed a setting; written to settings_audit.origin (SPEC 7).
enum class SettingOrigin
{
    Cli,
    Dashboard,
    Guard
};
QString settingOriginName(SettingOrigin origin); // "cli" | "dashboard" | "guard"

struct SettingSpec
{
    SettingKey key;
    QString name;         // the store key and the `kellyctl get/set` KEY
    QString defaultValue; // canonical text
    QString envVar;       // empty when the environment cannot override it
    QString description;  // one line for --help and the dashboard tooltip
    // Issue 17, for the settings dialog: a trader's name for it, its unit, and the values
    // allowed, in words. Validation itself is canonicalSettingValue (and the store's
    // cross-field rules); these only describe it. Defaulted so an entry may omit them.
    QString caption = {};
    QString unit = {};
    QString allowed = {};
};

// Every setting in display order.
const std::vector<SettingSpec>& settingRegistry();
const SettingSpec& settingSpec(SettingKey key);
const SettingSpec* findSetting(const QString& name);

// Validates `value` for `key` and returns its canonical text (numbers in shortest form,
// mode lower-case, crypto symbols normalised and space separated). On failure, `error`
// names the key and why: NaN, inf and values outside SPEC 7's ranges are refused (leverage
// limits 1 to 10, 1.0 being a cash account; leverage_cost_annual 0 to 0.5; symbol_cap_pct
// > 0 and <= 100). Rules across keys are checkSettingRules'.
std::optional<QString> canonicalSettingValue(SettingKey key, const QString& value, QString* error);

// The process environment as the settings see it; injected so tests can stand anywhere.
using Environment = QHash<QString, QString>;
Environment systemEnvironment();

// One setting as the dashboard shows it.
struct EffectiveSetting
{
    SettingKey key;
    QString value;       // what sizing uses
    QString storedValue; // what the store holds (the default when never set)
    bool lockedByEnv = false;
};

// The settings sizing and status use at one instant (SPEC 7: read at every call).
// Issue 6, safety wins: a stored halt is the effective mode even when
// USE_ENHANCED_KELLY_SIZING locks the mode; the environment only chooses enhanced or legacy.
struct EffectiveSettings
{
    SizingMode mode = SizingMode::Enhanced;
    GuardLimits guardLimits; // empty settings = off
    RiskLimits limits;
    double leverageCostAnnual = 0.065;
    double maxGrossLeverage = 2.0;
    int decisionRetentionDays = 365;
    std::optional<double> brokerSyncIntervalS; // issue 16: empty setting = off
    bool correlationAware = true;              // SPEC 11
    double kellyFraction = 0.5;                // SPEC 2.5 / 18
    double marginCallFallPct = 5.0;            // SPEC 15: k = this / 100
    double maintenanceFloor = 0.25;            // SPEC 15
    kelly::CryptoList cryptoList;
    std::vector<EffectiveSetting> entries; // registry order

    const EffectiveSetting& entry(SettingKey key) const;
    bool lockedByEnv(SettingKey key) const { return entry(key).lockedByEnv; }
    bool halted() const { return mode == SizingMode::Halt; }
    // SPEC 15's policy with these settings and `rates` (overrides and broker rates; may be
    // nullptr: the default table only). The policy points at `rates`: keep it alive.
    MarginPolicy marginPolicy(const MarginRates* rates) const
    {
        return MarginPolicy{maintenanceFloor, marginCallFallPct / 100.0, rates};
    }
    // What the sizing lab reads of these settings (SPEC 12 inputs).
    lab::LabSettings labSettings() const
    {
        return lab::LabSettings{limits,           leverageCostAnnual, cryptoList,
                                maintenanceFloor, marginCallFallPct,  kellyFraction};
    }
};

// Why settings could not be resolved or written. kellyctl maps Environment and Refused to
// exit 2 (bad input, the caller fixes it) and the others to exit 1 (the store is at fault).
// Issue 24: why a switch to enhanced or legacy is refused while halted (names `mode`).
QString haltRefusesModeSwitch();

enum class SettingsFailure
{
    StoreError,  // the store could not be read or written
    StoredValue, // the store holds a value (or a set) that breaks SPEC 7: written around kellyctl
    Environment, // an environment override is malformed or contradicts the stored settings
    Refused,     // the value to write is invalid or would contradict the other settings
};

// SPEC 7's rules across settings (the overnight limit <= the intraday limit), on values
// each already valid; `error` names both keys, their values and where each came from.
bool checkSettingRules(const EffectiveSettings& settings, QString* error);

// Builds the effective settings from stored values (key -> text; missing keys take their
// default) and the environment. A stored or environment value that fails validation, or a
// set that breaks checkSettingRules, is an error naming its source, never silently replaced.
std::optional<EffectiveSettings> resolveSettings(const QHash<QString, QString>& stored,
                                                 const Environment& environment, QString* error,
                                                 SettingsFailure* failure = nullptr);

} // namespace kelly::store
