// `margin`, `margin set`, `margin rm` (SPEC 15) and `stress` (SPEC 16): the broker's
// maintenance margin of the book, the trader's overrides, and the book under scenarios.

#include "Session.h"
#include "Values.h"
#include "margin/Stress.h"
#include "risk/PriceFile.h"

#include <QDir>

namespace kelly::ctl {

namespace {

// The book, its settings and rates: what every margin figure is computed from.
struct MarginInputs
{
    store::EffectiveSettings settings;
    store::AccountRecord record;
    MarginRates rates;
};

int loadMarginInputs(const Session& session, MarginInputs* in, QString* error)
{
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &in->settings, error, &failure))
        return failure == store::SettingsFailure::Environment ? ExitBadInput : ExitFailure;
    if (!session.store.loadAccount(&in->record, error) ||
        !session.store.loadMarginRates(&in->rates, error))
        return ExitFailure;
    session.reportProblems(in->record.problems);
    return ExitOk;
}

QString percent(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

} // namespace

int runMargin(Session& session)
{
    QString error;
    MarginInputs in;
    if (const int code = loadMarginInputs(session, &in, &error); code != ExitOk)
        return code == ExitBadInput ? session.badInput(error) : session.failure(error);
    std::vector<store::MarginOverride> overrides;
    if (!session.store.loadMarginOverrides(&overrides, &error))
        return session.failure(error);
    const Account& account = in.record.account;
    const MarginBook book =
        describeMargin(account, in.settings.cryptoList, in.settings.marginPolicy(&in.rates));

    if (session.json()) {
        QJsonArray positions;
        for (size_t i = 0; i < account.positions.size(); ++i) {
            const Position& p = account.positions[i];
            positions.append(QJsonObject{
                {QStringLiteral("symbol"), QString::fromStdString(p.symbol)},
                {QStringLiteral("side"), QString::fromLatin1(positionSideName(book.rules[i].side))},
                {QStringLiteral("rate"), book.rules[i].rateAt(p.lastPriceUsd)},
                {QStringLiteral("source"),
                 QString::fromLatin1(rateSourceName(book.rules[i].source))},
                {QStringLiteral("req_usd"), book.requirementsUsd[i]}});
        }
        QJsonArray overridesJson;
        for (const store::MarginOverride& o : overrides)
            overridesJson.append(QJsonObject{{QStringLiteral("symbol"), o.symbol},
                                             {QStringLiteral("rate"), o.rate},
                                             {QStringLiteral("set_at"), store::isoUtc(o.setAt)}});
        session.print(
            QJsonObject{{QStringLiteral("positions"), positions},
                        {QStringLiteral("overrides"), overridesJson},
                        {QStringLiteral("maintenance_requirement"), book.maintenanceUsd},
                        {QStringLiteral("maintenance_floor"), in.settings.maintenanceFloor},
                        {QStringLiteral("margin_call_fall_pct"), in.settings.marginCallFallPct}});
        return ExitOk;
    }
    QTextStream& out = session.out;
    out << QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(QStringLiteral("symbol"), -10)
               .arg(QStringLiteral("side"), -6)
               .arg(QStringLiteral("rate"), 7)
               .arg(QStringLiteral("source"), -9)
               .arg(QStringLiteral("requirement"), 14);
    for (size_t i = 0; i < account.positions.size(); ++i) {
        const Position& p = account.positions[i];
        out << QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(QString::fromStdString(p.symbol), -10)
                   .arg(QString::fromLatin1(positionSideName(book.rules[i].side)), -6)
                   .arg(percent(book.rules[i].rateAt(p.lastPriceUsd)), 7)
                   .arg(QString::fromLatin1(rateSourceName(book.rules[i].source)), -9)
                   .arg(money(book.requirementsUsd[i]), 14);
    }
    out << "maintenance requirement " << money(book.maintenanceUsd) << "  (floor "
        << percent(in.settings.maintenanceFloor) << ", safety fall "
        << QString::number(in.settings.marginCallFallPct, 'g', 6) << "%)\n";
    for (const store::MarginOverride& o : overrides)
        out << "override " << o.symbol << ' ' << percent(o.rate) << "  (set "
            << store::isoUtc(o.setAt) << ")\n";
    return ExitOk;
}

namespace {

int writeOverride(Session& session, std::optional<double> rate)
{
    QString error;
    store::EffectiveSettings settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &settings, &error, &failure))
        return session.settingsFailure(failure, error);
    const QString symbol = session.invocation.positionals[0];
    const std::string normalized = normalizeSymbol(symbol.toStdString());
    if (rate && settings.cryptoList.classify(normalized) == AssetClass::Crypto)
        return session.badInput(QStringLiteral("symbol: %1 is crypto, which is not marginable"
                                               " (always 100%); no override is taken")
                                    .arg(QString::fromStdString(normalized)));
    bool found = true;
    bool refused = false;
    if (!session.store.writeMarginOverride(symbol, rate, store::SettingOrigin::Cli, session.now,
                                           &found, &refused, &error))
        return refused ? session.badInput(error) : session.failure(error);
    const QString name = QString::fromStdString(normalized);
    if (!found)
        session.out << name << ": no override to remove\n";
    else if (rate)
        session.out << name << ": maintenance rate " << percent(*rate) << " (override)\n";
    else
        session.out << name << ": override removed\n";
    return ExitOk;
}

} // namespace

int runMarginSet(Session& session)
{
    QString error;
    const auto rate =
        parseNumber(session.invocation.positionals[1], QStringLiteral("rate"), Sign::Any, &error);
    if (!rate)
        return session.badInput(error);
    return writeOverride(session, *rate);
}

int runMarginRm(Session& session)
{
    return writeOverride(session, std::nullopt);
}

namespace {

const QList<double>& defaultMoves()
{
    static const QList<double> moves{-30, -20, -15, -10, -5, 5, 10, 20};
    return moves;
}

std::optional<QList<double>> parseMoves(const QString& text, QString* error)
{
    QList<double> moves;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const double move = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(move) || move < -100.0) {
            *error = QStringLiteral("moves: '%1' is not a move in percent of -100 or more"
                                    " (e.g. --moves -20,-10,10)")
                         .arg(part.trimmed());
            return std::nullopt;
        }
        moves << move;
    }
    return moves;
}

QJsonObject scenarioJson(const StressOutcome& s)
{
    return QJsonObject{
        {QStringLiteral("name"), QString::fromStdString(s.name)},
        {QStringLiteral("pnl"), s.pnlUsd},
        {QStringLiteral("equity_after"), s.equityAfterUsd},
        {QStringLiteral("gross_after"), s.grossAfterUsd},
        {QStringLiteral("leverage_after"), jsonOptional(s.leverageAfter)},
        {QStringLiteral("maintenance_after"), s.maintenanceAfterUsd},
        {QStringLiteral("excess_after"), s.excessAfterUsd},
        {QStringLiteral("margin_call"), s.marginCall},
        {QStringLiteral("cure_usd"), s.cureUsd},
    };
}

// Every scenario the options ask for, in order: moves, shocks, history. `notes` say what a
// reader must know (a shock without a build).
int collectScenarios(const Session& session, const Account& account,
                     std::vector<StressScenario>* scenarios, QStringList* notes, QString* error)
{
    const Invocation& in = session.invocation;
    const bool shocks = in.has(QStringLiteral("shock"));
    const bool history = in.has(QStringLiteral("prices"));
    if (in.has(QStringLiteral("worst")) && !history) {
        *error = QStringLiteral("worst: goes with --prices DIR");
        return ExitBadInput;
    }
    QList<double> moves;
    if (in.has(QStringLiteral("moves"))) {
        const auto parsed = parseMoves(in.value(QStringLiteral("moves")), error);
        if (!parsed)
            return ExitBadInput;
        moves = *parsed;
    } else if (!shocks && !history) {
        moves = defaultMoves();
    }
    for (double move : moves)
        scenarios->push_back(uniformMoveScenario(account, move));

    std::optional<store::StoredCorrelationBuild> stored;
    for (const QString& shock : in.repeated.value(QStringLiteral("shock"))) {
        const qsizetype eq = shock.indexOf(QLatin1Char('='));
        bool ok = false;
        const double pct = eq > 0 ? shock.mid(eq + 1).trimmed().toDouble(&ok) : 0.0;
        if (!ok || !std::isfinite(pct) || pct < -100.0) {
            *error = QStringLiteral("shock: '%1' is not SYMBOL=PCT with PCT >= -100"
                                    " (e.g. --shock NVDA=-20)")
                         .arg(shock);
            return ExitBadInput;
        }
        const std::string symbol = normalizeSymbol(shock.left(eq).toStdString());
        if (!account.find(symbol)) {
            *error = QStringLiteral("shock: %1 is not held").arg(QString::fromStdString(symbol));
            return ExitBadInput;
        }
        if (!stored && !session.store.loadLatestCorrelationBuild(&stored, error))
            return ExitFailure;
        std::optional<std::vector<double>> betas =
            stored ? shockBetas(account, stored->build, symbol) : std::nullopt;
        if (!betas) {
            // SPEC 16: without a build (or outside it) s alone moves, and the output says so.
            betas = std::vector<double>(account.positions.size(), 0.0);
            for (size_t i = 0; i < account.positions.size(); ++i)
                (*betas)[i] = account.positions[i].symbol == symbol ? 1.0 : 0.0;
            *notes << QStringLiteral("shock %1: %2, so %1 moves alone")
                          .arg(QString::fromStdString(symbol),
                               stored ? QStringLiteral("not in the correlation build")
                                      : QStringLiteral("no correlation build"));
        }
        scenarios->push_back(shockScenario(symbol, pct, *betas));
    }

    if (history) {
        int worst = 5;
        if (in.has(QStringLiteral("worst"))) {
            bool ok = false;
            worst = in.value(QStringLiteral("worst")).toInt(&ok);
            if (!ok || worst < 1) {
                *error = QStringLiteral("worst: must be a whole number >= 1");
                return ExitBadInput;
            }
        }
        const QString dir = in.value(QStringLiteral("prices"));
        if (!QDir(dir).exists()) {
            *error = QStringLiteral("prices: no folder '%1'").arg(dir);
            return ExitBadInput;
        }
        Result<std::vector<PriceSeries>> prices = loadPriceFolder(dir.toStdString());
        if (!prices) {
            *error = QStringLiteral("prices: ") + QString::fromStdString(prices.error().describe());
            return ExitBadInput;
        }
        if (prices.value().empty()) {
            *error = QStringLiteral("prices: no price files (*.csv) in '%1'").arg(dir);
            return ExitBadInput;
        }
        for (StressScenario& s : worstHistoryScenarios(account, prices.value(), worst))
            scenarios->push_back(std::move(s));
    }
    return ExitOk;
}

} // namespace

int runStress(Session& session)
{
    QString error;
    MarginInputs in;
    if (const int code = loadMarginInputs(session, &in, &error); code != ExitOk)
        return code == ExitBadInput ? session.badInput(error) : session.failure(error);
    const Account& account = in.record.account;
    std::vector<StressScenario> scenarios;
    QStringList notes;
    if (const int code = collectScenarios(session, account, &scenarios, &notes, &error);
        code != ExitOk)
        return code == ExitBadInput ? session.badInput(error) : session.failure(error);
    const MarginReport margin = computeMarginReport(
        account, in.settings.cryptoList, in.settings.marginPolicy(&in.rates), std::nullopt);
    std::vector<StressOutcome> outcomes;
    outcomes.reserve(scenarios.size());
    for (const StressScenario& s : scenarios)
        outcomes.push_back(runStressScenario(account, margin.book, s));

    if (session.json()) {
        QJsonArray array;
        for (const StressOutcome& s : outcomes)
            array.append(scenarioJson(s));
        session.print(
            QJsonObject{{QStringLiteral("scenarios"), array},
                        {QStringLiteral("margin_call_fall_pct"), jsonOptional(margin.callFallPct)},
                        {QStringLiteral("margin_call_rise_pct"), jsonOptional(margin.callRisePct)},
                        {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}});
        return ExitOk;
    }
    QTextStream& out = session.out;
    out << QStringLiteral("%1 %2 %3 %4 %5 %6  %7\n")
               .arg(QStringLiteral("scenario"), -22)
               .arg(QStringLiteral("P&L"), 14)
               .arg(QStringLiteral("equity after"), 14)
               .arg(QStringLiteral("maintenance"), 14)
               .arg(QStringLiteral("leverage"), 9)
               .arg(QStringLiteral("excess"), 14)
               .arg(QStringLiteral("margin call"));
    for (const StressOutcome& s : outcomes)
        out << QStringLiteral("%1 %2 %3 %4 %5 %6  %7\n")
                   .arg(QString::fromStdString(s.name), -22)
                   .arg(money(s.pnlUsd), 14)
                   .arg(money(s.equityAfterUsd), 14)
                   .arg(money(s.maintenanceAfterUsd), 14)
                   .arg(s.leverageAfter
                            ? QString::number(*s.leverageAfter, 'f', 2) + QLatin1Char('x')
                            : QStringLiteral("n/a"),
                        9)
                   .arg(money(s.excessAfterUsd), 14)
                   .arg(s.marginCall ? QStringLiteral("CALL: sell %1 to cure").arg(money(s.cureUsd))
                                     : QStringLiteral("no"));
    out << "fall of every price to a margin call: "
        << (margin.callFallPct ? QString::number(*margin.callFallPct, 'f', 2) + QLatin1Char('%')
                               : QStringLiteral("none"))
        << ", rise: "
        << (margin.callRisePct ? QString::number(*margin.callRisePct, 'f', 2) + QLatin1Char('%')
                               : QStringLiteral("none"))
        << '\n';
    for (const QString& note : notes)
        out << "note: " << note << '\n';
    return ExitOk;
}

} // namespace kelly::ctl
