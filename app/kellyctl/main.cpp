// kellyctl: the store's command line (SPEC 9). All behaviour lives in kellyctl_lib.

#include "Kellyctl.h"
#include "Store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <cstdio>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("KellyDesk"));

    kelly::ctl::ProcessContext context;
    context.environmentDb = qEnvironmentVariable("KELLYDESK_DB");
#ifdef KELLYCTL_TEST_CLOCK // the test build only (tests/CMakeLists.txt), never shipped
    context.clockInjectable = true;
    context.environmentNow = qEnvironmentVariable("KELLYDESK_NOW");
#endif
    context.settingsEnvironment = kelly::store::systemEnvironment();
    context.clockNow = kelly::store::fromQDateTime(QDateTime::currentDateTimeUtc());

    QTextStream out(stdout);
    QTextStream err(stderr);
    const int code = kelly::ctl::runKellyctl(app.arguments().mid(1), context, out, err);
    out.flush();
    err.flush();
    return code;
}
