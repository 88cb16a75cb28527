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
    std::vector<PortfolioSnapshot> snapshots;
    // Before the first `account set` there is no live equity to compare.
    if (account.updatedAt && !m_store.loadGuardSnapshots(now, &snapshots, error))
        return false;
    *out = evaluateRead(settings, account, snapshots, now);
    return true;
}

GuardCheck DrawdownGuardService::evaluateRead(const EffectiveSettings& settings,
                                              const AccountRecord& account,
                                              const std::vector<PortfolioSnapshot>& snapshots,
                                              UtcTime now)
{
    GuardCheck result;
    result.halted = settings.halted();
    if (account.updatedAt)
        result.status =
            evaluateDrawdownGuard(snapshots, account.account.equityUsd, settings.guardLimits, now);
    return result;
}

bool DrawdownGuardService::check(UtcTime now, GuardCheck* out, QString* error)
{
    GuardCheck result;
    if (!evaluate(now, &result, error) || !tripIfReached(now, &result, error))
        return false;
    *out = std::move(result);
    return true;
}

bool DrawdownGuardService::tripIfReached(UtcTime now, GuardCheck* check, QString* error)
{
    if (!check->status.tripped || check->halted)
        return true;
    // writeSetting writes nothing when another process halted meanwhile: one trip row.
    if (!m_store.writeSetting(
            SettingKey::Mode, QString::fromLatin1(sizingModeName(SizingMode::Halt)),
            SettingOrigin::Guard, now, error, QString::fromStdString(check->status.reason)))
        return false;
    check->halted = true;
    check->trippedNow = true;
    return true;
}

} // namespace kelly::store
