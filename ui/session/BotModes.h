#pragma once

#include "store/Store.h"

#include <QString>
#include <vector>

namespace kelly::ui {

// What the bots actually did (SPEC 7, issue 17): the switch writes the store's mode, but a
// bot whose own environment sets USE_ENHANCED_KELLY_SIZING ignores it. The recorded
// decisions say so (origin, host, mode_locked_by_env), newest per bot.
struct BotMode
{
    QString bot; // "cli@host", or the origin alone for rows without a host
    SizingMode method = SizingMode::Enhanced; // what its latest decision ran
    bool lockedByEnv = false;                 // its environment chose the mode, not the switch
    UtcTime decidedAt;
};

QString botName(const store::SizingDecision& decision);

// The latest decision of each bot in `newestFirst`, newest bot first.
std::vector<BotMode> latestBotModes(const std::vector<store::SizingDecision>& newestFirst);

} // namespace kelly::ui
