// A writer process for the concurrency and crash tests: commits `rows` positions per
// transaction, all with qty = i, for i = 1..count (0: until killed), and reports each
// commit on stdout after it returned.

#include "Store.h"

#include <QCoreApplication>
#include <cstdio>
#include <string>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: store_writer PATH ROWS COUNT\n");
        return 2;
    }
    kelly::store::Store store;
    QString error;
    if (!store.open(QString::fromLocal8Bit(argv[1]), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const int rows = std::atoi(argv[2]);
    const long count = std::atol(argv[3]);
    const auto now = std::chrono::sys_seconds(std::chrono::seconds(1795000000));
    for (long i = 1; count == 0 || i <= count; ++i) {
        std::vector<kelly::Position> book;
        for (int r = 0; r < rows; ++r)
            book.push_back(kelly::Position{"W" + std::to_string(r), double(i), 100.0, 0.0});
        if (!store.setPositions(book, false, now, &error)) {
            std::fprintf(stderr, "commit %ld failed: %s\n", i, qPrintable(error));
            return 1;
        }
        std::printf("committed %ld\n", i);
        std::fflush(stdout);
    }
    return 0;
}
