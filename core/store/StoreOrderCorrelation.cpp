// SPEC 11: one order's row of the latest correlation build, read straight from its BLOBs
// (both layouts of StoreRecords.cpp) instead of loading and assembling the whole build.

#include "Store.h"
#include "StoreImpl.h"
#include "risk/Correlation.h"

#include <QDate>
#include <QtEndian>
#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace kelly::store {

namespace {

// correlation_builds.layout, as StoreRecords.cpp writes it: 1 = all n x n cells row-major,
// 2 = the cells i <= j row by row, correlation_present qCompress'ed.
constexpr int kLayoutFull = 1;
constexpr int kLayoutPacked = 2;

// Index of cell (i, j) in the stored correlation and correlation_present arrays.
size_t cellIndex(int layout, size_t n, size_t i, size_t j)
{
    if (layout == kLayoutFull)
        return i * n + j;
    const size_t row = std::min(i, j);
    const size_t column = std::max(i, j);
    return row * (2 * n - row + 1) / 2 + (column - row); // the rows above hold n, n - 1, ...
}

// 00:00 UTC of an ISO day ("2026-03-25"), as correlation_symbols.last_date holds it.
std::optional<UtcTime> startOfIsoDay(const QString& text)
{
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (!day.isValid())
        return std::nullopt;
    return fromQDateTime(QDateTime(day, QTime(0, 0), Qt::UTC));
}

} // namespace

std::optional<UtcTime> correlationDataDate(const CorrelationBuild& build)
{
    std::optional<UtcTime> latest;
    for (const SymbolQuality& quality : build.quality) {
        const std::optional<UtcTime> last = startOfIsoDay(QString::fromStdString(quality.lastDate));
        if (last && (!latest || *last > *latest))
            latest = last;
    }
    return latest;
}

bool Store::loadOrderCorrelation(const QString& symbol, const Account& account,
                                 std::optional<UtcTime>* dataDate, BookCorrelation* out,
                                 QString* error) const
{
    Transaction transaction(*m_impl, Transaction::Kind::Read);
    if (!transaction.begin(error))
        return false;
    ReadStatement headerRead(
        *m_impl,
        QStringLiteral("SELECT id, (SELECT max(last_date) FROM correlation_symbols s WHERE"
                       " s.build_id = b.id), symbol_count, layout, correlation,"
                       " correlation_present FROM correlation_builds b ORDER BY id DESC LIMIT 1"),
        error);
    QSqlQuery& header = *headerRead;
    if (!run(headerRead, error))
        return false;
    *out = BookCorrelation{};
    if (!header.next()) {
        dataDate->reset();
        header.finish();
        return transaction.commit(error);
    }
    const qint64 id = header.value(0).toLongLong();
    // A build without a readable date counts as data of 1970: stale, never fresh.
    *dataDate = startOfIsoDay(header.value(1).toString()).value_or(UtcTime{});
    const size_t n = static_cast<size_t>(header.value(2).toLongLong());
    const int layout = header.value(3).toInt();
    const QByteArray correlation = header.value(4).toByteArray();
    const QByteArray present = layout == kLayoutPacked ? qUncompress(header.value(5).toByteArray())
                                                       : header.value(5).toByteArray();
    header.finish();
    if (layout != kLayoutFull && layout != kLayoutPacked) {
        *error = QStringLiteral("correlation build %1: layout %2 is from a newer KellyDesk")
                     .arg(id)
                     .arg(layout);
        return false;
    }
    const size_t cells = layout == kLayoutFull ? n * n : n * (n + 1) / 2;
    if (static_cast<size_t>(present.size()) != cells ||
        static_cast<size_t>(correlation.size()) != cells * sizeof(double)) {
        *error = QStringLiteral("correlation build %1: stored matrices are truncated").arg(id);
        return false;
    }

    ReadStatement symbolsRead(
        *m_impl,
        QStringLiteral("SELECT position, symbol, annualized_volatility FROM correlation_symbols"
                       " WHERE build_id = ?"),
        error);
    QSqlQuery& symbols = *symbolsRead;
    symbols.bindValue(0, id);
    if (!run(symbolsRead, error))
        return false;
    struct Known
    {
        size_t position;
        double annualizedVolatility;
    };
    std::unordered_map<std::string, Known> known;
    known.reserve(n);
    while (symbols.next()) {
        const qint64 position = symbols.value(0).toLongLong();
        if (position < 0 || static_cast<size_t>(position) >= n) {
            *error =
                QStringLiteral("correlation build %1: a symbol's position is out of range").arg(id);
            return false;
        }
        known.emplace(symbols.value(1).toString().toStdString(),
                      Known{static_cast<size_t>(position), symbols.value(2).toDouble()});
    }
    symbols.finish();
    if (!transaction.commit(error))
        return false;

    const auto order = known.find(normalizeSymbol(symbol.toStdString()));
    if (order == known.end()) {
        out->unavailable = CorrelationReason::SymbolNotInBuild;
        return true;
    }
    for (const Position& held : account.positions) {
        const auto found = known.find(held.symbol);
        std::optional<double> rho;
        double sigmaDaily = 0.0;
        if (found != known.end()) {
            const size_t cell =
                cellIndex(layout, n, order->second.position, found->second.position);
            if (present[static_cast<qsizetype>(cell)])
                rho = qFromLittleEndian<double>(correlation.constData() + cell * sizeof(double));
            sigmaDaily = found->second.annualizedVolatility / std::sqrt(kAnnualizationDays);
        }
        out->rhoWithOrder.push_back(rho);
        out->sigmaDaily.push_back(sigmaDaily);
    }
    return true;
}

} // namespace kelly::store
