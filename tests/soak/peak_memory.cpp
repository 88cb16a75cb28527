// Peak memory of the dashboard at scale (issue 7: < 250 MB): a store with 2,000 positions
// and a 500-symbol correlation build, the real MainWindow shown offscreen and every tab
// painted once; prints the process's max RSS (getrusage ru_maxrss). The process also seeds
// the store, so the figure is an upper bound for the dashboard alone.

#include "Clock.h"
#include "DeskSession.h"
#include "MainWindow.h"
#include "ScaleFixture.h"

#include <QApplication>
#include <QPixmap>
#include <QTemporaryDir>
#include <cstdio>

using namespace kelly;

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const double startMib = soak::peakRssMib();
    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("memory.sqlite"));
    ui::SystemClock clock;
    QString error;
    if (!folder.isValid() || !soak::seedScaleStore(path, soak::kScalePositions, soak::kScaleSymbols,
                                                   clock.now(), &error)) {
        std::fprintf(stderr, "peak_memory: cannot seed the store: %s\n", qPrintable(error));
        return 1;
    }
    const double seededMib = soak::peakRssMib();

    store::Store store;
    if (!store.open(path, &error)) {
        std::fprintf(stderr, "peak_memory: %s\n", qPrintable(error));
        return 1;
    }
    ui::DeskSession session(store, clock, {});
    if (!session.reload(&error)) {
        std::fprintf(stderr, "peak_memory: %s\n", qPrintable(error));
        return 1;
    }
    ui::MainWindow window(session);
    window.show();
    qint64 paintedBytes = 0;
    for (const QString& tab : ui::MainWindow::tabNames()) {
        window.selectTab(tab);
        QCoreApplication::processEvents();
        const QPixmap painted = window.grab();
        paintedBytes += painted.toImage().sizeInBytes();
    }
    // A second reload: the old and the new state are both alive for a moment.
    if (!session.reload(&error)) {
        std::fprintf(stderr, "peak_memory: %s\n", qPrintable(error));
        return 1;
    }
    QCoreApplication::processEvents();
    const double peakMib = soak::peakRssMib();
    std::printf("peak memory: %d positions, %d-symbol build, %lld tabs painted (%.1f MiB of"
                " grabs)\n",
                soak::kScalePositions, soak::kScaleSymbols,
                static_cast<long long>(ui::MainWindow::tabNames().size()),
                static_cast<double>(paintedBytes) / (1024.0 * 1024.0));
    std::printf("max RSS: after QApplication %.1f MiB, after seeding %.1f MiB, dashboard peak"
                " %.1f MiB = %.1f MB (target < 250 MB: %s)\n",
                startMib, seededMib, peakMib, peakMib * 1.048576,
                peakMib * 1.048576 < 250.0 ? "met" : "NOT met");
    return 0;
}
