// kellydesk: the dashboard (SPEC 10). Parses the command line, opens the store (or a demo
// store), and shows the main window; everything else lives in kellyui.

#include "AppIcon.h"
#include "Clock.h"
#include "DemoMarket.h"
#include "DeskSession.h"
#include "MainWindow.h"
#include "WhatIfPanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

namespace {

void fail(const QString& message)
{
    std::fprintf(stderr, "kellydesk: %s\n", qPrintable(message));
}

// Qt's own GUI options (QGuiApplication, QApplication): accepted here so the command line
// can be checked before the GUI exists, and consumed by QApplication afterwards.
void addQtGuiOptions(QCommandLineParser& parser)
{
    for (const char* name :
         {"platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry",
          "qwindowicon", "qwindowtitle", "session", "display", "geometry", "style", "stylesheet"}) {
        QCommandLineOption option(QString::fromLatin1(name), QString(), QStringLiteral("VALUE"));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const char* name : {"reverse", "widgetcount", "nograb", "dograb", "sync"}) {
        QCommandLineOption option(QString::fromLatin1(name));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

// The bundled sample prices (issue 27): installed beside the binary
// (BINDIR/../share/kellydesk/prices, so a relocated install works too), else this build's
// source tree. Needs the application object (applicationDirPath).
QString bundledPricesFolder()
{
    const QString installed =
        QDir::cleanPath(QDir(QCoreApplication::applicationDirPath())
                            .filePath(QStringLiteral(KELLYDESK_INSTALLED_PRICES_DIR)));
    if (QFileInfo(installed).isDir())
        return installed;
    return QStringLiteral(KELLYDESK_PRICES_DIR);
}

QStringList argumentList(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

} // namespace

int main(int argc, char* argv[])
{
    // The same application name as kellyctl, so both find one default store (SPEC 9).
    QCoreApplication::setApplicationName(QStringLiteral("KellyDesk"));
    QCoreApplication::setOrganizationName(QStringLiteral("KellyDesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KELLYDESK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KellyDesk risk dashboard"));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("Store file (else $KELLYDESK_DB, else the "
                                                     "app-data folder)."),
                                      QStringLiteral("PATH"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"), QStringLiteral("Open a fresh demo store with live prices."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window once loaded, write it as PNG and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption tabOption(
        QStringLiteral("tab"),
        QStringLiteral("Tab to show: %1.")
            .arg(kelly::ui::MainWindow::tabNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    const QCommandLineOption pricesOption(
        QStringLiteral("prices"), QStringLiteral("Price folder for --demo (default: bundled)."),
        QStringLiteral("DIR"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"),
        QStringLiteral("Window size for --screenshot, e.g. 1024x640 (the smallest supported)."),
        QStringLiteral("WxH"));
    parser.addOptions(
        {dbOption, demoOption, screenshotOption, tabOption, pricesOption, sizeOption});
    addQtGuiOptions(parser);

    // Issue 11: help, version and a bad option are answered before any GUI exists, so they
    // work on a machine without a display (the xcb plugin aborts there).
    if (!parser.parse(argumentList(argc, argv))) {
        fail(parser.errorText() + QStringLiteral(" (kellydesk --help lists the options)"));
        return 2;
    }
    if (parser.isSet(helpOption)) {
        // With no application object yet, Qt names the program "<executable_name>".
        std::fputs(qPrintable(parser.helpText().replace(QStringLiteral("<executable_name>"),
                                                        QStringLiteral("kellydesk"))),
                   stdout);
        return 0;
    }
    if (parser.isSet(versionOption)) {
        std::printf("kellydesk %s\n", KELLYDESK_VERSION);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        fail(QStringLiteral("unexpected argument '%1' (kellydesk --help lists the options)")
                 .arg(parser.positionalArguments().constFirst()));
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(kelly::ui::appIcon());

    QSize size;
    if (parser.isSet(sizeOption)) {
        const QStringList parts = parser.value(sizeOption).split(QLatin1Char('x'));
        size = parts.size() == 2 ? QSize(parts[0].toInt(), parts[1].toInt()) : QSize();
        if (size.isEmpty()) {
            fail(QStringLiteral("--size: expected WIDTHxHEIGHT, e.g. 1024x640"));
            return 2;
        }
    }
    if (parser.isSet(tabOption) &&
        !kelly::ui::MainWindow::tabNames().contains(parser.value(tabOption).toLower())) {
        fail(QStringLiteral("--tab: unknown tab '%1'").arg(parser.value(tabOption)));
        return 2;
    }

    kelly::ui::SystemClock clock;
    QTemporaryDir demoFolder;
    QString path;
    if (parser.isSet(demoOption)) {
        if (!demoFolder.isValid()) {
            fail(QStringLiteral("cannot create a temporary folder for the demo store"));
            return 1;
        }
        path = demoFolder.filePath(QStringLiteral("kellydesk-demo.sqlite"));
    } else {
        // SPEC 9: --db, else $KELLYDESK_DB, else the app-data folder, exactly as kellyctl.
        path = kelly::store::resolveStorePath(parser.value(dbOption),
                                              qEnvironmentVariable("KELLYDESK_DB"));
    }

    // As kellyctl: only `kellyctl init` creates a store, so a mistyped path fails instead of
    // showing an empty book as if it were real (issue 12 item 13).
    kelly::store::Store store;
    QString error;
    if (!store.open(path, &error, !parser.isSet(demoOption))) {
        fail(QStringLiteral("cannot open the store: %1").arg(error));
        return 1;
    }

    kelly::desk::DemoMarket demo(store, clock);
    if (parser.isSet(demoOption)) {
        const QString prices =
            parser.isSet(pricesOption) ? parser.value(pricesOption) : bundledPricesFolder();
        if (!demo.seed(prices, &error)) {
            fail(QStringLiteral("demo: %1").arg(error));
            return 1;
        }
        std::fprintf(stderr, "kellydesk: demo store %s (kellyctl --db %s status)\n",
                     qPrintable(store.displayName()), qPrintable(store.displayName()));
        QObject::connect(&demo, &kelly::desk::DemoMarket::failed, [](const QString& message) {
            fail(QStringLiteral("demo: %1").arg(message));
        });
        demo.start();
    }

    kelly::ui::DeskSession session(store, clock, kelly::store::systemEnvironment());
    if (!session.reload(&error)) {
        fail(QStringLiteral("cannot read the store %1: %2").arg(store.displayName(), error));
        return 1;
    }
    kelly::ui::MainWindow window(session);
    window.setDefaultPricesFolder(bundledPricesFolder());
    const bool screenshot = parser.isSet(screenshotOption);
    if (!screenshot)
        window.restoreWindowState();
    if (parser.isSet(tabOption))
        window.selectTab(parser.value(tabOption));
    if (parser.isSet(demoOption))
        window.whatIf()->propose(QStringLiteral("NVDA"));
    session.start();
    if (size.isValid())
        window.resize(size);
    window.show();

    if (screenshot) {
        const QString file = parser.value(screenshotOption);
        // Let layouts settle and the first live refresh land before rendering.
        QTimer::singleShot(std::chrono::milliseconds(1200), &window, [&window, &app, file] {
            const bool saved = window.grab().save(file, "PNG");
            if (!saved)
                fail(QStringLiteral("cannot write %1").arg(file));
            app.exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
