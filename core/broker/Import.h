#pragma once

// Broker exports to positions (issue 3): Alpaca /v2/positions JSON or a plain CSV
// `symbol,qty,price[,avg_entry]`. Pure parsing: the caller writes the result in one
// transaction, so a bad row changes nothing.

#include "sizing/Account.h"

#include <QByteArray>
#include <QString>
#include <optional>
#include <vector>

namespace kelly::ctl {

struct ImportResult
{
    std::optional<std::vector<Position>> positions; // normalised symbols, no duplicates
    QString error; // names the file and the line (CSV) or index (JSON), and the field
};

// `fileName` is only used in messages.
ImportResult parsePositionsFile(const QString& fileName, const QByteArray& contents);

// Alpaca /v2/positions JSON only (a file, or the API's reply body in `broker sync`).
ImportResult parseAlpacaPositions(const QString& fileName, const QByteArray& contents);

} // namespace kelly::ctl
