#include "Format.h"

#include <QDateTime>
#include <QLocale>
#include <cmath>

namespace kelly::ui::format {

namespace {

// One fixed locale: the trader reads US-style numbers whatever the machine is set to.
const QLocale& numberLocale()
{
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

QString grouped(double value, int decimals)
{
    return numberLocale().toString(value, 'f', decimals);
}

} // namespace

QString missing()
{
    return QString(QChar(0x2014));
}

QString usd(double valueUsd, int decimals)
{
    if (!std::isfinite(valueUsd))
        return missing();
    const double rounded = std::abs(valueUsd) < 0.5 * std::pow(10.0, -decimals) ? 0.0 : valueUsd;
    const QString digits = grouped(std::abs(rounded), decimals);
    return rounded < 0.0 ? QStringLiteral("-$") + digits : QStringLiteral("$") + digits;
}

QString usd(const std::optional<double>& valueUsd, int decimals)
{
    return valueUsd ? usd(*valueUsd, decimals) : missing();
}

QString signedUsd(double valueUsd, int decimals)
{
    if (!std::isfinite(valueUsd))
        return missing();
    const QString text = usd(valueUsd, decimals);
    return text.startsWith(QLatin1Char('-')) || text == usd(0.0, decimals)
               ? text
               : QStringLiteral("+") + text;
}

QString price(double priceUsd)
{
    if (!std::isfinite(priceUsd))
        return missing();
    return grouped(priceUsd, std::abs(priceUsd) < 1.0 ? 4 : 2);
}

QString pct(double valuePct, int decimals)
{
    if (!std::isfinite(valuePct))
        return missing();
    return grouped(valuePct, decimals) + QLatin1Char('%');
}

QString pct(const std::optional<double>& valuePct, int decimals)
{
    return valuePct ? pct(*valuePct, decimals) : missing();
}

QString leverage(const std::optional<double>& leverage)
{
    if (!leverage || !std::isfinite(*leverage))
        return missing();
    return grouped(*leverage, 2) + QLatin1Char('x');
}

QString qty(double qty, AssetClass assetClass)
{
    if (!std::isfinite(qty))
        return missing();
    if (assetClass == AssetClass::Crypto)
        return grouped(qty, 3);
    // Fractional shares are allowed (SPEC 9); whole ones print without decimals.
    const bool whole = std::abs(qty - std::round(qty)) < 1e-9;
    return grouped(qty, whole ? 0 : 4);
}

QString fraction(const std::optional<double>& value)
{
    if (!value || !std::isfinite(*value))
        return missing();
    return QString::number(*value, 'f', 3);
}

QString duration(std::chrono::seconds span)
{
    using namespace std::chrono;
    if (span < seconds(0))
        span = seconds(0);
    const auto h = duration_cast<hours>(span);
    const auto m = duration_cast<minutes>(span - h);
    const auto s = span - h - m;
    if (h.count() > 0)
        return QStringLiteral("%1h %2m").arg(h.count()).arg(m.count(), 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1m %2s").arg(m.count()).arg(s.count(), 2, 10, QLatin1Char('0'));
}

QString newYorkTime(UtcTime utc)
{
    const auto local = newyork::toLocal(utc).time_since_epoch();
    const auto secondsOfDay = ((local.count() % 86400) + 86400) % 86400;
    return QStringLiteral("%1:%2 ET")
        .arg(secondsOfDay / 3600, 2, 10, QLatin1Char('0'))
        .arg((secondsOfDay / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString utcDateTime(UtcTime utc)
{
    const auto days = std::chrono::floor<std::chrono::days>(utc);
    const std::chrono::year_month_day ymd(days);
    const auto secondsOfDay = (utc - days).count();
    return QStringLiteral("%1-%2-%3 %4:%5 UTC")
        .arg(static_cast<int>(ymd.year()))
        .arg(static_cast<unsigned>(ymd.month()), 2, 10, QLatin1Char('0'))
        .arg(static_cast<unsigned>(ymd.day()), 2, 10, QLatin1Char('0'))
        .arg(secondsOfDay / 3600, 2, 10, QLatin1Char('0'))
        .arg((secondsOfDay / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString timeOfDay(UtcTime utc)
{
    const auto local = newyork::toLocal(utc).time_since_epoch();
    const auto secondsOfDay = ((local.count() % 86400) + 86400) % 86400;
    return QStringLiteral("%1:%2:%3 ET")
        .arg(secondsOfDay / 3600, 2, 10, QLatin1Char('0'))
        .arg((secondsOfDay / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(secondsOfDay % 60, 2, 10, QLatin1Char('0'));
}

QString eventTime(UtcTime utc)
{
    const auto nyDays = std::chrono::floor<std::chrono::days>(newyork::toLocal(utc));
    const std::chrono::year_month_day ymd(std::chrono::sys_days(nyDays.time_since_epoch()));
    // Qt::LocalTime: this machine's zone, whatever New York's is.
    const QDateTime local = QDateTime::fromSecsSinceEpoch(utc.time_since_epoch().count());
    return QStringLiteral("%1-%2 %3 (%4 local)")
        .arg(static_cast<unsigned>(ymd.month()), 2, 10, QLatin1Char('0'))
        .arg(static_cast<unsigned>(ymd.day()), 2, 10, QLatin1Char('0'))
        .arg(timeOfDay(utc), local.toString(QStringLiteral("HH:mm:ss")));
}

QString chance(double probability)
{
    if (probability > 0.0 && probability < 0.001)
        return QStringLiteral("<0.1%");
    if (probability < 1.0 && probability > 0.999)
        return QStringLiteral(">99.9%");
    return QString::number(probability * 100.0, 'f', 1) + QLatin1Char('%');
}

} // namespace kelly::ui::format
