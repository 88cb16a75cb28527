#include "PreparedBook.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace kelly {

namespace {

// A symbol's first 8 bytes as one integer: a probe compares integers, and only a match
// compares the whole symbol.
uint64_t prefixKey(std::string_view symbol)
{
    // Fixed-size loads only (a memcpy of a variable size is a library call): 8 bytes, or two
    // overlapping 4-byte halves, or the 1-3 bytes one by one; the bytes past the end are 0.
    const char* bytes = symbol.data();
    const size_t size = symbol.size();
    uint64_t key = 0;
    if (size >= 8) {
        std::memcpy(&key, bytes, 8);
    } else if (size >= 4) {
        uint32_t low = 0;
        uint32_t high = 0;
        std::memcpy(&low, bytes, 4);
        std::memcpy(&high, bytes + size - 4, 4);
        key = low | uint64_t(high) << (8 * (size - 4));
    } else {
        for (size_t i = 0; i < size; ++i)
            key |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
    }
    return key;
}

size_t homeSlot(uint64_t key, size_t mask)
{
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask; // Fibonacci hash
}

} // namespace

PreparedBook::PreparedBook(const Account& account, const CryptoList& cryptoList,
                           const MarginPolicy& margin)
    : m_account(&account), m_positions(account.positions.data()),
      m_positionCount(account.positions.size()), m_cryptoList(&cryptoList), m_margin(margin),
      m_grossUsd(account.grossUsd()),
      m_maintenanceUsd(maintenanceRequirementUsd(account, cryptoList, margin))
{
    // Linear probing at most half full; positions go in in the account's order, so among
    // equal symbols (one home slot) the first held is met first, as Account::find returns it.
    m_slots.assign(std::bit_ceil(std::max<size_t>(2 * account.positions.size(), 8)), Slot{});
    m_mask = m_slots.size() - 1;
    for (const Position& position : account.positions) {
        const uint64_t key = prefixKey(position.symbol);
        size_t slot = homeSlot(key, m_mask);
        while (m_slots[slot].position)
            slot = (slot + 1) & m_mask;
        m_slots[slot] = Slot{key, &position};
    }
}

bool PreparedBook::fits(const Account& account, const CryptoList& cryptoList,
                        const MarginPolicy& margin) const
{
    return &account == m_account && account.positions.data() == m_positions &&
           account.positions.size() == m_positionCount && &cryptoList == m_cryptoList &&
           margin.maintenanceFloor == m_margin.maintenanceFloor &&
           margin.callFallK == m_margin.callFallK && margin.rates == m_margin.rates;
}

const Position* PreparedBook::find(std::string_view normalizedSymbol) const
{
    const uint64_t key = prefixKey(normalizedSymbol);
    const size_t size = normalizedSymbol.size();
    for (size_t slot = homeSlot(key, m_mask); m_slots[slot].position; slot = (slot + 1) & m_mask) {
        if (m_slots[slot].key != key)
            continue;
        const std::string& held = m_slots[slot].position->symbol;
        // Up to 8 bytes the key holds the whole symbol: equal keys and sizes are equal symbols.
        if (held.size() == size &&
            (size <= sizeof key ||
             std::memcmp(held.data() + sizeof key, normalizedSymbol.data() + sizeof key,
                         size - sizeof key) == 0))
            return m_slots[slot].position;
    }
    return nullptr;
}

} // namespace kelly
