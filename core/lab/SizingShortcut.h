#pragma once

// Issue 25: once a date's first few orders are sized, SPEC 15's margin room left is less than
// one share of most symbols, and ~98% of a 500-symbol run's sizing calls sized 0. The lab
// skips an order when the sizer could only size it to 0 and could not reject it.

#include "common/Symbols.h"
#include "sizing/Sizing.h"

#include <string_view>

namespace kelly::lab {

struct LabOrder
{
    std::string_view symbol; // as the lab passes it to the sizer
    AssetClass assetClass;   // the crypto list's class of `symbol`
    bool validSymbol;        // isValidSymbol(symbol)
    double priceUsd;
    double muDaily;
    double sigmaDaily;
    bool enhanced; // sized by sizeEnhanced (with or without SPEC 11), else sizeLegacy
};

// True only when sizing `order` against `account` (with `prepared`, its book) would return a
// size of 0 and no error, whatever the Kelly fraction or SPEC 11's correlations: the request
// passes the sizer's checks, its full Kelly fraction is finite, and SPEC 15's margin room
// (the sizer's own room and rounding, on the side the method sizes it on and on the long
// side of SPEC 11's fallback to legacy) rounds to 0. The size is the smallest room or less,
// rounded down, so it is then 0. False means "call the sizer", never "it sizes above 0".
bool marginRoundsOrderToZero(const LabOrder& order, const Account& account,
                             const PreparedBook& prepared, const CryptoList& cryptoList,
                             const MarginPolicy& margin);

} // namespace kelly::lab
