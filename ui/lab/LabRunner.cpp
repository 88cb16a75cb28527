#include "LabRunner.h"

#include "risk/PriceFile.h"

#include <QFileInfo>
#include <QtConcurrent>

namespace kelly::ui {

LabRunner::LabRunner(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this,
            [this](int value) { Q_EMIT progress(value, m_watcher.progressMaximum()); });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<lab::LabResult> result = m_watcher.result();
        if (!result)
            Q_EMIT failed(QString::fromStdString(result.error().describe()));
        else if (result->cancelled)
            Q_EMIT cancelled();
        else
            Q_EMIT finished(std::make_shared<const lab::LabResult>(result.value()));
    });
}

LabRunner::~LabRunner()
{
    m_cancel = true;
    m_watcher.waitForFinished();
}

bool LabRunner::isRunning() const
{
    return m_watcher.isRunning();
}

void LabRunner::start(const Request& request)
{
    if (isRunning())
        return;
    m_cancel = false;
    m_watcher.setFuture(
        QtConcurrent::run([this, request](QPromise<Result<lab::LabResult>>& promise) {
            lab::LabControl control;
            control.cancel = &m_cancel;
            control.progress = [&promise](int done, int total) {
                promise.setProgressRange(0, total);
                promise.setProgressValue(done);
            };
            promise.addResult(run(request, control));
        }));
}

void LabRunner::cancel()
{
    m_cancel = true;
}

Result<lab::LabResult> LabRunner::run(const Request& request, const lab::LabControl& control)
{
    if (!QFileInfo(request.pricesFolder).isDir())
        return InputError{"prices", request.pricesFolder.toStdString() + ": no such folder"};
    const Result<std::vector<PriceSeries>> prices =
        loadPriceFolder(request.pricesFolder.toStdString());
    if (!prices)
        return prices.error();
    lab::LabOptions options = request.options;
    if (!request.forecastFile.isEmpty()) {
        Result<lab::ForecastTable> table =
            lab::readForecastFile(request.forecastFile.toStdString());
        if (!table)
            return table.error();
        options.forecast = std::move(table).value();
    }
    return lab::runLab(*prices, request.settings, options, control);
}

} // namespace kelly::ui
