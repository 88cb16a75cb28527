// `kellyctl backtest` (SPEC 9, 12): the sizing lab's command-line face. The engine (core/lab)
// computes; this file validates the arguments, reads the settings, records the run in the
// store and prints it.

#include "Session.h"
#include "Values.h"
#include "lab/Lab.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace kelly::ctl {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

QJsonValue jsonText(const std::optional<std::string>& text)
{
    return text ? QJsonValue(fromStd(*text)) : QJsonValue(QJsonValue::Null);
}

QJsonObject metricsJson(const lab::LabMetrics& m)
{
    return QJsonObject{{QStringLiteral("total_return"), jsonOptional(m.totalReturn)},
                       {QStringLiteral("cagr"), jsonOptional(m.cagr)},
                       {QStringLiteral("sharpe"), jsonOptional(m.sharpe)},
                       {QStringLiteral("sortino"), jsonOptional(m.sortino)},
                       {QStringLiteral("max_drawdown"), jsonOptional(m.maxDrawdown)},
                       {QStringLiteral("calmar"), jsonOptional(m.calmar)},
                       {QStringLiteral("worst_day"), jsonOptional(m.worstDay)},
                       {QStringLiteral("financing"), m.financingUsd},
                       {QStringLiteral("costs"), m.costsUsd},
                       {QStringLiteral("turnover"), jsonOptional(m.turnover)},
                       {QStringLiteral("avg_gross_leverage"), jsonOptional(m.avgGrossLeverage)},
                       {QStringLiteral("max_gross_leverage"), jsonOptional(m.maxGrossLeverage)},
                       {QStringLiteral("longest_drawdown_days"), m.longestDrawdownDays},
                       {QStringLiteral("ruined"), jsonText(m.ruinedOn)},
                       {QStringLiteral("final_equity"), m.finalEquityUsd}};
}

QJsonObject runJson(const store::LabRunRecord& run)
{
    QJsonObject methods;
    for (const lab::MethodRun& r : run.runs)
        methods.insert(fromStd(lab::runName(r)), metricsJson(r.metrics));
    QJsonArray symbols;
    for (const std::string& symbol : run.symbols)
        symbols.append(fromStd(symbol));
    return QJsonObject{{QStringLiteral("run_id"), run.id},
                       {QStringLiteral("ran_at"), store::isoUtc(run.ranAt)},
                       {QStringLiteral("prices"), run.pricesDir},
                       {QStringLiteral("forecast"), run.forecastFile.isEmpty()
                                                        ? QJsonValue(QJsonValue::Null)
                                                        : QJsonValue(run.forecastFile)},
                       {QStringLiteral("symbols"), symbols},
                       {QStringLiteral("from"), fromStd(run.fromDate)},
                       {QStringLiteral("to"), fromStd(run.toDate)},
                       {QStringLiteral("equity"), run.startingEquityUsd},
                       {QStringLiteral("cost_bps"), run.costBps},
                       {QStringLiteral("lookback"), run.lookback},
                       {QStringLiteral("intraday_limit"), run.settings.limits.intradayLeverage},
                       {QStringLiteral("overnight_limit"), run.settings.limits.overnightLeverage},
                       {QStringLiteral("symbol_cap_pct"), run.settings.limits.symbolCapPct},
                       {QStringLiteral("leverage_cost_annual"), run.settings.financingRateAnnual},
                       {QStringLiteral("annualization_days"), run.annualizationDays},
                       {QStringLiteral("methods"), methods}};
}

QString figure(const std::optional<double>& value, int decimals, double scale = 1.0)
{
    return value ? QString::number(*value * scale, 'f', decimals) : QStringLiteral("-");
}

void printTable(const store::LabRunRecord& run, QTextStream& out)
{
    out << "run " << run.id << ": " << run.symbols.size() << " symbols, " << fromStd(run.fromDate)
        << " to " << fromStd(run.toDate) << ", E0 " << money(run.startingEquityUsd) << ", cost "
        << run.costBps << " bps, lookback " << run.lookback << ", limits "
        << run.settings.limits.intradayLeverage << "x/" << run.settings.limits.overnightLeverage
        << "x, financing " << run.settings.financingRateAnnual << "\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10")
               .arg(QStringLiteral("method"), -14)
               .arg(QStringLiteral("final"), 13)
               .arg(QStringLiteral("return%"), 9)
               .arg(QStringLiteral("cagr%"), 8)
               .arg(QStringLiteral("sharpe"), 7)
               .arg(QStringLiteral("maxdd%"), 7)
               .arg(QStringLiteral("avglev"), 7)
               .arg(QStringLiteral("financing"), 10)
               .arg(QStringLiteral("costs"), 10)
               .arg(QStringLiteral("ruined"), 10)
        << '\n';
    for (const lab::MethodRun& r : run.runs) {
        const lab::LabMetrics& m = r.metrics;
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10")
                   .arg(fromStd(lab::runName(r)), -14)
                   .arg(money(m.finalEquityUsd), 13)
                   .arg(figure(m.totalReturn, 1, 100.0), 9)
                   .arg(figure(m.cagr, 1, 100.0), 8)
                   .arg(figure(m.sharpe, 2), 7)
                   .arg(figure(m.maxDrawdown, 1, 100.0), 7)
                   .arg(figure(m.avgGrossLeverage, 2), 7)
                   .arg(money(m.financingUsd), 10)
                   .arg(money(m.costsUsd), 10)
                   .arg(m.ruinedOn ? fromStd(*m.ruinedOn) : QStringLiteral("-"), 10)
            << '\n';
    }
}

bool writeCurve(const QString& path, const std::vector<lab::MethodRun>& runs, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *error = QStringLiteral("curve: cannot write ") + path + QStringLiteral(": ") +
                 file.errorString();
        return false;
    }
    QTextStream stream(&file);
    stream << "date,method,equity,gross,cash,financing,costs\n";
    auto number = [](double v) {
        return QString::number(v, 'g', 17);
    };
    for (const lab::MethodRun& r : runs)
        for (const lab::CurvePoint& p : r.curve)
            stream << fromStd(p.date) << ',' << fromStd(lab::runName(r)) << ','
                   << number(p.equityUsd) << ',' << number(p.grossUsd) << ',' << number(p.cashUsd)
                   << ',' << number(p.financingUsd) << ',' << number(p.costsUsd) << '\n';
    stream.flush();
    if (!file.commit()) {
        *error = QStringLiteral("curve: cannot write ") + path + QStringLiteral(": ") +
                 file.errorString();
        return false;
    }
    return true;
}

// The arguments as engine options; `error` names the field (exit 2).
std::optional<lab::LabOptions> readOptions(const Invocation& in, QString* error)
{
    lab::LabOptions options;
    if (in.has(QStringLiteral("symbols"))) {
        for (const QString& word :
             in.value(QStringLiteral("symbols")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const std::string symbol = normalizeSymbol(word.trimmed().toStdString());
            if (!isValidSymbol(symbol)) {
                *error = QStringLiteral("symbols: '") + word + QStringLiteral("' is not a symbol");
                return std::nullopt;
            }
            options.symbols.push_back(symbol);
        }
        if (options.symbols.empty()) {
            *error = QStringLiteral("symbols: the list is empty");
            return std::nullopt;
        }
    }
    for (const auto& [name, target] : {std::pair{QStringLiteral("from"), &options.fromDate},
                                       std::pair{QStringLiteral("to"), &options.toDate}}) {
        if (!in.has(name))
            continue;
        const std::string date = in.value(name).trimmed().toStdString();
        if (!isIsoDate(date)) {
            *error = name + QStringLiteral(": '") + in.value(name) +
                     QStringLiteral("' is not a date (YYYY-MM-DD)");
            return std::nullopt;
        }
        *target = date;
    }
    if (in.has(QStringLiteral("equity"))) {
        const auto equity = parseNumber(in.value(QStringLiteral("equity")),
                                        QStringLiteral("equity"), Sign::Positive, error);
        if (!equity)
            return std::nullopt;
        options.startingEquityUsd = *equity;
    }
    if (in.has(QStringLiteral("cost-bps"))) {
        const auto bps = parseNumber(in.value(QStringLiteral("cost-bps")),
                                     QStringLiteral("cost-bps"), Sign::NonNegative, error);
        if (!bps)
            return std::nullopt;
        options.costBps = *bps;
    }
    if (in.has(QStringLiteral("lookback"))) {
        bool ok = false;
        options.lookback = in.value(QStringLiteral("lookback")).trimmed().toInt(&ok);
        if (!ok || options.lookback < lab::kMinLookback) {
            *error = QStringLiteral("lookback: '") + in.value(QStringLiteral("lookback")) +
                     QStringLiteral("' must be a whole number >= %1").arg(lab::kMinLookback);
            return std::nullopt;
        }
    }
    if (in.has(QStringLiteral("methods"))) {
        const auto methods =
            lab::parseMethodList(in.value(QStringLiteral("methods")).toStdString());
        if (!methods) {
            *error = fromStd(methods.error().describe());
            return std::nullopt;
        }
        options.methods = *methods;
    }
    if (in.has(QStringLiteral("kelly-fractions"))) {
        const auto fractions =
            lab::parseKellyFractionList(in.value(QStringLiteral("kelly-fractions")).toStdString());
        if (!fractions) {
            *error = fromStd(fractions.error().describe());
            return std::nullopt;
        }
        options.kellyFractions = *fractions;
    }
    if (in.has(QStringLiteral("forecast"))) {
        const auto table =
            lab::readForecastFile(in.value(QStringLiteral("forecast")).toStdString());
        if (!table) {
            *error = QStringLiteral("forecast: ") + fromStd(table.error().describe());
            return std::nullopt;
        }
        options.forecast = *table;
    }
    return options;
}

int listRuns(Session& session)
{
    std::vector<store::LabRunRecord> runs;
    QString error;
    if (!session.store.loadLabRuns(&runs, 0, &error))
        return session.failure(error);
    if (session.json()) {
        QJsonArray array;
        for (const store::LabRunRecord& run : runs)
            array.append(runJson(run));
        session.print(array);
        return ExitOk;
    }
    for (const store::LabRunRecord& run : runs) {
        session.out << run.id << "  " << store::isoUtc(run.ranAt) << "  " << run.symbols.size()
                    << " symbols  " << fromStd(run.fromDate) << ".." << fromStd(run.toDate);
        for (const lab::MethodRun& r : run.runs)
            session.out << "  " << fromStd(lab::runName(r)) << ' '
                        << money(r.metrics.finalEquityUsd);
        session.out << '\n';
    }
    return ExitOk;
}

int showRun(Session& session)
{
    bool ok = false;
    const qint64 id = session.invocation.value(QStringLiteral("show")).trimmed().toLongLong(&ok);
    if (!ok || id <= 0)
        return session.badInput(QStringLiteral("show: '") +
                                session.invocation.value(QStringLiteral("show")) +
                                QStringLiteral("' is not a run id"));
    std::optional<store::LabRunRecord> run;
    QString error;
    if (!session.store.loadLabRun(id, &run, &error))
        return session.failure(error);
    if (!run)
        return session.badInput(QStringLiteral("show: no backtest run %1").arg(id));
    if (session.invocation.has(QStringLiteral("curve")) &&
        !writeCurve(session.invocation.value(QStringLiteral("curve")), run->runs, &error))
        return session.failure(error);
    if (session.json())
        session.print(runJson(*run));
    else
        printTable(*run, session.out);
    return ExitOk;
}

} // namespace

int runBacktest(Session& session)
{
    const Invocation& in = session.invocation;
    if (in.has(QStringLiteral("list")))
        return listRuns(session);
    if (in.has(QStringLiteral("show")))
        return showRun(session);
    if (!in.has(QStringLiteral("prices")))
        return session.badInput(QStringLiteral("--prices: required (a folder of price files)"));

    QString error;
    const std::optional<lab::LabOptions> options = readOptions(in, &error);
    if (!options)
        return session.badInput(error);
    const QString pricesDir = in.value(QStringLiteral("prices"));
    if (!QFileInfo(pricesDir).isDir())
        return session.badInput(QStringLiteral("prices: ") + pricesDir +
                                QStringLiteral(": no such folder"));
    const Result<std::vector<PriceSeries>> prices = loadPriceFolder(pricesDir.toStdString());
    if (!prices)
        return session.badInput(QStringLiteral("prices: ") + fromStd(prices.error().describe()));
    store::EffectiveSettings settings;
    if (!session.store.effectiveSettings(session.environment, &settings, &error))
        return session.badInput(error);
    const lab::LabSettings labSettings = settings.labSettings();

    const Result<lab::LabResult> result = lab::runLab(*prices, labSettings, *options);
    if (!result)
        return session.badInput(fromStd(result.error().describe()));

    const QString forecastFile =
        in.has(QStringLiteral("forecast")) ? in.value(QStringLiteral("forecast")) : QString();
    store::LabRunRecord record =
        store::labRunRecord(session.now, pricesDir, forecastFile, *options, labSettings, *result);
    if (!session.store.saveLabRun(record, &record.id, &error))
        return session.failure(error);
    if (in.has(QStringLiteral("curve")) &&
        !writeCurve(in.value(QStringLiteral("curve")), result->runs, &error))
        return session.failure(error);

    std::optional<lab::LookaheadReport> lookahead;
    if (in.has(QStringLiteral("check-lookahead"))) {
        const Result<lab::LookaheadReport> report =
            lab::checkLookahead(*prices, labSettings, *options, *result);
        if (!report)
            return session.failure(QStringLiteral("check-lookahead: ") +
                                   fromStd(report.error().describe()));
        lookahead = *report;
    }
    if (session.json()) {
        QJsonObject object = runJson(record);
        if (lookahead)
            object.insert(QStringLiteral("lookahead"),
                          QJsonObject{{QStringLiteral("cut_after"), fromStd(lookahead->cutDate)},
                                      {QStringLiteral("dates_compared"), lookahead->datesCompared},
                                      {QStringLiteral("passed"), lookahead->passed()}});
        session.print(object);
    } else {
        printTable(record, session.out);
    }
    if (lookahead && !lookahead->passed())
        return session.failure(
            QStringLiteral("check-lookahead: the curve of %1 changed on %2 when the files were "
                           "cut after %3: the run read the future")
                .arg(fromStd(*lookahead->firstDifferenceRun),
                     fromStd(*lookahead->firstDifferenceDate), fromStd(lookahead->cutDate)));
    if (lookahead)
        session.err << "kellyctl: check-lookahead: passed (files cut after "
                    << fromStd(lookahead->cutDate) << ", " << lookahead->datesCompared
                    << " dates identical for every method)\n";
    return ExitOk;
}

} // namespace kelly::ctl
