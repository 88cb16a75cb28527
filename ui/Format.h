#pragma once

#include "common/NewYorkTime.h"
#include "common/Symbols.h"

#include <QString>
#include <optional>

// Number formats shared by every panel. Each returns an em dash for a missing or
// non-finite figure, so no NaN or inf can reach the screen.
namespace kelly::ui::format {

QString usd(double valueUsd, int decimals = 0); // "$1,234,567", "-$12,300"
QString usd(const std::optional<double>& valueUsd, int decimals = 0);
QString signedUsd(double valueUsd, int decimals = 0); // "+$1,200", "-$300"
QString price(double priceUsd);                       // "1,234.56"; 4 decimals below 1
QString pct(double valuePct, int decimals = 1);       // "38.7%"
QString pct(const std::optional<double>& valuePct, int decimals = 1);
QString leverage(const std::optional<double>& leverage); // "1.90x"
QString qty(double qty, AssetClass assetClass);          // "1,600", "1.200"
QString fraction(const std::optional<double>& value);    // "0.234"
QString duration(std::chrono::seconds span);             // "2h 05m", "12m 30s"
QString newYorkTime(UtcTime utc);                        // "16:00 ET"
QString utcDateTime(UtcTime utc);                        // "2026-11-25 21:56 UTC"
QString timeOfDay(UtcTime utc);                          // "16:00:05 ET"
// Issue 17: audit and log rows to the second, New York first (the market's clock), then
// this machine's local time: "11-25 16:00:05 ET (22:00:05 local)". No year: the window
// shows recent rows and `kellyctl audit` has the full ISO stamps.
QString eventTime(UtcTime utc);
QString missing(); // the em dash
// A probability as odds: "12.5%", and "<0.1%" / ">99.9%" rather than 0.0% or 100.0% when
// it is not exactly that (SPEC 18's drawdown odds).
QString chance(double probability);

} // namespace kelly::ui::format
