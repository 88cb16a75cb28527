// Issue 6: the halt switch's resume and the drawdown guard runs after kellyctl's writes.

#include "DrawdownGuardService.h"
#include "Session.h"

namespace kelly::ctl {

int checkGuardAfterWrite(Session& session)
{
    store::DrawdownGuardService guard(session.store, session.environment);
    store::GuardCheck check;
    QString error;
    if (!guard.check(session.now, &check, &error))
        return session.failure(error);
    if (check.trippedNow)
        session.err << "kellyctl: drawdown guard tripped: "
                    << QString::fromStdString(check.status.reason)
                    << "; mode is now halt (reduce-only)\n";
    return ExitOk;
}

int runResume(Session& session)
{
    bool wasHalted = false;
    SizingMode resumed = SizingMode::Enhanced;
    QString error;
    if (!session.store.resumeFromHalt(store::SettingOrigin::Cli, session.now, &wasHalted, &resumed,
                                      &error))
        return session.failure(error);
    if (!wasHalted)
        return session.badInput(QStringLiteral("resume: not halted (the mode is not halt);"
                                               " nothing changed"));
    store::EffectiveSettings settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &settings, &error, &failure))
        return session.settingsFailure(failure, error);
    session.out << "resumed: " << sizingModeName(resumed) << '\n';
    // The guard never un-trips by itself, and it checks again at the next write or size.
    store::GuardCheck guard;
    if (!store::DrawdownGuardService(session.store, session.environment)
             .evaluate(session.now, &guard, &error))
        return session.failure(error);
    if (guard.status.tripped)
        session.err << "kellyctl: warning: the drawdown guard is still breached ("
                    << QString::fromStdString(guard.status.reason)
                    << "); it halts again at its next check unless its limit is raised or"
                    << " cleared\n";
    if (settings.mode != resumed)
        session.err << "kellyctl: note: " << store::settingSpec(store::SettingKey::Mode).envVar
                    << " is set; the effective mode is " << sizingModeName(settings.mode) << '\n';
    return ExitOk;
}

} // namespace kelly::ctl
