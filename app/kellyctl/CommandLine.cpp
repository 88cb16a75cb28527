#include "CommandLine.h"

#include <QRegularExpression>

namespace kelly::ctl {

namespace {

OptionSpec jsonFlag()
{
    return {QStringLiteral("json"), QString(), QStringLiteral("print JSON instead of text")};
}

bool looksLikeNegativeNumber(const QString& token)
{
    static const QRegularExpression number(QStringLiteral("^-(\\d|\\.\\d)"));
    return number.match(token).hasMatch();
}

const OptionSpec* findOption(const CommandSpec& command, const QString& name)
{
    for (const OptionSpec& option : command.options)
        if (option.name == name)
            return &option;
    return nullptr;
}

const CommandSpec* findCommand(const QString& name)
{
    for (const CommandSpec& command : commandTable())
        if (command.name == name)
            return &command;
    return nullptr;
}

QStringList subcommandsOf(const QString& group)
{
    QStringList names;
    for (const CommandSpec& command : commandTable())
        if (command.name.startsWith(group + QLatin1Char(' ')))
            names << command.name.mid(group.size() + 1);
    return names;
}

QString seeHelp(const QString& commandName)
{
    return QStringLiteral(" (see: kellyctl %1 --help)").arg(commandName);
}

} // namespace

const std::vector<CommandSpec>& commandTable()
{
    static const std::vector<CommandSpec> table{
        {QStringLiteral("init"),
         {},
         {},
         {},
         {},
         QStringLiteral("create the store, or migrate it to this version's schema"),
         {}},
        {QStringLiteral("account set"),
         {},
         {},
         {{QStringLiteral("equity"), QStringLiteral("X"),
           QStringLiteral("account equity, USD >= 0")},
          {QStringLiteral("buying-power"), QStringLiteral("Y"),
           QStringLiteral("buying power as the broker reports it, USD >= 0")}},
         {},
         QStringLiteral("set equity and/or buying power"),
         QStringLiteral("An option left out keeps its stored value (0 on a new store).")},
        {QStringLiteral("account show"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("print equity, buying power, gross and leverage"),
         {}},
        {QStringLiteral("position set"),
         {QStringLiteral("SYMBOL")},
         {},
         {{QStringLiteral("qty"), QStringLiteral("Q"),
           QStringLiteral("signed quantity (short < 0), fractional allowed; 0 removes")},
          {QStringLiteral("price"), QStringLiteral("P"), QStringLiteral("last price, USD > 0")},
          {QStringLiteral("avg-entry"), QStringLiteral("A"),
           QStringLiteral("average entry price, USD >= 0 (default: kept, or 0)")}},
         {QStringLiteral("qty"), QStringLiteral("price")},
         QStringLiteral("create, change or (qty 0) remove a position"),
         QStringLiteral("SYMBOL is normalised: BTC/USD and btc-usd become BTCUSD.")},
        {QStringLiteral("position rm"),
         {QStringLiteral("SYMBOL")},
         {},
         {},
         {},
         QStringLiteral("remove a position (exit 2 when it is not held)"),
         {}},
        {QStringLiteral("positions"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("list the positions"),
         {}},
        {QStringLiteral("price"),
         {QStringLiteral("SYMBOL"), QStringLiteral("PRICE")},
         {},
         {},
         {},
         QStringLiteral("mark a held position to a new last price"),
         {}},
        {QStringLiteral("import"),
         {QStringLiteral("FILE")},
         {},
         {},
         {},
         QStringLiteral("replace the positions with a broker export"),
         QStringLiteral(
             "FILE is Alpaca /v2/positions JSON (an array of objects with symbol, qty, side,\n"
             "current_price or market_value, avg_entry_price) or CSV rows\n"
             "symbol,qty,price[,avg_entry] (an optional header line, '#' comments).\n"
             "The file is the whole book: positions it does not list are removed. One\n"
             "transaction: a single bad row changes nothing and is reported by line or index.")},
        {QStringLiteral("snapshot"),
         {},
         {},
         {{QStringLiteral("value"), QStringLiteral("V"),
           QStringLiteral("portfolio value, USD (default: the stored equity)")},
          {QStringLiteral("at"), QStringLiteral("ISO-8601"),
           QStringLiteral("observation time (default: now); no offset means UTC")}},
         {},
         QStringLiteral("record a portfolio snapshot (the SPEC 4 risk threshold reads them)"),
         {}},
        {QStringLiteral("size"),
         {QStringLiteral("SYMBOL"), QStringLiteral("PRICE")},
         {},
         {{QStringLiteral("mu"), QStringLiteral("X"), QStringLiteral("predicted daily return")},
          {QStringLiteral("sigma"), QStringLiteral("Y"), QStringLiteral("daily volatility, >= 0")},
          {QStringLiteral("mode"), QStringLiteral("enhanced|legacy|halt"),
           QStringLiteral("size with this method for this call only (a halt still wins)")},
          {QStringLiteral("reduce"), QString(),
           QStringLiteral("close or shrink the open position: the whole open size, any mode")},
          {QStringLiteral("dry-run"), QString(),
           QStringLiteral("record nothing, write no log line")},
          jsonFlag()},
         {},
         QStringLiteral("size a buy of SYMBOL at PRICE with the current mode and limits"),
         QStringLiteral(
             "Reads the mode and limits at every call (environment overrides first:\n"
             "USE_ENHANCED_KELLY_SIZING, MAX_INTRADAY_LEVERAGE, MAX_OVERNIGHT_LEVERAGE).\n"
             "Unless --dry-run, records the decision and appends the log line to\n"
             "NAME.sizing.log beside NAME.sqlite. Runs the drawdown guard first; in halt\n"
             "mode every add is qty 0 (binding halted) and only --reduce sizes.")},
        {QStringLiteral("mode"),
         {},
         {QStringLiteral("enhanced|legacy|halt")},
         {},
         {},
         QStringLiteral("print the sizing mode, or set it (audited)"),
         QStringLiteral("When USE_ENHANCED_KELLY_SIZING is set it wins over the stored mode,\n"
                        "except a halt (reduce-only): safety wins, and halt can always be set.\n"
                        "While halted, enhanced or legacy is refused (exit 2): only resume\n"
                        "leaves a halt. A halt stops sizing at once, even while another\n"
                        "writer keeps the store busy (core/store/README.md).")},
        {QStringLiteral("resume"),
         {},
         {},
         {},
         {},
         QStringLiteral("leave a halt for the mode in force before it (audited)"),
         QStringLiteral("Exit 2 when not halted. The drawdown guard halts again at its next\n"
                        "check while the breach lasts: raise or clear its limit first.")},
        {QStringLiteral("get"),
         {QStringLiteral("KEY")},
         {},
         {},
         {},
         QStringLiteral("print the effective value of a setting"),
         {}},
        {QStringLiteral("set"),
         {QStringLiteral("KEY"), QStringLiteral("VALUE")},
         {},
         {},
         {},
         QStringLiteral("change a setting (validated, audited)"),
         {}},
        {QStringLiteral("audit"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("print the settings audit log, newest first"),
         {}},
        {QStringLiteral("correlation build"),
         {},
         {},
         {{QStringLiteral("prices"), QStringLiteral("DIR"),
           QStringLiteral("folder of daily price CSV files, one per symbol")},
          {QStringLiteral("lookback"), QStringLiteral("N"),
           QStringLiteral("joined dates used (default 250)")}},
         {QStringLiteral("prices")},
         QStringLiteral("build the correlation matrix and volatility metrics (SPEC 5)"),
         {}},
        {QStringLiteral("correlation show"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("print the latest correlation build"),
         {}},
        {QStringLiteral("status"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("exposure, leverage vs limits, reduce_by, financing, risk (SPEC 6)"),
         {}},
        // Issue 21: the broker's maintenance margin (SPEC 15) and stress (SPEC 16).
        {QStringLiteral("margin"),
         {},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("maintenance rates, their source and requirement per held symbol"),
         QStringLiteral(
             "Rates: the override (margin set), else the broker's as synced, else Alpaca's\n"
             "published table (30%; 100% for a long under 2.50 or a short under 5.00; crypto\n"
             "100%), never below maintenance_floor.")},
        {QStringLiteral("margin set"),
         {QStringLiteral("SYMBOL"), QStringLiteral("RATE")},
         {},
         {},
         {},
         QStringLiteral("override SYMBOL's maintenance rate (a fraction: 0.5 is 50%), audited"),
         QStringLiteral("RATE must lie from maintenance_floor to 1. Crypto always takes 100%.")},
        {QStringLiteral("margin rm"),
         {QStringLiteral("SYMBOL")},
         {},
         {},
         {},
         QStringLiteral("remove SYMBOL's maintenance rate override, audited"),
         {}},
        // Issue 23: the Kelly fraction from evidence (SPEC 18).
        {QStringLiteral("kelly"),
         {},
         {},
         {{QStringLiteral("drawdown"), QStringLiteral("D"),
           QStringLiteral("a loss you will accept, as a fraction (0.2 is 20%)")},
          {QStringLiteral("probability"), QStringLiteral("P"),
           QStringLiteral("the largest chance of ever losing D you accept (0.05 is 5%)")},
          {QStringLiteral("apply"), QString(),
           QStringLiteral("store the kelly_fraction the budget gives (audited)")},
          jsonFlag()},
         {},
         QStringLiteral("the Kelly fraction, the multiple of full Kelly it holds, its odds"),
         QStringLiteral(
             "Kelly_50pct @ 4x holds a stock at 0.5 x 4 = 2x full Kelly, where the growth of a\n"
             "right forecast is zero. With a budget: lambda = ln P / ln(1 - D), the largest\n"
             "multiple c* = min(1, 2 / (1 + lambda)), and the setting c* / L.")},
        {QStringLiteral("stress"),
         {},
         {},
         {{QStringLiteral("moves"), QStringLiteral("LIST"),
           QStringLiteral("uniform moves of every price in percent (default "
                          "-30,-20,-15,-10,-5,5,10,20)")},
          {QStringLiteral("shock"), QStringLiteral("SYMBOL=PCT"),
           QStringLiteral("SYMBOL moves PCT, the others by their beta to it (repeatable)"), true},
          {QStringLiteral("prices"), QStringLiteral("DIR"),
           QStringLiteral("price folder: its worst days applied to today's book")},
          {QStringLiteral("worst"), QStringLiteral("N"),
           QStringLiteral("how many worst days of --prices (default 5)")},
          jsonFlag()},
         {},
         QStringLiteral("the book under scenarios against the maintenance margin (SPEC 16)"),
         QStringLiteral(
             "Each scenario: P&L, equity, gross, leverage and maintenance after, whether it is\n"
             "a margin call, and the value a proportional sale must remove to cure it.\n"
             "Betas of --shock come from the latest correlation build's covariance.")},
        // Issue 22: the plan that brings the book to the overnight limit (SPEC 17).
        {QStringLiteral("close-plan"),
         {},
         {},
         {{QStringLiteral("method"), QStringLiteral("NAME"),
           QStringLiteral("proportional, min-risk or fewest-orders (default: min-risk with a "
                          "fresh build covering the book, else proportional)")},
          {QStringLiteral("submit"), QStringLiteral("BROKER"),
           QStringLiteral("send the plan: alpaca (needs --yes)")},
          {QStringLiteral("tif"), QStringLiteral("cls|day"),
           QStringLiteral("stock orders' time in force with --submit (default day; cls until "
                          "15:50 New York)")},
          {QStringLiteral("yes"), QString(), QStringLiteral("confirm the sending")},
          {QStringLiteral("history"), QString(),
           QStringLiteral("list the recorded plans and their orders")},
          jsonFlag()},
         {},
         QStringLiteral("what to sell to reach the overnight limit before the close (SPEC 17)"),
         QStringLiteral(
             "Target at last prices: gross <= L_on x E and E - MR >= k x (gross - MR). Sales\n"
             "round up (whole shares, crypto 0.001). Orders sent today count as sold until the\n"
             "book shows them. --submit alpaca sends one market order per line with\n"
             "client_order_id kd-close-PLANID-SYMBOL, so sending again never doubles an order;\n"
             "crypto lines go gtc. Keys: APCA_API_KEY_ID, APCA_API_SECRET_KEY,\n"
             "APCA_API_BASE_URL (default paper). Exit 1 when some order was not accepted.")},
        // Issue 16 (SPEC 14): meeting the bot where it lives.
        {QStringLiteral("sync alpaca"),
         {},
         {},
         {{QStringLiteral("once"), QString(), QStringLiteral("sync once and exit")},
          {QStringLiteral("interval"), QStringLiteral("S"),
           QStringLiteral("seconds between syncs, >= 1 (default 60)")}},
         {},
         QStringLiteral("copy the Alpaca account and positions into the store"),
         QStringLiteral(
             "Reads APCA_API_KEY_ID, APCA_API_SECRET_KEY and APCA_API_BASE_URL (default: the\n"
             "paper endpoint), fetches /v2/account and /v2/positions and writes equity, buying\n"
             "power, the whole book and a snapshot in one transaction (positions Alpaca no\n"
             "longer lists are removed). Any failure writes nothing. Exit 2: credentials\n"
             "missing or rejected (401/403); exit 1: timeout (10 s), HTTP 5xx, 429 three\n"
             "times, a malformed reply. Without --once it syncs every S seconds, reports a\n"
             "failed sync on stderr and goes on (rejected credentials stop it).")},
        {QStringLiteral("serve"),
         {},
         {},
         {},
         {},
         QStringLiteral("answer JSON size/status requests on stdin, one line each"),
         QStringLiteral(
             "One JSON object a line: {\"id\": 7, \"command\": \"size\", \"symbol\": \"NVDA\",\n"
             "\"price\": 150, \"mu\": null, \"sigma\": null, \"mode\": null, \"dry_run\": false,\n"
             "\"reduce\": false} -> {\"id\": 7, \"result\": {...size --json...}}; \"command\":\n"
             "\"status\" answers status --json. Errors: {\"id\": 7, \"error\": {\"code\": 2,\n"
             "\"field\": \"price\", \"message\": \"...\"}} and the server goes on. Every request\n"
             "re-reads the store and records its decision like a new kellyctl size.")},
        {QStringLiteral("backtest"),
         {},
         {},
         {{QStringLiteral("prices"), QStringLiteral("DIR"),
           QStringLiteral("folder of daily price CSV files, one per symbol")},
          {QStringLiteral("symbols"), QStringLiteral("A,B"),
           QStringLiteral("symbols to run (default: every file)")},
          {QStringLiteral("from"), QStringLiteral("D"), QStringLiteral("first date, YYYY-MM-DD")},
          {QStringLiteral("to"), QStringLiteral("D"), QStringLiteral("last date, YYYY-MM-DD")},
          {QStringLiteral("equity"), QStringLiteral("X"),
           QStringLiteral("starting equity, USD > 0 (default 100000)")},
          {QStringLiteral("methods"), QStringLiteral("LIST"),
           QStringLiteral("enhanced,enhanced-corr,legacy,equal-weight (default: all; none "
                          "with --kelly-fractions)")},
          {QStringLiteral("kelly-fractions"), QStringLiteral("LIST"),
           QStringLiteral("also run enhanced at each Kelly fraction in (0, 1], named "
                          "enhanced@0.25 (SPEC 18)")},
          {QStringLiteral("forecast"), QStringLiteral("FILE"),
           QStringLiteral("CSV date,symbol,mu[,sigma] used instead of the trailing mean")},
          {QStringLiteral("lookback"), QStringLiteral("N"),
           QStringLiteral("trailing returns per forecast, >= 20 (default 60)")},
          {QStringLiteral("cost-bps"), QStringLiteral("B"),
           QStringLiteral("cost per trade in basis points of traded value (default 5)")},
          {QStringLiteral("curve"), QStringLiteral("FILE.csv"),
           QStringLiteral("write date,method,equity,gross,cash,financing,costs")},
          {QStringLiteral("check-lookahead"), QString(),
           QStringLiteral("rerun on the files cut after the middle date; exit 1 if any "
                          "earlier equity changes")},
          {QStringLiteral("list"), QString(), QStringLiteral("list the recorded runs")},
          {QStringLiteral("show"), QStringLiteral("ID"),
           QStringLiteral("print a recorded run (with --curve: write its curve)")},
          jsonFlag()},
         {},
         QStringLiteral("the sizing lab: backtest the sizing methods on real prices (SPEC 12)"),
         QStringLiteral(
             "Daily closes; a forecast made from returns before the trade date (or --forecast);\n"
             "trades at the close with costs; at most the overnight limit is held from close to\n"
             "close, so intraday leverage above it never survives a night; financing per\n"
             "calendar night. Limits, cap, crypto list and financing rate come from the\n"
             "store's settings.\n"
             "Every run is recorded in the store: --list and --show ID read runs back.\n"
             "enhanced-corr adds SPEC 11 on the lab's rolling correlation of returns before t.")},
        // SPEC 13: moving a desk between SQLite and PostgreSQL.
        {QStringLiteral("store copy"),
         {QStringLiteral("FROM"), QStringLiteral("TO")},
         {},
         {jsonFlag()},
         {},
         QStringLiteral("copy a whole store (SQLite <-> PostgreSQL) into an empty one"),
         QStringLiteral(
             "FROM and TO are store names: a file path or a postgresql:// URL (--db is not\n"
             "used). Every table is copied in one transaction on TO, which must hold no rows\n"
             "(a new file or database is created and given the schema first). FROM is brought\n"
             "to this version's schema, as any command does. Exit 2: a malformed name, TO\n"
             "not empty, FROM and TO the same; exit 1: a store that cannot be opened or read.")},
    };
    return table;
}

ParseResult parseCommandLine(const QStringList& arguments)
{
    Invocation invocation;
    QStringList rest;
    bool endOfOptions = false;
    // Global options may stand anywhere before `--`.
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& token = arguments[i];
        if (endOfOptions) {
            rest << token;
            continue;
        }
        if (token == QLatin1String("--")) {
            endOfOptions = true;
            rest << token;
        } else if (token == QLatin1String("--help") || token == QLatin1String("-h")) {
            invocation.help = true;
        } else if (token == QLatin1String("--db") || token == QLatin1String("--now")) {
            if (i + 1 >= arguments.size())
                return {std::nullopt, token + QStringLiteral(": needs a value")};
            (token == QLatin1String("--db") ? invocation.dbPath : invocation.nowText) =
                arguments[++i];
        } else if (token.startsWith(QLatin1String("--db="))) {
            invocation.dbPath = token.mid(5);
        } else if (token.startsWith(QLatin1String("--now="))) {
            invocation.nowText = token.mid(6);
        } else {
            rest << token;
        }
    }
    if (invocation.dbPath && invocation.dbPath->isEmpty())
        return {std::nullopt, QStringLiteral("--db: the path is empty")};

    if (rest.isEmpty() || rest.front() == QLatin1String("--")) {
        if (invocation.help)
            return {invocation, {}};
        return {std::nullopt, QStringLiteral("no command given (see: kellyctl --help)")};
    }
    const QString first = rest.takeFirst();
    const QStringList subcommands = subcommandsOf(first);
    QString name = first;
    // `margin` is a command of its own beside `margin set` and `margin rm`.
    const bool bareCommand = findCommand(first) != nullptr;
    if (!subcommands.isEmpty()) {
        const bool noSubcommand = rest.isEmpty() || rest.front().startsWith(QLatin1Char('-')) ||
                                  (bareCommand && !subcommands.contains(rest.front()));
        if (noSubcommand && !bareCommand) {
            if (invocation.help) // `kellyctl account --help`: the command list
                return {invocation, {}};
            return {std::nullopt, first + QStringLiteral(": expected a subcommand: ") +
                                      subcommands.join(QStringLiteral(", "))};
        }
        if (!noSubcommand)
            name = first + QLatin1Char(' ') + rest.takeFirst();
    }
    invocation.command = findCommand(name);
    if (!invocation.command)
        return {std::nullopt,
                QStringLiteral("unknown command '%1' (see: kellyctl --help)").arg(name)};
    const CommandSpec& command = *invocation.command;
    if (invocation.help)
        return {invocation, {}};

    endOfOptions = false;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const QString& token = rest[i];
        if (!endOfOptions && token == QLatin1String("--")) {
            endOfOptions = true;
            continue;
        }
        if (endOfOptions || !token.startsWith(QLatin1Char('-')) || looksLikeNegativeNumber(token)) {
            invocation.positionals << token;
            continue;
        }
        QString optionName = token.startsWith(QLatin1String("--")) ? token.mid(2) : token.mid(1);
        std::optional<QString> inlineValue;
        if (const qsizetype eq = optionName.indexOf(QLatin1Char('=')); eq >= 0) {
            inlineValue = optionName.mid(eq + 1);
            optionName.truncate(eq);
        }
        const OptionSpec* option = findOption(command, optionName);
        if (!option || !token.startsWith(QLatin1String("--")))
            return {std::nullopt, command.name + QStringLiteral(": unknown option '") + token +
                                      QLatin1Char('\'') + seeHelp(command.name)};
        if (invocation.options.contains(optionName) && !option->repeatable)
            return {std::nullopt, command.name + QStringLiteral(": option --") + optionName +
                                      QStringLiteral(" given twice")};
        if (option->valueName.isEmpty()) {
            if (inlineValue)
                return {std::nullopt,
                        QStringLiteral("--") + optionName + QStringLiteral(": takes no value")};
            invocation.options.insert(optionName, QString());
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= rest.size())
                return {std::nullopt, QStringLiteral("--") + optionName +
                                          QStringLiteral(": needs a value (") + option->valueName +
                                          QLatin1Char(')')};
            inlineValue = rest[++i];
        }
        invocation.options.insert(optionName, *inlineValue);
        invocation.repeated[optionName] << *inlineValue;
    }

    for (const QString& required : command.requiredOptions)
        if (!invocation.options.contains(required))
            return {std::nullopt, QStringLiteral("--") + required + QStringLiteral(": required") +
                                      seeHelp(command.name)};
    const qsizetype needed = command.positionals.size();
    const qsizetype allowed = needed + command.optionalPositionals.size();
    if (invocation.positionals.size() < needed)
        return {std::nullopt, command.positionals[invocation.positionals.size()] +
                                  QStringLiteral(": missing") + seeHelp(command.name)};
    if (invocation.positionals.size() > allowed)
        return {std::nullopt, command.name + QStringLiteral(": unexpected argument '") +
                                  invocation.positionals[allowed] + QLatin1Char('\'') +
                                  seeHelp(command.name)};
    return {invocation, {}};
}

QString generalHelp()
{
    QString text =
        QStringLiteral("Usage: kellyctl [--db PATH] COMMAND [ARGS...]\n"
                       "The KellyDesk store's command line (for bots and people).\n\n"
                       "Store: --db PATH, else $KELLYDESK_DB, else the platform's app-data folder\n"
                       "(~/.local/share/KellyDesk/kellydesk.sqlite on Linux). PATH may be a\n"
                       "postgresql://USER@HOST:PORT/DB URL (passwords: ~/.pgpass; SPEC 13).\n"
                       "Exit codes: 0 done, 2 bad input (nothing written), 1 any other failure.\n\n"
                       "Commands:\n");
    for (const CommandSpec& command : commandTable())
        text += QStringLiteral("  %1%2\n").arg(command.name, -20).arg(command.summary);
    text += QStringLiteral("\nRun 'kellyctl COMMAND --help' for a command's arguments.\n");
    return text;
}

QString commandHelp(const CommandSpec& command)
{
    QString usage = QStringLiteral("Usage: kellyctl [--db PATH] ") + command.name;
    for (const QString& positional : command.positionals)
        usage += QLatin1Char(' ') + positional;
    for (const QString& positional : command.optionalPositionals)
        usage += QStringLiteral(" [") + positional + QLatin1Char(']');
    for (const OptionSpec& option : command.options) {
        const bool required = command.requiredOptions.contains(option.name);
        QString text = QStringLiteral("--") + option.name;
        if (!option.valueName.isEmpty())
            text += QLatin1Char(' ') + option.valueName;
        usage +=
            required ? QLatin1Char(' ') + text : QStringLiteral(" [") + text + QLatin1Char(']');
    }
    QString text = usage + QStringLiteral("\n") + command.summary + QStringLiteral("\n");
    if (!command.options.empty()) {
        text += QStringLiteral("\nOptions:\n");
        for (const OptionSpec& option : command.options) {
            QString left = QStringLiteral("--") + option.name;
            if (!option.valueName.isEmpty())
                left += QLatin1Char(' ') + option.valueName;
            text += QStringLiteral("  %1%2\n").arg(left, -24).arg(option.help);
        }
    }
    if (!command.details.isEmpty())
        text += QStringLiteral("\n") + command.details + QStringLiteral("\n");
    return text;
}

} // namespace kelly::ctl
