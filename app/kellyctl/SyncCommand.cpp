// `sync alpaca` (issue 16, SPEC 14): the broker's account and book into the store.

#include "AlpacaSync.h"
#include "Session.h"
#include "Values.h"

#include <QThread>

namespace kelly::ctl {

namespace {

constexpr double kDefaultIntervalSeconds = 60.0;

QString describe(const store::BrokerSyncRecord& written)
{
    QString text = QStringLiteral("synced from %1: equity %2, buying power %3, %4 positions")
                       .arg(written.origin, money(written.equityUsd), money(written.buyingPowerUsd))
                       .arg(written.positionCount);
    if (!written.removed.isEmpty())
        text += QStringLiteral(" (removed: %1)").arg(written.removed.join(QStringLiteral(", ")));
    if (written.maintenanceMarginUsd)
        text += QStringLiteral(", broker maintenance %1").arg(money(*written.maintenanceMarginUsd));
    return text + QStringLiteral(" at ") + store::isoUtc(written.syncedAt);
}

} // namespace

int runSyncAlpaca(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    double intervalSeconds = kDefaultIntervalSeconds;
    if (in.has(QStringLiteral("interval"))) {
        const auto interval = parseNumber(in.value(QStringLiteral("interval")),
                                          QStringLiteral("interval"), Sign::Positive, &error);
        if (!interval)
            return session.badInput(error);
        if (*interval < 1.0 || *interval > 86400.0)
            return session.badInput(QStringLiteral("interval: must be between 1 and 86400 s"));
        intervalSeconds = *interval;
    }
    const auto credentials = broker::alpacaCredentials(session.context.brokerVariables, &error);
    if (!credentials)
        return session.badInput(error);
    broker::SyncOptions options;
    if (!session.context.testHttpTimeoutMs.isEmpty()) {
        const auto timeoutMs =
            parseNumber(session.context.testHttpTimeoutMs,
                        QStringLiteral("KELLYDESK_TEST_HTTP_TIMEOUT_MS"), Sign::Positive, &error);
        if (!timeoutMs)
            return session.badInput(error);
        options.timeout = std::chrono::milliseconds(static_cast<qint64>(*timeoutMs));
    }

    const bool once = in.has(QStringLiteral("once"));
    for (;;) {
        Session at{session.invocation, session.store, session.environment, session.clock(),
                   session.out,        session.err,   session.context,     session.clock};
        const broker::SyncOutcome outcome =
            broker::syncAlpaca(session.store, *credentials, options, at.now);
        if (outcome.failure == broker::SyncFailure::Rejected)
            return session.badInput(QStringLiteral("sync alpaca: ") + outcome.error);
        if (outcome.failure == broker::SyncFailure::None) {
            session.out << describe(outcome.written) << '\n';
            for (const QString& warning : outcome.warnings)
                session.err << "kellyctl: warning: " << store::printable(warning) << '\n';
            // The sync wrote equity and a snapshot, as `account set` and `snapshot` do.
            if (const int code = checkGuardAfterWrite(at); code != ExitOk && once)
                return code;
        } else if (once)
            return session.failure(QStringLiteral("sync alpaca: ") + outcome.error);
        else
            session.err << "kellyctl: sync alpaca: " << store::printable(outcome.error)
                        << " (store unchanged; next try in " << intervalSeconds << " s)\n";
        session.out.flush();
        session.err.flush();
        if (once)
            return ExitOk;
        QThread::msleep(static_cast<unsigned long>(intervalSeconds * 1000.0));
    }
}

} // namespace kelly::ctl
