// A bot for the concurrent sizing test (issue 24 item 6): sizer K makes COUNT sizing calls
// through the SizingService, as `kellyctl size` does, each recording a decision and its log
// line, all stamped at NOW. Exits 1 on the first failed call.

#include "SizingService.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 5) {
        std::fprintf(stderr, "usage: store_sizer STORE K COUNT NOW\n");
        return 2;
    }
    kelly::store::Store store;
    QString error;
    if (!store.open(QString::fromLocal8Bit(argv[1]), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const int sizer = std::atoi(argv[2]);
    const int count = std::atoi(argv[3]);
    const std::optional<kelly::UtcTime> now =
        kelly::store::parseIsoUtc(QString::fromLatin1(argv[4]));
    if (!now) {
        std::fprintf(stderr, "NOW must be an ISO UTC time\n");
        return 2;
    }
    kelly::store::SizingService service(store, {});
    for (int i = 1; i <= count; ++i) {
        kelly::store::SizingCall call;
        call.request.symbol = "NVDA";
        call.request.priceUsd = 150.0;
        kelly::store::SizingOutcome outcome;
        if (!service.size(call, *now, &outcome, &error)) {
            std::fprintf(stderr, "sizer %d call %d failed: %s\n", sizer, i, qPrintable(error));
            return 1;
        }
    }
    std::printf("sizer %d sized %d\n", sizer, count);
    return 0;
}
