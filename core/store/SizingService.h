#pragma once

// One sizing call against the store (SPEC 2-4, 7, 9), shared by `kellyctl size` and the
// dashboard's what-if: reads the account, the effective settings and mode (at every call,
// so a rollback applies to the very next call), the risk threshold from the snapshots and
// the symbol's stored metrics and, for an enhanced add, the latest correlation build (SPEC
// 11); sizes; and unless dry-run records the decision and appends the log lines to
// sizing.log beside the store.

#include "DrawdownGuardService.h"
#include "Settings.h"
#include "Store.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace kelly::store {

struct SizingOutcome;

struct SizingCall
{
    SizingRequest request;
    std::optional<SizingMode> modeOverride; // `--mode`; else the effective setting (halt wins)
    bool dryRun = false;
    // SPEC 14: the book this call sizes against (the drop-in's `positions`) instead of the
    // store's; never written to the store. Equity, buying power and settings stay the store's.
    std::optional<std::vector<Position>> book;
    QString origin = QStringLiteral("cli"); // recorded with the decision
    // SPEC 14's request_id (serve): the answer `renderAnswer` gives the recorded decision is
    // stored with it, and a call whose id was answered before is not sized again.
    QString requestId;
    std::function<QByteArray(const SizingOutcome&)> renderAnswer;
};

struct SizingOutcome
{
    SizingResult result;
    SizingMode requestedMode = SizingMode::Enhanced;
    bool modeLockedByEnv = false;
    double riskThreshold = 2.0;
    GuardCheck guard; // run before sizing: the call that finds the breach is already halted
    EffectiveSettings settings;
    // SPEC 11: the same call sized by SPEC 2 alone, when the correlation term applied (the
    // what-if shows both); absent otherwise, the result itself then being SPEC 2's.
    std::optional<SizingResult> uncorrelated;
    MarginRates marginRates; // SPEC 15: the overrides and broker rates the call used
    // SPEC 15: the fall of every price that would margin-call the book after this order.
    std::optional<double> marginCallFallAfterPct;
    QStringList logLines;               // the SPEC 2.9 / 3.6 lines, without timestamps
    qint64 decisionId = 0;              // 0 for a dry run
    std::vector<StoreProblem> problems; // stored rows left out of the book (issue 12 item 3)
    // The stored answer of a request_id answered before: nothing else is filled, nothing
    // recorded.
    std::optional<QByteArray> replayedAnswer;
};

enum class SizingFailure
{
    None,
    BadInput, // names the field (SPEC 2.1) or the bad environment value; CLI exit code 2
    Store,    // the store or the log could not be read or written; CLI exit code 1
};

class SizingService
{
public:
    SizingService(Store& store, Environment environment);

    // On failure, `error` says why and `failure` which kind; nothing is recorded.
    bool size(const SizingCall& call, UtcTime now, SizingOutcome* out, QString* error,
              SizingFailure* failure = nullptr);

private:
    Store& m_store;
    Environment m_environment;
};

} // namespace kelly::store
