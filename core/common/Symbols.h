#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
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

namespace detail {
// [A-Z0-9.] as a byte table: one lookup a character, no branches.
inline constexpr auto kSymbolChar = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
    return table;
}();
} // namespace detail

// True when the normalised symbol is non-empty, at most 32 bytes and only [A-Z0-9.].
// Inline: every sizing call checks its symbol, and the call cost more than the check.
inline bool isValidSymbol(std::string_view normalizedSymbol)
{
    if (normalizedSymbol.empty() || normalizedSymbol.size() > 32)
        return false;
    bool valid = true;
    for (char c : normalizedSymbol)
        valid &= detail::kSymbolChar[static_cast<unsigned char>(c)];
    return valid;
}

// A symbol's first 8 bytes as one integer (0 past its end), for lookups that compare
// integers first: up to 8 bytes, equal keys and sizes are equal symbols. Fixed-size loads
// only (a memcpy of a variable size is a library call): 8 bytes, two overlapping 4-byte
// halves, or the 1-3 bytes one by one.
inline std::uint64_t symbolPrefixKey(std::string_view symbol)
{
    const char* bytes = symbol.data();
    const size_t size = symbol.size();
    std::uint64_t key = 0;
    if (size >= 8) {
        std::memcpy(&key, bytes, 8);
    } else if (size >= 4) {
        std::uint32_t low = 0;
        std::uint32_t high = 0;
        std::memcpy(&low, bytes, 4);
        std::memcpy(&high, bytes + size - 4, 4);
        key = low | std::uint64_t{high} << (8 * (size - 4));
    } else {
        for (size_t i = 0; i < size; ++i)
            key |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    }
    return key;
}

// Whether symbols `a` and `b` of equal prefix keys are equal: only bytes past 8 are left.
inline bool sameSymbolPastKey(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           (a.size() <= 8 || std::memcmp(a.data() + 8, b.data() + 8, a.size() - 8) == 0);
}

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
    static const CryptoList& builtDefault();
    // Sizing and the margin classify every held position on each call: a bit per symbol
    // length present (63 for 63 and longer) rejects most symbols before any compare.
    static std::uint64_t lengthBit(size_t length)
    {
        return std::uint64_t{1} << std::min<size_t>(length, 63);
    }
    std::vector<std::string> m_symbols;
    std::uint64_t m_lengths = 0;
    // The symbols' prefix keys, sorted, with each one's index in m_symbols: a lookup
    // compares integers (a string compare was a memcmp call each, issue 25).
    struct Keyed
    {
        std::uint64_t key;
        std::uint32_t index;
    };
    std::vector<Keyed> m_keys;
};

} // namespace kelly
