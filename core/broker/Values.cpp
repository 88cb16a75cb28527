#include "Values.h"

#include <QJsonValue>
#include <cmath>

namespace kelly::ctl {

namespace {

std::optional<double> checkSign(double value, const QString& text, const QString& field, Sign sign,
                                QString* error)
{
    if (sign == Sign::Positive && value <= 0.0) {
        *error = field + QStringLiteral(": must be > 0, got ") + text;
        return std::nullopt;
    }
    if (sign == Sign::NonNegative && value < 0.0) {
        *error = field + QStringLiteral(": must be >= 0, got ") + text;
        return std::nullopt;
    }
    return value;
}

} // namespace

std::optional<double> parseNumber(const QString& text, const QString& field, Sign sign,
                                  QString* error)
{
    bool ok = false;
    const QString trimmed = text.trimmed();
    const double value = trimmed.toDouble(&ok);
    if (!ok || trimmed.isEmpty()) {
        *error = field + QStringLiteral(": '") + text + QStringLiteral("' is not a number");
        return std::nullopt;
    }
    if (!std::isfinite(value)) {
        *error = field + QStringLiteral(": '") + text + QStringLiteral("' is not a finite number");
        return std::nullopt;
    }
    return checkSign(value, trimmed, field, sign, error);
}

std::optional<double> parseJsonNumber(const QJsonValue& value, const QString& field, Sign sign,
                                      QString* error)
{
    if (value.isString())
        return parseNumber(value.toString(), field, sign, error);
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (!std::isfinite(number)) {
            *error = field + QStringLiteral(": is not a finite number");
            return std::nullopt;
        }
        return checkSign(number, QString::number(number, 'g', 17), field, sign, error);
    }
    *error = field + (value.isUndefined() ? QStringLiteral(": missing")
                                          : QStringLiteral(": is not a number"));
    return std::nullopt;
}

} // namespace kelly::ctl
