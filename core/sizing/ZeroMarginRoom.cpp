#include "ZeroMarginRoom.h"

#include <algorithm>
#include <cmath>

namespace kelly {

bool marginRoomSizesAddToZero(SizingMode method, const SizingRequest& request,
                              const SizingContext& context)
{
    const PreparedBook* prepared = context.prepared;
    if (method == SizingMode::Halt || request.reduce || !prepared ||
        !prepared->fits(context.account, context.cryptoList, context.margin))
        return false;
    // What the sizer would reject goes to it, so its error is reported; so does a forecast
    // left to the stored metrics, or a full Kelly fraction |mu| / sigma^2 that is not finite.
    if (!isValidSymbol(request.symbol) || validateSizingRequest(request, context.account) ||
        !request.muDaily || !request.sigmaDaily)
        return false;
    const double mu = *request.muDaily;
    const double sigma = *request.sigmaDaily;
    if (!(sigma > 0.0) || !std::isfinite(std::abs(mu) / (sigma * sigma)))
        return false;
    const AssetClass assetClass = context.cryptoList.classify(request.symbol);
    const auto roomRoundsToZero = [&](PositionSide side) {
        const double rate =
            addRate(request.symbol, assetClass, side, request.priceUsd, context.margin);
        const double room =
            marginRoomUsd(context.account.equityUsd, prepared->grossUsd(),
                          prepared->maintenanceUsd(), rate, context.margin.callFallK);
        return roundDownQty(std::max(room, 0.0) / request.priceUsd, assetClass) <= 0.0;
    };
    // SPEC 11: enhanced sizes a stock with a negative forecast as a short.
    const bool shortSide =
        method == SizingMode::Enhanced && assetClass == AssetClass::Stock && mu < 0.0;
    return roomRoundsToZero(PositionSide::Long) &&
           (!shortSide || roomRoundsToZero(PositionSide::Short));
}

} // namespace kelly
