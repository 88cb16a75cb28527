// A bot for the PostgreSQL concurrency test (SPEC 13): writer K commits COUNT changes, each
// one logical change the store runs at SERIALIZABLE: its own position W<K> at qty i, then
// decision_retention_days set to a value no other writer uses, which reads the stored value
// for its audit row. Concurrent writers make the audit a chain only if no update is lost.
// Exits 1 on the first failed change.

#include "Store.h"

#include <QCoreApplication>
#include <cstdio>
#include <string>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: pg_writer STORE K COUNT\n");
        return 2;
    }
    kelly::store::Store store;
    QString error;
    if (!store.open(QString::fromLocal8Bit(argv[1]), &error, true)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const int writer = std::atoi(argv[2]);
    const int count = std::atoi(argv[3]);
    const auto now = std::chrono::sys_seconds(std::chrono::seconds(1795000000));
    for (int i = 1; i <= count; ++i) {
        const kelly::Position position{"W" + std::to_string(writer), double(i), 100.0, 100.0};
        if (!store.setPosition(position, now, &error) ||
            !store.writeSetting(kelly::store::SettingKey::DecisionRetentionDays,
                                QString::number(1000 * writer + i),
                                kelly::store::SettingOrigin::Cli, now, &error)) {
            std::fprintf(stderr, "writer %d change %d failed: %s\n", writer, i, qPrintable(error));
            return 1;
        }
    }
    std::printf("writer %d committed %d\n", writer, count);
    return 0;
}
