#pragma once

#include "LabRunner.h"
#include "store/LabRunRecord.h"

#include <QWidget>
#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace kelly::ui {

class DeskSession;
class LabChartsPanel;
class LabMetricsModel;

// The dashboard's Lab tab (SPEC 12, issue 15): the same engine as `kellyctl backtest`, run
// on a worker with progress and Cancel; each finished run is recorded in the store, and
// earlier runs can be shown beside it. The form says plainly what the lab assumes.
class LabPanel final : public QWidget
{
    Q_OBJECT
public:
    LabPanel(DeskSession& session, const QString& defaultPricesFolder, QWidget* parent = nullptr);

    void setPricesFolder(const QString& folder);
    // Starts a run from the form; false with the reason on the status line when the form
    // is not valid or a run is going.
    bool startRun();
    void cancelRun();
    bool isRunning() const;
    // Re-reads the recorded runs for the comparison list.
    void reloadRuns();
    // Shows the given recorded runs (ids) beside the latest finished one.
    void compareRuns(const std::vector<qint64>& ids);

    bool exportCsv(const QString& path, QString* error) const;
    bool exportPng(const QString& path, QString* error) const;
    // The same, asking where (the buttons and File > Export).
    void exportCsvInteractive();
    void exportPngInteractive();

    LabChartsPanel* charts() const { return m_charts; }
    LabMetricsModel* metrics() const { return m_metrics; }
    QString statusText() const;

Q_SIGNALS:
    void runFinished(qint64 runId); // recorded in the store
    void runCancelled();
    void runFailed(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildForm(QWidget* form);
    void onFinished(std::shared_ptr<const kelly::lab::LabResult> result);
    void showRuns();
    void setRunning(bool running);

    DeskSession& m_session;
    LabRunner* m_runner;
    LabChartsPanel* m_charts;
    LabMetricsModel* m_metrics;
    QTableView* m_table;
    QLineEdit* m_folder;
    QLineEdit* m_symbols;
    QLineEdit* m_from;
    QLineEdit* m_to;
    QLineEdit* m_forecast;
    QDoubleSpinBox* m_equity;
    QDoubleSpinBox* m_costBps;
    QSpinBox* m_lookback;
    std::vector<std::pair<lab::Method, QCheckBox*>> m_methods;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_assumptions;
    QListWidget* m_history;
    std::vector<store::LabRunRecord> m_shown; // with curves: the latest run first
    // What the running request used, recorded with its result.
    std::optional<LabRunner::Request> m_pending; // the run under way, recorded when it ends
};

} // namespace kelly::ui
