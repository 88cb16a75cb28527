// The positions importer (Alpaca JSON and CSV) on arbitrary bytes: never crashes, and what it
// accepts holds only valid symbols and finite numbers, each symbol once.
#include "Import.h"
#include "common/Symbols.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>

namespace {

void check(const QString& fileName, const QByteArray& contents)
{
    const auto result = kelly::ctl::parsePositionsFile(fileName, contents);
    if (!result.positions) {
        if (result.error.isEmpty())
            std::abort();
        return;
    }
    std::set<std::string> seen;
    for (const auto& p : *result.positions) {
        if (!kelly::isValidSymbol(p.symbol) || !seen.insert(p.symbol).second)
            std::abort();
        if (!std::isfinite(p.qty) || !std::isfinite(p.lastPriceUsd) || p.lastPriceUsd <= 0.0 ||
            !std::isfinite(p.avgEntryUsd))
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray contents(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    check(QStringLiteral("fuzz.json"), contents);
    check(QStringLiteral("fuzz.csv"), contents);
    return 0;
}
