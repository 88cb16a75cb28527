#include "Import.h"

#include "Values.h"
#include "common/Symbols.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QList>
#include <cmath>

namespace kelly::ctl {

namespace {

// Collects rows and refuses a symbol listed twice (which row would win is anyone's guess).
class BookBuilder
{
public:
    bool add(Position position, const QString& where, QString* error)
    {
        const QString symbol = QString::fromStdString(position.symbol);
        if (const auto seen = m_seenAt.constFind(symbol); seen != m_seenAt.cend()) {
            *error = where + QStringLiteral(": symbol: ") + symbol +
                     QStringLiteral(" is listed twice (first at ") + *seen + QLatin1Char(')');
            return false;
        }
        m_seenAt.insert(symbol, where);
        if (position.qty != 0.0) // a zero row means "not held": the replace drops it
            m_positions.push_back(std::move(position));
        return true;
    }
    std::vector<Position> take() { return std::move(m_positions); }

private:
    QHash<QString, QString> m_seenAt;
    std::vector<Position> m_positions;
};

std::optional<std::string> parseSymbol(const QString& text, QString* error)
{
    const std::string symbol = normalizeSymbol(text.trimmed().toStdString());
    if (!isValidSymbol(symbol)) {
        *error = QStringLiteral("symbol: '") + text + QStringLiteral("' is not a symbol");
        return std::nullopt;
    }
    return symbol;
}

// One Alpaca position object. qty's sign follows `side` when given (Alpaca reports shorts
// with side "short"); the price is current_price, else market_value / qty.
std::optional<Position> parseAlpacaPosition(const QJsonObject& object, QString* error)
{
    const QJsonValue symbolValue = object.value(QLatin1String("symbol"));
    if (!symbolValue.isString()) {
        *error = QStringLiteral("symbol: missing or not text");
        return std::nullopt;
    }
    const auto symbol = parseSymbol(symbolValue.toString(), error);
    if (!symbol)
        return std::nullopt;
    auto qty = parseJsonNumber(object.value(QLatin1String("qty")), QStringLiteral("qty"), Sign::Any,
                               error);
    if (!qty)
        return std::nullopt;
    const QJsonValue side = object.value(QLatin1String("side"));
    if (!side.isUndefined() && !side.isNull()) {
        const QString sideText = side.toString().trimmed().toLower();
        if (sideText == QLatin1String("short"))
            qty = -std::abs(*qty);
        else if (sideText == QLatin1String("long"))
            qty = std::abs(*qty);
        else {
            *error = QStringLiteral("side: must be long or short");
            return std::nullopt;
        }
    }
    std::optional<double> price;
    if (object.contains(QLatin1String("current_price"))) {
        price = parseJsonNumber(object.value(QLatin1String("current_price")),
                                QStringLiteral("current_price"), Sign::Positive, error);
    } else if (object.contains(QLatin1String("market_value"))) {
        const auto marketValue = parseJsonNumber(object.value(QLatin1String("market_value")),
                                                 QStringLiteral("market_value"), Sign::Any, error);
        if (!marketValue)
            return std::nullopt;
        if (*qty == 0.0 || *marketValue / *qty <= 0.0) {
            *error = QStringLiteral("market_value: gives no positive price with qty ") +
                     QString::number(*qty, 'g', 17);
            return std::nullopt;
        }
        price = *marketValue / *qty;
    } else {
        *error = QStringLiteral("current_price: missing (and no market_value)");
    }
    if (!price)
        return std::nullopt;
    double avgEntry = 0.0;
    const QJsonValue entry = object.value(QLatin1String("avg_entry_price"));
    if (!entry.isUndefined() && !entry.isNull()) {
        const auto parsed =
            parseJsonNumber(entry, QStringLiteral("avg_entry_price"), Sign::NonNegative, error);
        if (!parsed)
            return std::nullopt;
        avgEntry = *parsed;
    }
    return Position{*symbol, *qty, *price, avgEntry};
}

} // namespace

ImportResult parseAlpacaPositions(const QString& fileName, const QByteArray& contents)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(contents, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {std::nullopt, fileName + QStringLiteral(": not valid JSON at offset %1: %2")
                                             .arg(parseError.offset)
                                             .arg(parseError.errorString())};
    if (!document.isArray())
        return {std::nullopt, fileName + QStringLiteral(": expected a JSON array of positions"
                                                        " (Alpaca /v2/positions)")};
    BookBuilder book;
    const QJsonArray array = document.array();
    QString error;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = fileName + QStringLiteral(": position [%1]").arg(i);
        if (!array[i].isObject())
            return {std::nullopt, where + QStringLiteral(": not a JSON object")};
        const auto position = parseAlpacaPosition(array[i].toObject(), &error);
        if (!position)
            return {std::nullopt, where + QStringLiteral(": ") + error};
        if (!book.add(*position, where, &error))
            return {std::nullopt, error};
    }
    return {book.take(), {}};
}

namespace {

ImportResult parseCsv(const QString& fileName, const QByteArray& contents)
{
    BookBuilder book;
    const QList<QByteArray> lines = contents.split('\n');
    QString error;
    bool firstRow = true;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]).trimmed();
        const QString where = fileName + QStringLiteral(":%1").arg(i + 1);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(QLatin1Char(','));
        if (firstRow &&
            fields.front().trimmed().compare(QLatin1String("symbol"), Qt::CaseInsensitive) == 0) {
            firstRow = false;
            continue; // the optional header
        }
        firstRow = false;
        if (fields.size() < 3 || fields.size() > 4)
            return {std::nullopt, where + QStringLiteral(": expected symbol,qty,price"
                                                         "[,avg_entry], got %1 fields")
                                              .arg(fields.size())};
        const auto symbol = parseSymbol(fields[0], &error);
        const auto qty = symbol ? parseNumber(fields[1], QStringLiteral("qty"), Sign::Any, &error)
                                : std::nullopt;
        const auto price =
            qty ? parseNumber(fields[2], QStringLiteral("price"), Sign::Positive, &error)
                : std::nullopt;
        std::optional<double> avgEntry = 0.0;
        if (price && fields.size() == 4 && !fields[3].trimmed().isEmpty())
            avgEntry =
                parseNumber(fields[3], QStringLiteral("avg_entry"), Sign::NonNegative, &error);
        if (!symbol || !qty || !price || !avgEntry)
            return {std::nullopt, where + QStringLiteral(": ") + error};
        if (!book.add(Position{*symbol, *qty, *price, *avgEntry}, where, &error))
            return {std::nullopt, error};
    }
    return {book.take(), {}};
}

} // namespace

ImportResult parsePositionsFile(const QString& fileName, const QByteArray& contents)
{
    const QByteArray trimmed = contents.trimmed();
    if (trimmed.isEmpty())
        return {std::nullopt, fileName + QStringLiteral(": the file is empty (an empty book is"
                                                        " written as [] in JSON)")};
    if (trimmed.startsWith('[') || trimmed.startsWith('{'))
        return parseAlpacaPositions(fileName, contents);
    return parseCsv(fileName, contents);
}

} // namespace kelly::ctl
