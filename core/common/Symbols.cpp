#include "Symbols.h"

#include <algorithm>
#include <array>

namespace kelly {

const char* assetClassName(AssetClass assetClass)
{
    return assetClass == AssetClass::Crypto ? "crypto" : "stock";
}

namespace {

// The separators SPEC 1 drops, as a byte table: one lookup a character, no branches.
constexpr auto kSeparator = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = c == '/' || c == '-' || c == '_' || c == ' ' || c == '\t';
    return table;
}();

} // namespace

std::string normalizeSymbol(std::string_view symbol)
{
    std::string out(symbol.size(), '\0');
    size_t length = 0;
    for (char c : symbol) {
        // ASCII only, whatever the process locale: a symbol is letters, digits and '.'.
        out[length] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        length += !kSeparator[static_cast<unsigned char>(c)];
    }
    out.resize(length);
    return out;
}

const std::vector<std::string>& CryptoList::defaultSymbols()
{
    static const std::vector<std::string> symbols{
        "AAVEUSD", "ADAUSD",   "ALGOUSD", "APTUSD",  "ATOMUSD", "AVAXUSD", "BNBUSD",
        "BCHUSD",  "BTCUSD",   "DOGEUSD", "DOTUSD",  "AEURUSD", "ETHUSD",  "LINKUSD",
        "LTCUSD",  "MATICUSD", "POLUSD",  "SHIBUSD", "SKYUSD",  "SOLUSD",  "TRXUSD",
        "UNIUSD",  "VETUSD",   "XLMUSD",  "XRPUSD"};
    return symbols;
}

// Normalised, sorted and keyed once: every settings object starts from the default list
// (a recorded serve request built it 3 times, ~17,000 instructions each; a copy is ~2,000).
CryptoList::CryptoList() : CryptoList(builtDefault()) {}

const CryptoList& CryptoList::builtDefault()
{
    static const CryptoList list(defaultSymbols());
    return list;
}

CryptoList::CryptoList(std::vector<std::string> symbols)
{
    for (auto& symbol : symbols)
        symbol = normalizeSymbol(symbol);
    std::sort(symbols.begin(), symbols.end());
    symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
    m_symbols = std::move(symbols);
    for (size_t i = 0; i < m_symbols.size(); ++i) {
        m_lengths |= lengthBit(m_symbols[i].size());
        m_keys.push_back({symbolPrefixKey(m_symbols[i]), static_cast<std::uint32_t>(i)});
    }
    std::sort(m_keys.begin(), m_keys.end(),
              [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
}

bool CryptoList::contains(std::string_view normalizedSymbol) const
{
    // Most stock tickers are shorter than any crypto pair: one test, no string compare.
    if (!(m_lengths & lengthBit(normalizedSymbol.size())))
        return false;
    const std::uint64_t key = symbolPrefixKey(normalizedSymbol);
    auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key,
                               [](const Keyed& k, std::uint64_t wanted) { return k.key < wanted; });
    for (; it != m_keys.end() && it->key == key; ++it)
        if (sameSymbolPastKey(m_symbols[it->index], normalizedSymbol))
            return true;
    return false;
}

} // namespace kelly
