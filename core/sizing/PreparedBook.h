#pragma once

#include "common/Symbols.h"
#include "margin/Margin.h"
#include "sizing/Account.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kelly {

// What a sizing call needs of every position of a book: the gross exposure, the maintenance
// requirement (SPEC 15, a rate lookup per position) and where each symbol is held. Built once
// per loaded book, so a bot or the lab sizing several orders against one book pays a lookup
// per call instead of a pass over the positions (issue 25).
//
// It holds pointers into `account`: build it again after changing the account. The sizer
// uses it only for the account object, positions storage, crypto list and margin settings it
// was built from (`fits`); any other context is sized as without it.
class PreparedBook
{
public:
    PreparedBook(const Account& account, const CryptoList& cryptoList, const MarginPolicy& margin);

    // Both here, inline: they run on every sizing call, and a call across files cost more
    // than their work.
    bool fits(const Account& account, const CryptoList& cryptoList,
              const MarginPolicy& margin) const
    {
        return &account == m_account && account.positions.data() == m_positions &&
               account.positions.size() == m_positionCount && &cryptoList == m_cryptoList &&
               margin.maintenanceFloor == m_margin.maintenanceFloor &&
               margin.callFallK == m_margin.callFallK && margin.rates == m_margin.rates;
    }

    // The first position of `normalizedSymbol` in the account's order, as Account::find.
    const Position* find(std::string_view normalizedSymbol) const
    {
        const uint64_t key = symbolPrefixKey(normalizedSymbol);
        for (size_t slot = homeSlot(key, m_mask); m_slots[slot].position;
             slot = (slot + 1) & m_mask) {
            if (m_slots[slot].key != key)
                continue;
            if (sameSymbolPastKey(m_slots[slot].position->symbol, normalizedSymbol))
                return m_slots[slot].position;
        }
        return nullptr;
    }
    double grossUsd() const { return m_grossUsd; }
    double maintenanceUsd() const { return m_maintenanceUsd; }

private:
    static size_t homeSlot(uint64_t key, size_t mask)
    {
        return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask; // Fibonacci hash
    }

    const Account* m_account;
    const Position* m_positions;
    size_t m_positionCount;
    const CryptoList* m_cryptoList;
    MarginPolicy m_margin;
    double m_grossUsd;
    double m_maintenanceUsd;
    // An open-addressing table of the positions by symbol (its first 8 bytes as the key).
    struct Slot
    {
        uint64_t key = 0;
        const Position* position = nullptr; // nullptr: empty
    };
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
};

} // namespace kelly
