// `correlation build` and `correlation show` (SPEC 5, 9): the analytics library computes,
// the store keeps the build with its time; the data's date (SPEC 5) decides staleness.

#include "Session.h"
#include "common/Beside.h"
#include "risk/Correlation.h"
#include "risk/PriceFile.h"

#include <future>
#if defined(__GLIBC__) && defined(__linux__)
#include <cstdint>
#include <cstdlib>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace kelly::ctl {

namespace {

// The build allocates and frees some 60 MB in this one-shot process (the series, the
// window's matrices, the repair's), and the kernel's first touch of each 4 KB page was
// ~12,800 page faults, 15-25% of the command's CPU. This gives the process one heap of
// `bytes` up front, kept until the exit, that every thread allocates from, and asks the kernel
// for 2 MB pages in it (transparent huge pages, which this VM's kernel gives only where
// asked): ~1,500 faults, for ~4 MB more resident memory. Where any step is refused (another
// allocator, no THP, no brk heap), allocation simply goes on as before.
void reserveHugePageHeap(std::size_t bytes)
{
#if defined(__GLIBC__) && defined(__linux__)
    constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
    constexpr int kLargestHeapBlock = 32 << 20;         // glibc's ceiling for M_MMAP_THRESHOLD
    mallopt(M_ARENA_MAX, 1);                            // the loading threads too
    mallopt(M_MMAP_THRESHOLD, kLargestHeapBlock);       // the matrices from the heap, not mmap
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes)); // freed memory stays for reuse
    mallopt(M_TOP_PAD, static_cast<int>(bytes));        // the next growth takes it all
    auto* const before = static_cast<char*>(sbrk(0));
    void* volatile growth = std::malloc(kLargestHeapBlock / 2); // volatile: never elided
    std::free(growth);
    auto* const after = static_cast<char*>(sbrk(0));
    const std::uintptr_t begin =
        (reinterpret_cast<std::uintptr_t>(before) + kHugePage - 1) & ~(kHugePage - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(after);
    if (end > begin)
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)bytes;
#endif
}

} // namespace

int runCorrelationBuild(Session& session)
{
    const Invocation& in = session.invocation;
    int lookback = kDefaultLookback;
    if (in.has(QStringLiteral("lookback"))) {
        bool ok = false;
        lookback = in.value(QStringLiteral("lookback")).trimmed().toInt(&ok);
        if (!ok)
            return session.badInput(QStringLiteral("lookback: '") +
                                    in.value(QStringLiteral("lookback")) +
                                    QStringLiteral("' is not a whole number"));
        if (const auto invalid = checkLookback(lookback))
            return session.badInput(QString::fromStdString(invalid->describe()));
    }
    reserveHugePageHeap(std::size_t{128} << 20);
    const Result<std::vector<PriceSeries>> series =
        loadPriceFolder(in.value(QStringLiteral("prices")).toStdString());
    if (!series)
        return session.badInput(QStringLiteral("prices: ") +
                                QString::fromStdString(series.error().describe()));
    CorrelationBuild build = buildPairwiseCorrelation(*series, lookback);
    // The store packs the pairwise matrices (mostly zlib) on the second core while this one
    // repairs the covariance (mostly LAPACK): the two touch different parts of the build.
    auto pack = [&build] {
        return store::packCorrelation(build);
    };
    std::future<store::PackedCorrelation> packing = startBeside(pack);
    repairCorrelation(build);
    const store::PackedCorrelation packed = packing.get();
    qint64 id = 0;
    QString error;
    if (!session.store.saveCorrelationBuild(build, session.now, &id, &error, &packed))
        return session.failure(error);
    int blank = 0;
    for (const auto& value : build.correlation)
        blank += value ? 0 : 1;
    session.out << "correlation build " << id << ": " << build.symbols.size()
                << " symbols, lookback " << build.lookback << ", shrinkage "
                << QString::number(build.shrinkage, 'f', 3) << ", " << blank
                << " blank cells, built " << store::isoUtc(session.now);
    // SPEC 5: a build made today from old files is as stale as its data.
    const std::optional<UtcTime> dataDate = store::correlationDataDate(build);
    session.out << ", data of "
                << (dataDate ? store::isoUtc(*dataDate).left(10) : QStringLiteral("no date"))
                << (!dataDate || isCorrelationDataStale(*dataDate, session.now)
                        ? " (stale: older than 7 days, not used for sizing)"
                        : "")
                << '\n';
    return ExitOk;
}

int runCorrelationShow(Session& session)
{
    std::optional<store::StoredCorrelationBuild> stored;
    QString error;
    if (!session.store.loadLatestCorrelationBuild(&stored, &error))
        return session.failure(error);
    if (!stored)
        return session.failure(
            QStringLiteral("no correlation build yet; run 'kellyctl correlation build'"));
    const CorrelationBuild& build = stored->build;
    const size_t n = build.symbols.size();
    // SPEC 5: staleness follows the data's date, not the build time.
    const std::optional<UtcTime> dataDate = store::correlationDataDate(build);
    const QString dataDateText = dataDate ? store::isoUtc(*dataDate).left(10) : QString();
    const bool stale = !dataDate || isCorrelationDataStale(*dataDate, session.now);
    if (session.json()) {
        QJsonArray symbols;
        QJsonArray matrix;
        QJsonObject metrics;
        for (size_t i = 0; i < n; ++i) {
            const QString symbol = QString::fromStdString(build.symbols[i]);
            symbols.append(symbol);
            QJsonArray row;
            for (size_t j = 0; j < n; ++j)
                row.append(jsonOptional(build.correlation[i * n + j]));
            matrix.append(row);
            const VolatilityMetrics& m = build.metrics[i];
            metrics.insert(
                symbol,
                QJsonObject{{QStringLiteral("annualized_volatility"), m.annualizedVolatility},
                            {QStringLiteral("downside_volatility"), m.downsideVolatility},
                            {QStringLiteral("sharpe_ratio"), jsonOptional(m.sharpeRatio)},
                            {QStringLiteral("var_95"), m.var95},
                            {QStringLiteral("max_drawdown"), m.maxDrawdown},
                            {QStringLiteral("returns_used"), m.returnsUsed}});
        }
        session.print(QJsonObject{
            {QStringLiteral("built_at"), store::isoUtc(stored->builtAt)},
            {QStringLiteral("data_date"), dataDate ? QJsonValue(dataDateText) : QJsonValue()},
            {QStringLiteral("stale"), stale},
            {QStringLiteral("lookback"), build.lookback},
            {QStringLiteral("symbols"), symbols},
            {QStringLiteral("matrix"), matrix},
            {QStringLiteral("volatility_metrics"), metrics}});
        return ExitOk;
    }
    session.out << "built " << store::isoUtc(stored->builtAt) << ", data of "
                << (dataDateText.isEmpty() ? QStringLiteral("no date") : dataDateText)
                << (stale ? " (stale: older than 7 days)" : "") << ", lookback " << build.lookback
                << ", " << n << " symbols\n";
    QString header = QStringLiteral("%1").arg(QString(), -10);
    for (const std::string& symbol : build.symbols)
        header += QStringLiteral(" %1").arg(QString::fromStdString(symbol).left(8), 8);
    session.out << header << '\n';
    for (size_t i = 0; i < n; ++i) {
        QString line = QStringLiteral("%1").arg(QString::fromStdString(build.symbols[i]), -10);
        for (size_t j = 0; j < n; ++j) {
            const auto& c = build.correlation[i * n + j];
            line += QStringLiteral(" %1").arg(c ? QString::number(*c, 'f', 3) : QString(), 8);
        }
        session.out << line << '\n';
    }
    return ExitOk;
}

} // namespace kelly::ctl
