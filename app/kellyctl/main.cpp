// kellyctl: the store's command line (SPEC 9). All behaviour lives in kellyctl_lib.

#include "Kellyctl.h"
#include "Store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <cstdio>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("KellyDesk"));

    kelly::ctl::ProcessContext context;
    context.environmentDb = qEnvironmentVariable("KELLYDESK_DB");
#ifdef KELLYCTL_TEST_HOOKS // the test build only (tests/CMakeLists.txt), never shipped
    context.clockInjectable = true;
    context.environmentNow = qEnvironmentVariable("KELLYDESK_NOW");
    context.testHttpTimeoutMs = qEnvironmentVariable("KELLYDESK_TEST_HTTP_TIMEOUT_MS");
#endif
    context.settingsEnvironment = kelly::store::systemEnvironment();
    context.clockNow = kelly::store::fromQDateTime(QDateTime::currentDateTimeUtc());
    context.clock = [] {
        return kelly::store::fromQDateTime(QDateTime::currentDateTimeUtc());
    };
    QFile input;
    // Unbuffered: `serve` must answer a line as soon as it arrives, not when a buffer fills.
    if (input.open(stdin, QIODevice::ReadOnly | QIODevice::Unbuffered))
        context.input = &input;
    for (const char* name : {"APCA_API_KEY_ID", "APCA_API_SECRET_KEY", "APCA_API_BASE_URL"})
        context.brokerVariables.insert(QString::fromLatin1(name), qEnvironmentVariable(name));

    QTextStream out(stdout);
    QTextStream err(stderr);
    const int code = kelly::ctl::runKellyctl(app.arguments().mid(1), context, out, err);
    out.flush();
    err.flush();
    return code;
}
