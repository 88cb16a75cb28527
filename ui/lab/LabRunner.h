#pragma once

#include "lab/Lab.h"

#include <QFutureWatcher>
#include <QObject>
#include <atomic>
#include <memory>

namespace kelly::ui {

// Runs the sizing lab (SPEC 12) on a worker thread (QtConcurrent): reads the price folder
// and the forecast file there too, reports progress per calendar date, and stops at the
// next date when cancelled. The GUI thread only receives the finished result.
class LabRunner final : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString pricesFolder;
        QString forecastFile; // empty: trailing forecasts
        lab::LabSettings settings;
        lab::LabOptions options;
    };

    explicit LabRunner(QObject* parent = nullptr);
    ~LabRunner() override;

    bool isRunning() const;
    void start(const Request& request);
    void cancel();

    // The work itself, callable without a thread.
    static Result<lab::LabResult> run(const Request& request, const lab::LabControl& control);

Q_SIGNALS:
    void progress(int done, int total);
    void finished(std::shared_ptr<const kelly::lab::LabResult> result);
    void failed(const QString& message);
    void cancelled();

private:
    QFutureWatcher<Result<lab::LabResult>> m_watcher;
    std::atomic<bool> m_cancel{false};
};

} // namespace kelly::ui
