#include "BotModes.h"

#include <QSet>

namespace kelly::ui {

QString botName(const store::SizingDecision& decision)
{
    return decision.host.isEmpty() ? decision.origin
                                   : decision.origin + QLatin1Char('@') + decision.host;
}

std::vector<BotMode> latestBotModes(const std::vector<store::SizingDecision>& newestFirst)
{
    std::vector<BotMode> bots;
    QSet<QString> seen;
    for (const store::SizingDecision& decision : newestFirst) {
        const QString name = botName(decision);
        if (seen.contains(name))
            continue;
        seen.insert(name);
        bots.push_back(
            {name, decision.result.method, decision.modeLockedByEnv, decision.decidedAt});
    }
    return bots;
}

} // namespace kelly::ui
