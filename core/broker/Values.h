#pragma once

// Strict parsing of user-typed values: a number is finite and the whole token ("12abc",
// "nan", "inf" and "" are refused), with a message naming the field (SPEC 9: exit code 2).

#include <QJsonValue>
#include <QString>
#include <optional>

namespace kelly::ctl {

enum class Sign
{
    Any,
    NonNegative,
    Positive
};

std::optional<double> parseNumber(const QString& text, const QString& field, Sign sign,
                                  QString* error);

// A number from a JSON document may arrive as a number or as a string (Alpaca sends strings).
std::optional<double> parseJsonNumber(const QJsonValue& value, const QString& field, Sign sign,
                                      QString* error);

} // namespace kelly::ctl
