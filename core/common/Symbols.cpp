#include "Symbols.h"

#include <algorithm>
#include <cctype>

namespace kelly {

const char* assetClassName(AssetClass assetClass)
{
    return assetClass == AssetClass::Crypto ? "crypto" : "stock";
}

std::string normalizeSymbol(std::string_view symbol)
{
    std::string out;
    out.reserve(symbol.size());
    for (char c : symbol) {
        if (c == '/' || c == '-' || c == '_' || c == ' ' || c == '\t')
            continue;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}

bool isValidSymbol(std::string_view normalizedSymbol)
{
    if (normalizedSymbol.empty() || normalizedSymbol.size() > 32)
        return false;
    return std::all_of(normalizedSymbol.begin(), normalizedSymbol.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
    });
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

CryptoList::CryptoList() : CryptoList(defaultSymbols()) {}

CryptoList::CryptoList(std::vector<std::string> symbols)
{
    for (auto& symbol : symbols)
        symbol = normalizeSymbol(symbol);
    std::sort(symbols.begin(), symbols.end());
    symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
    m_symbols = std::move(symbols);
    for (const std::string& symbol : m_symbols)
        m_lengths |= lengthBit(symbol.size());
}

bool CryptoList::contains(std::string_view normalizedSymbol) const
{
    // Most stock tickers are shorter than any crypto pair: one test, no string compare.
    if (!(m_lengths & lengthBit(normalizedSymbol.size())))
        return false;
    return std::binary_search(m_symbols.begin(), m_symbols.end(), normalizedSymbol,
                              [](std::string_view a, std::string_view b) { return a < b; });
}

} // namespace kelly
