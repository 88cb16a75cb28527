#include "SizingShortcut.h"

#include <algorithm>
#include <cmath>

namespace kelly::lab {

namespace {

// What Sizing.cpp's validate rejects, or a full Kelly fraction |mu| / sigma^2 that is not
// finite (sigma 0 or its square underflowing, where a size could be 0 x inf): such orders
// go to the sizer, so their errors are reported as before.
bool plainRequest(const LabOrder& order, const Account& account)
{
    const double mu = order.muDaily, sigma = order.sigmaDaily;
    return order.validSymbol && std::isfinite(order.priceUsd) && order.priceUsd > 0.0 &&
           std::isfinite(mu) && std::isfinite(sigma) && sigma > 0.0 &&
           std::isfinite(std::abs(mu) / (sigma * sigma)) && std::isfinite(account.equityUsd) &&
           std::isfinite(account.buyingPowerUsd);
}

} // namespace

bool marginRoundsOrderToZero(const LabOrder& order, const Account& account,
                             const PreparedBook& prepared, const CryptoList& cryptoList,
                             const MarginPolicy& margin)
{
    // The sizer reads the book's gross and maintenance from `prepared` only when it fits.
    if (!plainRequest(order, account) || !prepared.fits(account, cryptoList, margin))
        return false;
    auto roomRoundsToZero = [&](PositionSide side) {
        const double rate = addRate(order.symbol, order.assetClass, side, order.priceUsd, margin);
        const double room = marginRoomUsd(account.equityUsd, prepared.grossUsd(),
                                          prepared.maintenanceUsd(), rate, margin.callFallK);
        return roundDownQty(std::max(room, 0.0) / order.priceUsd, order.assetClass) <= 0.0;
    };
    // SPEC 11: enhanced sizes a stock with a negative forecast as a short.
    const bool shortSide =
        order.enhanced && order.assetClass == AssetClass::Stock && order.muDaily < 0.0;
    return roomRoundsToZero(PositionSide::Long) &&
           (!shortSide || roomRoundsToZero(PositionSide::Short));
}

} // namespace kelly::lab
