#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kelly {

enum class AssetClass
{
    Stock,
    Crypto
};

const char* assetClassName(AssetClass assetClass); // "stock" | "crypto"

// SPEC 1: upper-case, separators dropped: "BTC/USD" and "btc-usd" -> "BTCUSD".
std::string normalizeSymbol(std::string_view symbol);

// True when the normalised symbol is non-empty and only [A-Z0-9.].
bool isValidSymbol(std::string_view normalizedSymbol);

// The crypto list of SPEC 7. Holds normalised symbols, sorted, for a fast lookup on the
// sizing hot path.
class CryptoList
{
public:
    CryptoList(); // the SPEC 7 default list
    explicit CryptoList(std::vector<std::string> symbols);

    static const std::vector<std::string>& defaultSymbols();

    bool contains(std::string_view normalizedSymbol) const;
    AssetClass classify(std::string_view normalizedSymbol) const
    {
        return contains(normalizedSymbol) ? AssetClass::Crypto : AssetClass::Stock;
    }
    const std::vector<std::string>& symbols() const { return m_symbols; }

private:
    // Sizing and the margin classify every held position on each call: a bit per symbol
    // length present (63 for 63 and longer) rejects most symbols before any compare.
    static std::uint64_t lengthBit(size_t length)
    {
        return std::uint64_t{1} << std::min<size_t>(length, 63);
    }
    std::vector<std::string> m_symbols;
    std::uint64_t m_lengths = 0;
};

} // namespace kelly
