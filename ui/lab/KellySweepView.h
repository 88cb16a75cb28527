#pragma once

#include "LabRunner.h"
#include "lab/Lab.h"

#include <QWidget>
#include <functional>
#include <memory>
#include <optional>

class QChart;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QValueAxis;

namespace kelly::ui {

class DeskSession;

// SPEC 18 in the Lab tab: `enhanced` run once per Kelly fraction (the lab's sweep, as
// `kellyctl backtest --kelly-fractions`) on the tab's price folder, and each fraction's CAGR
// and maximum drawdown plotted against it. Marked: the default (0.5) and the fraction at
// which a stock whose Kelly term binds is held at 2x Kelly (2 / L), where growth is zero if
// the forecast is right. Each sweep is recorded in the store like any lab run.
class KellySweepView final : public QWidget
{
    Q_OBJECT
public:
    // `pricesFolder` gives the folder the sweep runs on (the Lab tab's field).
    KellySweepView(DeskSession& session, std::function<QString()> pricesFolder,
                   QWidget* parent = nullptr);

    QLineEdit* fractionsEdit() const { return m_fractions; }
    // Starts the sweep on a worker; false with the reason on the status line when the list is
    // not valid or a sweep is going.
    bool startSweep();
    bool isRunning() const;
    QString statusText() const;
    QChart* chart() const { return m_chart; }
    QTableWidget* table() const { return m_table; }
    // The fraction that puts a stock at 2x Kelly at the store's intraday limit: 2 / L.
    double twoTimesKellyFraction() const;

Q_SIGNALS:
    void sweepFinished(qint64 runId);
    void sweepFailed(const QString& message);

private:
    void onFinished(std::shared_ptr<const kelly::lab::LabResult> result);
    void plot(const lab::LabResult& result);
    // The percent axis over [m_yLow, m_yHigh], labelled as the plot's height allows.
    void labelY(QValueAxis* y);

    DeskSession& m_session;
    std::function<QString()> m_pricesFolder;
    LabRunner* m_runner;
    QLineEdit* m_fractions;
    QPushButton* m_run;
    QLabel* m_status;
    QChart* m_chart;
    QTableWidget* m_table;
    std::optional<LabRunner::Request> m_pending; // the sweep under way
    double m_yLow = 0.0;
    double m_yHigh = 0.0;
    int m_yFit = -1;
};

} // namespace kelly::ui
