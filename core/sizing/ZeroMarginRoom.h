#pragma once

// Issue 25: a caller sizing many orders against one prepared book (the lab) finds that once
// a few are sized, SPEC 15's margin room left is under one step of most symbols, and the
// sizer sizes them 0. This answers that without a sizing call.

#include "sizing/Sizing.h"

namespace kelly {

// True only when sizing the add `request` in `method` (Enhanced, with or without SPEC 11's
// correlations, or Legacy) against `context` would return a size of 0 and no error,
// whatever the Kelly fraction or the correlations: the request passes the sizer's checks
// with its forecast given and a finite full Kelly fraction, `context.prepared` fits the
// account, and SPEC 15's margin room rounds to 0 on the side the method sizes on and on the
// long side of SPEC 11's fallback to legacy. Every add's size is at most that room, rounded
// down. False means "size it", never "it sizes above 0".
bool marginRoomSizesAddToZero(SizingMode method, const SizingRequest& request,
                              const SizingContext& context);

} // namespace kelly
