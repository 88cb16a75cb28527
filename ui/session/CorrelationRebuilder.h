#pragma once

#include "risk/Analytics.h"

#include <QFutureWatcher>
#include <QObject>

namespace kelly::ui {

// Rebuilds a correlation from a folder of price files on a worker thread (QtConcurrent),
// reporting progress per file read; the GUI thread only receives the finished build.
class CorrelationRebuilder final : public QObject
{
    Q_OBJECT
public:
    explicit CorrelationRebuilder(QObject* parent = nullptr);
    ~CorrelationRebuilder() override;

    bool isRunning() const;
    void start(const QString& folder, int lookback);

    // The work itself, callable without a thread (tests, kellyctl-style use). `progress`
    // receives (files read, files in total); the build step counts as one more.
    static Result<CorrelationBuild> rebuild(const QString& folder, int lookback,
                                            const std::function<void(int, int)>& progress);

Q_SIGNALS:
    void progress(int done, int total);
    void finished(const kelly::CorrelationBuild& build);
    void failed(const QString& message);

private:
    QFutureWatcher<Result<CorrelationBuild>> m_watcher;
};

} // namespace kelly::ui
