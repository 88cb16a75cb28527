// `kellyctl store copy FROM TO` (SPEC 13): the store does the copy; this checks the two
// names and reports. Names are shown without their passwords.

#include "Session.h"
#include "StoreLocation.h"

#include <QJsonDocument>

namespace kelly::ctl {

int runStoreCopy(const Invocation& invocation, QTextStream& out, QTextStream& err)
{
    const auto fail = [&](int code, const QString& message) {
        err << "kellyctl: store copy: " << store::printable(message) << '\n';
        return code;
    };
    const QString fromName = invocation.positionals.value(0);
    const QString toName = invocation.positionals.value(1);
    store::StoreLocation from;
    store::StoreLocation to;
    QString error;
    if (!store::parseStoreName(fromName, &from, &error) ||
        !store::parseStoreName(toName, &to, &error))
        return fail(ExitBadInput, error);
    if (fromName == toName)
        return fail(ExitBadInput, QStringLiteral("FROM and TO are the same store"));

    const auto openFailed = [&](const store::Store& store, const QString& which) {
        return fail(store.lastOpenFailure() == store::Store::OpenFailure::Credentials ? ExitBadInput
                                                                                      : ExitFailure,
                    which + error);
    };
    store::Store source;
    if (!source.open(fromName, &error, true))
        return openFailed(source, QStringLiteral("FROM: "));
    store::Store target;
    if (!target.open(toName, &error))
        return openFailed(target, QStringLiteral("TO: "));
    std::vector<std::pair<QString, qint64>> copied;
    store::Store::CopyFailure failure = store::Store::CopyFailure::StoreError;
    if (!source.copyTo(target, &copied, &failure, &error))
        return fail(failure == store::Store::CopyFailure::TargetNotEmpty ? ExitBadInput
                                                                         : ExitFailure,
                    error);

    qint64 total = 0;
    QJsonObject tables;
    QStringList counts;
    for (const auto& [table, rows] : copied) {
        total += rows;
        tables.insert(table, rows);
        counts << QStringLiteral("%1 %2").arg(table).arg(rows);
    }
    if (invocation.has(QStringLiteral("json"))) {
        const QJsonObject report{{QStringLiteral("from"), source.displayName()},
                                 {QStringLiteral("to"), target.displayName()},
                                 {QStringLiteral("rows"), total},
                                 {QStringLiteral("tables"), tables}};
        out << QJsonDocument(report).toJson(QJsonDocument::Compact) << '\n';
    } else {
        out << "copied " << total << " rows from " << source.displayName() << " to "
            << target.displayName() << " (" << counts.join(QStringLiteral(", ")) << ")\n";
    }
    return ExitOk;
}

} // namespace kelly::ctl
