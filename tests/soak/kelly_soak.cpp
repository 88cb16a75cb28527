// The live soak benchmark of issue 7, run by hand (60 s by default; see run-soak.sh):
//   kelly_soak [--seconds N] [--positions N] [--symbols N] [--rate TICKS_PER_SECOND]
//              [--what-if]
// Prints the writer's achieved marks/s, lock errors, the dashboard's reloads, the worst GUI
// stall and when the last tick showed, each beside its target.

#include "SoakRun.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KellyDesk live soak (issue 7)"));
    parser.addHelpOption();
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Soak length."),
                                     QStringLiteral("N"), QStringLiteral("60"));
    const QCommandLineOption positions(QStringLiteral("positions"),
                                       QStringLiteral("Positions marked every tick."),
                                       QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption symbols(QStringLiteral("symbols"),
                                     QStringLiteral("Symbols of the correlation build."),
                                     QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Ticks per second (each marks every position)."),
                                  QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption whatIf(
        QStringLiteral("what-if"),
        QStringLiteral("Show an order in the what-if form, re-sized on every new state."));
    parser.addOptions({seconds, positions, symbols, rate, whatIf});
    parser.process(app);

    kelly::soak::SoakConfig config;
    bool ok[4] = {};
    config.seconds = parser.value(seconds).toInt(&ok[0]);
    config.positions = parser.value(positions).toInt(&ok[1]);
    config.symbols = parser.value(symbols).toInt(&ok[2]);
    config.ticksPerSecond = parser.value(rate).toInt(&ok[3]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || config.seconds <= 0 || config.positions <= 0 ||
        config.symbols <= 0 || config.symbols > config.positions || config.ticksPerSecond <= 0) {
        std::fprintf(stderr, "kelly_soak: every option must be a whole number > 0, and"
                             " --symbols at most --positions\n");
        return 2;
    }
    config.whatIfShown = parser.isSet(whatIf);
    config.writerPath = QStringLiteral(SOAK_WRITER_PATH);

    kelly::soak::SoakResult result;
    QString error;
    if (!kelly::soak::runSoak(config, &result, &error)) {
        std::fprintf(stderr, "kelly_soak: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("%s\n", qPrintable(kelly::soak::describe(config, result)));
    return 0;
}
