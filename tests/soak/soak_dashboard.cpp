// One dashboard process of tst_two_dashboards (issue 7: "two dashboards and a bot on one
// store"): the real window polls the store until it shows the writer's last tick.
//   soak_dashboard PATH LAST_TICK TIMEOUT_MS
// Prints "ready" once it polls, then one line of key=value figures; exits 0 when it showed
// LAST_TICK without a store error, 1 otherwise.

#include "SoakRun.h"

#include <QApplication>
#include <cstdio>

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    bool tickOk = false;
    bool timeoutOk = false;
    const int lastTick = args.value(2).toInt(&tickOk);
    const int timeoutMs = args.value(3).toInt(&timeoutOk);
    if (args.size() != 4 || !tickOk || !timeoutOk || lastTick <= 0 || timeoutMs <= 0) {
        std::fprintf(stderr, "usage: soak_dashboard PATH LAST_TICK TIMEOUT_MS\n");
        return 2;
    }
    kelly::soak::DashboardReport report;
    QString error;
    const auto ready = [] {
        std::printf("ready\n");
        std::fflush(stdout);
    };
    if (!kelly::soak::runDashboard(args[1], lastTick, timeoutMs, ready, &report, &error)) {
        std::fprintf(stderr, "soak_dashboard: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("%s\n", qPrintable(kelly::soak::describe(report)));
    return report.lastTickSeen >= lastTick && report.storeErrors == 0 ? 0 : 1;
}
