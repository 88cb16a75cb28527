#pragma once

// A sizing-lab run as the store keeps it (SPEC 12, issue 15): the inputs and settings used,
// and per method the metrics and the daily curve, so `kellyctl backtest --list/--show` and
// the dashboard's Lab tab can read earlier runs back and compare them.

#include "common/NewYorkTime.h"
#include "lab/Lab.h"

#include <QString>
#include <QtGlobal>
#include <vector>

namespace kelly::store {

struct LabRunRecord
{
    qint64 id = 0;
    UtcTime ranAt;
    QString pricesDir;
    QString forecastFile; // empty: trailing forecasts
    std::vector<std::string> symbols;
    std::string fromDate; // the calendar's first and last date
    std::string toDate;
    double startingEquityUsd = 0.0;
    double costBps = 0.0;
    int lookback = 0;
    lab::LabSettings settings;
    int annualizationDays = 252;
    // Metrics always; curves only when loaded by id (loadLabRun).
    std::vector<lab::MethodRun> runs;
};

// The record of a finished run, as every caller stores it: its inputs (the folders made
// absolute; `forecastFile` empty for trailing forecasts) and what it found.
LabRunRecord labRunRecord(UtcTime ranAt, const QString& pricesDir, const QString& forecastFile,
                          const lab::LabOptions& options, const lab::LabSettings& settings,
                          const lab::LabResult& result);

} // namespace kelly::store
