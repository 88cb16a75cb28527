#include "DrawdownGuardService.h"

namespace kelly::store {

DrawdownGuardService::DrawdownGuardService(Store& store, Environment environment)
    : m_store(store), m_environment(std::move(environment))
{}

bool DrawdownGuardService::evaluate(UtcTime now, GuardCheck* out, QString* error) const
{
    EffectiveSettings settings;
    if (!m_store.effectiveSettings(m_environment, &settings, error))
        return false;
    AccountRecord account;
    if (!m_store.loadAccount(&account, error))
        return false;
    GuardCheck result;
    result.halted = settings.halted();
    // Before the first `account set` there is no live equity to compare.
    if (account.updatedAt) {
        std::vector<PortfolioSnapshot> snapshots;
        if (!m_store.loadGuardSnapshots(now, &snapshots, error))
            return false;
        result.status =
            evaluateDrawdownGuard(snapshots, account.account.equityUsd, settings.guardLimits, now);
    }
    *out = std::move(result);
    return true;
}

bool DrawdownGuardService::check(UtcTime now, GuardCheck* out, QString* error)
{
    GuardCheck result;
    if (!evaluate(now, &result, error))
        return false;
    if (result.status.tripped && !result.halted) {
        // writeSetting writes nothing when another process halted meanwhile: one trip row.
        if (!m_store.writeSetting(
                SettingKey::Mode, QString::fromLatin1(sizingModeName(SizingMode::Halt)),
                SettingOrigin::Guard, now, error, QString::fromStdString(result.status.reason)))
            return false;
        result.halted = true;
        result.trippedNow = true;
    }
    *out = std::move(result);
    return true;
}

} // namespace kelly::store
