// The price-file reader (SPEC 5) on arbitrary bytes: never crashes, and anything it accepts
// is a clean series (ISO dates strictly ascending, closes finite and > 0).
#include "risk/PriceFile.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto series = kelly::parsePriceCsv(text, "fuzz.csv", "FUZZ");
    if (!series.ok()) {
        if (series.error().message.empty())
            std::abort();
        return 0;
    }
    const auto& s = series.value();
    if (s.dates.size() != s.closes.size() || s.dates.empty())
        std::abort();
    for (size_t i = 0; i < s.dates.size(); ++i) {
        if (!kelly::isIsoDate(s.dates[i]) || !std::isfinite(s.closes[i]) || s.closes[i] <= 0.0)
            std::abort();
        if (i > 0 && !(s.dates[i - 1] < s.dates[i]))
            std::abort();
    }
    return 0;
}
