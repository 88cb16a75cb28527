#include "PreparedBook.h"

#include <algorithm>
#include <bit>

namespace kelly {

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
        const uint64_t key = symbolPrefixKey(position.symbol);
        size_t slot = homeSlot(key, m_mask);
        while (m_slots[slot].position)
            slot = (slot + 1) & m_mask;
        m_slots[slot] = Slot{key, &position};
    }
}

} // namespace kelly
