// The book and settings commands of SPEC 9. Input is validated before the store is written,
// so a bad-input exit (2) leaves the store as it was.

#include "Import.h"
#include "Session.h"
#include "Values.h"

#include <QFile>
#include <cmath>
#include <utility>

namespace kelly::ctl {

namespace {

std::optional<std::string> parseSymbol(const QString& text, QString* error)
{
    const std::string symbol = normalizeSymbol(text.toStdString());
    if (!isValidSymbol(symbol)) {
        *error = QStringLiteral("SYMBOL: '") + text +
                 QStringLiteral("' is not a symbol (letters, digits, '.'; e.g. NVDA, BTC/USD)");
        return std::nullopt;
    }
    return symbol;
}

QJsonObject accountJson(const store::AccountRecord& record)
{
    const Account& account = record.account;
    const double gross = account.grossUsd();
    return QJsonObject{
        {QStringLiteral("equity"), account.equityUsd},
        {QStringLiteral("buying_power"), account.buyingPowerUsd},
        {QStringLiteral("gross"), gross},
        {QStringLiteral("leverage"), account.equityUsd > 0.0 ? QJsonValue(gross / account.equityUsd)
                                                             : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("position_count"), static_cast<qint64>(account.positions.size())},
        {QStringLiteral("updated_at"), record.updatedAt
                                           ? QJsonValue(store::isoUtc(*record.updatedAt))
                                           : QJsonValue(QJsonValue::Null)},
    };
}

QString auditValue(const std::optional<QString>& value)
{
    return value ? *value : QStringLiteral("(unset)");
}

} // namespace

int runInit(Session& session)
{
    session.out << "store ready: " << session.store.displayName() << " (schema version "
                << session.store.schemaVersion() << ")\n";
    return ExitOk;
}

int runAccountSet(Session& session)
{
    const Invocation& in = session.invocation;
    if (!in.has(QStringLiteral("equity")) && !in.has(QStringLiteral("buying-power")))
        return session.badInput(QStringLiteral("account set: give --equity and/or --buying-power"));
    QString error;
    std::optional<double> equity;
    std::optional<double> buyingPower;
    // SPEC 2.2: a negative equity is sized as "no equity", so it is a state, not bad input.
    if (in.has(QStringLiteral("equity")) &&
        !(equity = parseNumber(in.value(QStringLiteral("equity")), QStringLiteral("equity"),
                               Sign::Any, &error)))
        return session.badInput(error);
    if (in.has(QStringLiteral("buying-power")) &&
        !(buyingPower = parseNumber(in.value(QStringLiteral("buying-power")),
                                    QStringLiteral("buying-power"), Sign::NonNegative, &error)))
        return session.badInput(error);
    for (const auto& [value, field] : {std::pair{equity, QStringLiteral("equity")},
                                       std::pair{buyingPower, QStringLiteral("buying-power")}})
        if (value && std::abs(*value) > store::kMaxStoredUsd)
            return session.badInput(field + QStringLiteral(": must be within +-1e15 USD"));
    // One statement writes what was given and keeps the rest: a concurrent `account set` of
    // the other figure is never lost (issue 12 item 9).
    // SPEC 1: an equity given is E's new basis, audited; marks add their P&L from here.
    if (!session.store.updateAccount(equity, buyingPower, session.now, &error,
                                     store::SettingOrigin::Cli))
        return session.failure(error);
    return checkGuardAfterWrite(session);
}

int runAccountShow(Session& session)
{
    store::AccountRecord record;
    QString error;
    if (!session.store.loadAccount(&record, &error))
        return session.failure(error);
    session.reportProblems(record.problems);
    const QJsonObject json = accountJson(record);
    if (session.json()) {
        session.print(json);
        return ExitOk;
    }
    session.out << "equity        " << money(record.account.equityUsd) << '\n'
                << "buying power  " << money(record.account.buyingPowerUsd) << '\n'
                << "gross         " << money(record.account.grossUsd()) << '\n'
                << "leverage      "
                << (json.value(QStringLiteral("leverage")).isNull()
                        ? QStringLiteral("n/a (no equity)")
                        : QString::number(json.value(QStringLiteral("leverage")).toDouble(), 'f',
                                          2) +
                              QLatin1Char('x'))
                << '\n'
                << "positions     " << record.account.positions.size() << '\n';
    return ExitOk;
}

int runPositionSet(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    const auto symbol = parseSymbol(in.positionals[0], &error);
    if (!symbol)
        return session.badInput(error);
    const auto qty =
        parseNumber(in.value(QStringLiteral("qty")), QStringLiteral("qty"), Sign::Any, &error);
    if (!qty)
        return session.badInput(error);
    const auto price = parseNumber(in.value(QStringLiteral("price")), QStringLiteral("price"),
                                   Sign::Positive, &error);
    if (!price)
        return session.badInput(error);
    std::optional<double> avgEntry;
    if (in.has(QStringLiteral("avg-entry")) &&
        !(avgEntry = parseNumber(in.value(QStringLiteral("avg-entry")), QStringLiteral("avg-entry"),
                                 Sign::NonNegative, &error)))
        return session.badInput(error);
    // Issue 12 item 7: each number is finite, their product must be too.
    if (!(std::abs(*qty * *price) <= store::kMaxStoredUsd))
        return session.badInput(
            QStringLiteral("qty x price: the market value must be at most 1e15 USD"));
    // Without --avg-entry the stored entry price stays, in the same statement (item 9).
    if (!session.store.setPosition(Position{*symbol, *qty, *price, avgEntry.value_or(0.0)},
                                   !avgEntry, session.now, &error))
        return session.failure(error);
    return ExitOk;
}

int runPositionRm(Session& session)
{
    // The symbol as typed also removes a row a bot stored under it ("aapl", "BTC/USD"),
    // which no other command can read (issue 12 item 3).
    const QString typed = session.invocation.positionals[0];
    QString error;
    bool found = false;
    if (!session.store.removePosition(typed, &found, &error))
        return session.failure(error);
    if (found)
        return ExitOk;
    const auto symbol = parseSymbol(typed, &error);
    if (!symbol)
        return session.badInput(error);
    return session.badInput(
        QStringLiteral("SYMBOL: %1 is not held").arg(QString::fromStdString(*symbol)));
}

int runPositions(Session& session)
{
    store::AccountRecord record;
    QString error;
    if (!session.store.loadAccount(&record, &error))
        return session.failure(error);
    session.reportProblems(record.problems);
    if (session.json()) {
        QJsonArray array;
        for (const Position& p : record.account.positions)
            array.append(QJsonObject{{QStringLiteral("symbol"), QString::fromStdString(p.symbol)},
                                     {QStringLiteral("qty"), p.qty},
                                     {QStringLiteral("price"), p.lastPriceUsd},
                                     {QStringLiteral("avg_entry"), p.avgEntryUsd},
                                     {QStringLiteral("market_value"), p.marketValueUsd()}});
        session.print(array);
        return ExitOk;
    }
    session.out << QStringLiteral("%1 %2 %3 %4\n")
                       .arg(QStringLiteral("SYMBOL"), -10)
                       .arg(QStringLiteral("QTY"), 14)
                       .arg(QStringLiteral("PRICE"), 14)
                       .arg(QStringLiteral("MARKET VALUE"), 16);
    for (const Position& p : record.account.positions)
        session.out << QStringLiteral("%1 %2 %3 %4\n")
                           .arg(QString::fromStdString(p.symbol), -10)
                           .arg(quantity(p.qty), 14)
                           .arg(money(p.lastPriceUsd), 14)
                           .arg(money(p.marketValueUsd()), 16);
    return ExitOk;
}

int runPrice(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    const auto symbol = parseSymbol(in.positionals[0], &error);
    if (!symbol)
        return session.badInput(error);
    const auto price =
        parseNumber(in.positionals[1], QStringLiteral("PRICE"), Sign::Positive, &error);
    if (!price)
        return session.badInput(error);
    bool found = false;
    if (!session.store.markPrice(QString::fromStdString(*symbol), *price, session.now, &found,
                                 &error))
        return session.failure(error);
    if (!found)
        return session.badInput(
            QStringLiteral("SYMBOL: %1 is not held").arg(QString::fromStdString(*symbol)));
    return ExitOk;
}

int runImport(Session& session)
{
    const QString fileName = session.invocation.positionals[0];
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return session.badInput(fileName + QStringLiteral(": cannot read: ") + file.errorString());
    const ImportResult parsed = parsePositionsFile(fileName, file.readAll());
    if (!parsed.positions)
        return session.badInput(parsed.error);
    QString error;
    if (!session.store.setPositions(*parsed.positions, true, session.now, &error))
        return session.failure(error);
    session.out << "imported " << parsed.positions->size() << " positions from " << fileName
                << '\n';
    return ExitOk;
}

int runSnapshot(Session& session)
{
    const Invocation& in = session.invocation;
    QString error;
    PortfolioSnapshot snapshot{session.now, 0.0};
    if (in.has(QStringLiteral("at"))) {
        const auto at = store::parseIsoUtc(in.value(QStringLiteral("at")));
        if (!at)
            return session.badInput(QStringLiteral("at: '") + in.value(QStringLiteral("at")) +
                                    QStringLiteral("' is not an ISO-8601 time"));
        snapshot.observedAt = *at;
    }
    std::optional<double> value;
    if (in.has(QStringLiteral("value")) &&
        !(value = parseNumber(in.value(QStringLiteral("value")), QStringLiteral("value"), Sign::Any,
                              &error)))
        return session.badInput(error);
    if (value && std::abs(*value) > store::kMaxStoredUsd)
        return session.badInput(QStringLiteral("value: must be within +-1e15 USD"));
    store::AccountRecord record;
    if (!session.store.loadAccount(&record, &error))
        return session.failure(error);
    snapshot.portfolioValueUsd = value.value_or(record.account.equityUsd);
    if (!session.store.addSnapshot(snapshot, record.account.equityUsd, record.account.grossUsd(),
                                   &error))
        return session.failure(error);
    session.out << "snapshot " << store::isoUtc(snapshot.observedAt) << ' '
                << money(snapshot.portfolioValueUsd) << '\n';
    return checkGuardAfterWrite(session);
}

int runMode(Session& session)
{
    QString error;
    using store::SettingKey;
    const store::SettingSpec& spec = store::settingSpec(SettingKey::Mode);
    store::EffectiveSettings settings;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.invocation.positionals.isEmpty()) {
        const auto canonical = store::canonicalSettingValue(
            SettingKey::Mode, session.invocation.positionals[0], &error);
        if (!canonical)
            return session.badInput(error);
        // A halt lands whatever else is wrong (safety wins); any other mode is checked with
        // the environment before anything is written.
        const bool halting = *canonical == QLatin1String(sizingModeName(SizingMode::Halt));
        if (!halting &&
            !session.store.effectiveSettings(session.environment, &settings, &error, &failure))
            return session.settingsFailure(failure, error);
        // Issue 24: said at once, without waiting for a lock a halt may still be waiting for.
        if (!halting && settings.halted())
            return session.badInput(store::haltRefusesModeSwitch());
        // Issue 12 item 8: an emergency halt keeps trying while a writer holds the lock past
        // the busy timeout, and says so; any other write fails as usual.
        // Issue 24: any other switch compares with the mode read above, so a halt written in
        // between (another desk, the drawdown guard) is never lifted; only resume lifts it.
        const std::optional<SizingMode> seen =
            halting ? std::nullopt
                    : parseSizingMode(settings.entry(SettingKey::Mode).storedValue.toStdString());
        const auto write = [&] {
            if (seen)
                return session.store.switchMode(*seen, *parseSizingMode(canonical->toStdString()),
                                                store::SettingOrigin::Cli, session.now,
                                                &session.environment, &error, &failure);
            return session.store.writeSetting(SettingKey::Mode, *canonical,
                                              store::SettingOrigin::Cli, session.now,
                                              session.environment, &error, &failure);
        };
        // Issue 24: the marker halts every sizer at once, before the wait for the lock.
        if (halting &&
            !session.store.raiseHaltMarker(store::SettingOrigin::Cli, session.now, &error))
            session.err << "kellyctl: warning: " << error << '\n';
        bool saidWaiting = false;
        while (!write()) {
            if (!halting || !session.store.lastWriteWasBusy())
                return session.settingsFailure(failure, error);
            if (!std::exchange(saidWaiting, true)) {
                session.err << "kellyctl: store busy: the halt is waiting for the write lock"
                            << " and keeps trying (sizing is halted already: the halt marker is"
                            << " up)\n";
                session.err.flush();
            }
        }
        if (halting && !session.store.effectiveSettings(session.environment, &settings, &error)) {
            session.out << sizingModeName(SizingMode::Halt) << '\n';
            session.err << "kellyctl: note: halted; the settings need attention: " << error << '\n';
            return ExitOk;
        }
    }
    if (!session.store.effectiveSettings(session.environment, &settings, &error, &failure))
        return session.settingsFailure(failure, error);
    session.out << sizingModeName(settings.mode) << '\n';
    // Issue 6: a stored halt wins over the environment; the lock applies again on resume.
    if (settings.lockedByEnv(SettingKey::Mode) && settings.halted())
        session.err << "kellyctl: note: halted (reduce-only) although " << spec.envVar
                    << " is set: safety wins until 'kellyctl resume'\n";
    else if (settings.lockedByEnv(SettingKey::Mode))
        session.err << "kellyctl: note: " << spec.envVar << " is set and overrides the stored"
                    << " mode (" << settings.entry(SettingKey::Mode).storedValue << ")\n";
    return ExitOk;
}

int runGet(Session& session)
{
    const QString name = session.invocation.positionals[0];
    const store::SettingSpec* spec = store::findSetting(name);
    if (!spec)
        return session.badInput(QStringLiteral("KEY: unknown setting '") + name +
                                QStringLiteral("'"));
    store::EffectiveSettings settings;
    QString error;
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.effectiveSettings(session.environment, &settings, &error, &failure))
        return session.settingsFailure(failure, error);
    const store::EffectiveSetting& entry = settings.entry(spec->key);
    session.out << entry.value << '\n';
    if (entry.lockedByEnv)
        session.err << "kellyctl: note: " << spec->envVar << " is set and overrides the stored"
                    << " value (" << entry.storedValue << ")\n";
    return ExitOk;
}

int runSet(Session& session)
{
    const QString name = session.invocation.positionals[0];
    const store::SettingSpec* spec = store::findSetting(name);
    if (!spec)
        return session.badInput(QStringLiteral("KEY: unknown setting '") + name +
                                QStringLiteral("'"));
    QString error;
    const auto canonical =
        store::canonicalSettingValue(spec->key, session.invocation.positionals[1], &error);
    if (!canonical)
        return session.badInput(error);
    store::SettingsFailure failure = store::SettingsFailure::StoreError;
    if (!session.store.writeSetting(spec->key, *canonical, store::SettingOrigin::Cli, session.now,
                                    session.environment, &error, &failure))
        return session.settingsFailure(failure, error);
    if (!spec->envVar.isEmpty() && !session.environment.value(spec->envVar).isEmpty())
        session.err << "kellyctl: note: " << spec->envVar
                    << " is set and overrides the stored value\n";
    return ExitOk;
}

int runAudit(Session& session)
{
    std::vector<store::AuditEntry> entries;
    QString error;
    if (!session.store.loadAudit(&entries, 0, &error))
        return session.failure(error);
    if (session.json()) {
        QJsonArray array;
        for (const store::AuditEntry& e : entries)
            array.append(
                QJsonObject{{QStringLiteral("time"), store::isoUtc(e.changedAt)},
                            {QStringLiteral("key"), e.key},
                            {QStringLiteral("old"),
                             e.oldValue ? QJsonValue(*e.oldValue) : QJsonValue(QJsonValue::Null)},
                            {QStringLiteral("new"), e.newValue},
                            {QStringLiteral("origin"), e.origin},
                            {QStringLiteral("detail"),
                             e.detail ? QJsonValue(*e.detail) : QJsonValue(QJsonValue::Null)}});
        session.print(array);
        return ExitOk;
    }
    for (const store::AuditEntry& e : entries)
        session.out << store::isoUtc(e.changedAt) << "  " << e.origin << "  " << e.key << ": "
                    << auditValue(e.oldValue) << " -> " << e.newValue
                    << (e.detail ? QStringLiteral("  (") + *e.detail + QLatin1Char(')') : QString())
                    << '\n';
    return ExitOk;
}

} // namespace kelly::ctl
