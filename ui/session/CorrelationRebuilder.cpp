#include "CorrelationRebuilder.h"

#include "common/Symbols.h"
#include "risk/Correlation.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QtConcurrent>
#include <set>

namespace kelly::ui {

CorrelationRebuilder::CorrelationRebuilder(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this,
            [this](int value) { Q_EMIT progress(value, m_watcher.progressMaximum()); });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<CorrelationBuild> result = m_watcher.result();
        if (result)
            Q_EMIT finished(result.value());
        else
            Q_EMIT failed(QString::fromStdString(result.error().describe()));
    });
}

CorrelationRebuilder::~CorrelationRebuilder()
{
    m_watcher.waitForFinished();
}

bool CorrelationRebuilder::isRunning() const
{
    return m_watcher.isRunning();
}

void CorrelationRebuilder::start(const QString& folder, int lookback)
{
    if (isRunning())
        return;
    m_watcher.setFuture(
        QtConcurrent::run([folder, lookback](QPromise<Result<CorrelationBuild>>& promise) {
            promise.addResult(rebuild(folder, lookback, [&promise](int done, int total) {
                promise.setProgressRange(0, total);
                promise.setProgressValue(done);
            }));
        }));
}

Result<CorrelationBuild>
CorrelationRebuilder::rebuild(const QString& folder, int lookback,
                              const std::function<void(int, int)>& progress)
{
    const QDir dir(folder);
    if (!dir.exists())
        return InputError{"prices", "no such folder: " + folder.toStdString()};
    const QStringList files = dir.entryList({QStringLiteral("*.csv"), QStringLiteral("*.CSV")},
                                            QDir::Files, QDir::Name | QDir::IgnoreCase);
    if (files.isEmpty())
        return InputError{"prices", "no .csv price files in " + folder.toStdString()};
    const int total = static_cast<int>(files.size()) + 1;
    std::vector<PriceSeries> series;
    std::set<std::string> symbols;
    for (int i = 0; i < files.size(); ++i) {
        progress(i, total);
        Result<PriceSeries> one = readPriceFile(dir.filePath(files.at(i)).toStdString());
        if (!one)
            return one.error();
        // SPEC 1: two files that normalise to one symbol would be one column twice.
        if (!symbols.insert(one->symbol).second)
            return InputError{"prices", "two files hold symbol " + one->symbol};
        series.push_back(std::move(one).value());
    }
    progress(total - 1, total);
    CorrelationBuild build = buildCorrelation(series, lookback);
    progress(total, total);
    return build;
}

} // namespace kelly::ui
