#pragma once

// SPEC 5 price files: `date,close` CSV or a Yahoo export
// (`Date,Open,High,Low,Close,Adj Close,Volume`, where `Adj Close` wins over `Close`).
// Headers match case-insensitively; rows may come in any order and are sorted by date.
// Every error names the file and, for a row, its 1-based line: "NVDA.csv:7: ...". A row
// whose close is empty or `null` (Yahoo's day without data) is skipped (SPEC 5).

#include "Analytics.h"

#include <string>
#include <string_view>
#include <vector>

namespace kelly {

// Parses CSV text already in memory. `fileLabel` is used in error messages only; `symbol`
// is stored as given (callers normalise it). Blank lines are skipped, as pandas does.
Result<PriceSeries> parsePriceCsv(std::string_view text, const std::string& fileLabel,
                                  const std::string& symbol);

// Reads one file at once; the symbol is the file stem normalised as in SPEC 1.
Result<PriceSeries> readPriceFile(const std::string& path);

// Every *.csv (any case of the extension) in `dir`, sorted by symbol. The first bad file
// fails the whole load; two files that normalise to one symbol are an error too.
Result<std::vector<PriceSeries>> loadPriceFolder(const std::string& dir);

// True for a real calendar date written exactly as YYYY-MM-DD.
bool isIsoDate(std::string_view text);

} // namespace kelly
