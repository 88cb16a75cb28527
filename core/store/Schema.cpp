#include "StoreImpl.h"

#include <QStringList>

namespace kelly::store {

namespace {

// Issue 12 (items 2, 3, 4, 7): SQLite cannot add a CHECK to a table that exists, so version 5
// validates rows with a BEFORE INSERT and a BEFORE UPDATE trigger per table. Each rule is
// (condition that must hold, message naming the column); the first that fails aborts the
// statement with its message. Column affinity applies before the triggers run, so '100000'
// is stored as the number and '100,000.00' stays text and is refused.
// SPEC 13: PostgreSQL's columns are typed, so there each rule is a CHECK constraint on the
// values alone (`postgres`), named TABLE_rule_N so an error can quote the message.
struct RowRule
{
    const char* holds;
    const char* message;
    const char* postgres;
};

struct TableRules
{
    const char* table;
    std::vector<RowRule> rules;
};

QStringList validationTriggers(const QString& table, const std::vector<RowRule>& rules,
                               const QString& name = QStringLiteral("valid"))
{
    QString cases;
    for (const RowRule& rule : rules)
        cases +=
            QStringLiteral(" WHEN NOT coalesce(%1, 0) THEN RAISE(ABORT, '%2: %3')")
                .arg(QString::fromLatin1(rule.holds), table, QString::fromLatin1(rule.message));
    QStringList statements;
    for (const char* event : {"INSERT", "UPDATE"})
        statements << QStringLiteral("CREATE TRIGGER %1_%5_%2 BEFORE %3 ON %1"
                                     " BEGIN SELECT CASE%4 END; END")
                          .arg(table, QString::fromLatin1(event).toLower(),
                               QString::fromLatin1(event), cases, name);
    return statements;
}

// The canonical UTC instant the store writes (isoUtc): fixed width, so text order is time
// order and SPEC 4's "before New York midnight" can compare and index it.
#define KELLY_CANONICAL_TIME(column)                                                               \
    "typeof(" column ") = 'text' AND strftime('%Y-%m-%dT%H:%M:%SZ', " column ") = " column
#define KELLY_NUMBER(column) "typeof(" column ") IN ('real', 'integer')"

// The ranges that keep sums of squares finite (issue 12 item 7); NaN fails them on
// PostgreSQL too, where NaN sorts above every number.
const std::vector<TableRules>& version5Rules()
{
    static const std::vector<TableRules> rules{
        {"account",
         {{KELLY_NUMBER("NEW.equity_usd") " AND abs(NEW.equity_usd) <= 1e15",
           "equity_usd must be a number within +-1e15", "abs(equity_usd) <= 1e15"},
          {KELLY_NUMBER("NEW.buying_power_usd") " AND NEW.buying_power_usd BETWEEN 0 AND 1e15",
           "buying_power_usd must be a number from 0 to 1e15",
           "buying_power_usd BETWEEN 0 AND 1e15"}}},
        {"positions",
         {{"typeof(NEW.symbol) = 'text' AND length(NEW.symbol) BETWEEN 1 AND 32"
           " AND NEW.symbol NOT GLOB '*[^A-Z0-9.]*'",
           "symbol must be 1 to 32 of A-Z, 0-9 and . (normalised: BTC/USD is BTCUSD)",
           "symbol ~ '^[A-Z0-9.]{1,32}$'"},
          {KELLY_NUMBER("NEW.qty") " AND NEW.qty <> 0", "qty must be a number other than 0",
           "qty <> 0"},
          {KELLY_NUMBER("NEW.last_price_usd") " AND NEW.last_price_usd > 0",
           "last_price_usd must be a number > 0", "last_price_usd > 0 AND last_price_usd <= 1e15"},
          {KELLY_NUMBER("NEW.avg_entry_usd") " AND NEW.avg_entry_usd BETWEEN 0 AND 1e15",
           "avg_entry_usd must be a number from 0 to 1e15", "avg_entry_usd BETWEEN 0 AND 1e15"},
          {"abs(NEW.qty * NEW.last_price_usd) <= 1e15",
           "qty x last_price_usd must be at most 1e15 USD", "abs(qty * last_price_usd) <= 1e15"}}},
        {"snapshots",
         {{KELLY_CANONICAL_TIME("NEW.observed_at"),
           "observed_at must be UTC as YYYY-MM-DDTHH:MM:SSZ",
           "observed_at ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
           "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$'"},
          {KELLY_NUMBER("NEW.portfolio_value_usd") " AND abs(NEW.portfolio_value_usd) <= 1e15",
           "portfolio_value_usd must be a number within +-1e15",
           "abs(portfolio_value_usd) <= 1e15"},
          {KELLY_NUMBER("NEW.equity_usd") " AND abs(NEW.equity_usd) <= 1e15",
           "equity_usd must be a number within +-1e15", "abs(equity_usd) <= 1e15"},
          {KELLY_NUMBER("NEW.gross_usd") " AND NEW.gross_usd BETWEEN 0 AND 1e15",
           "gross_usd must be a number from 0 to 1e15", "gross_usd BETWEEN 0 AND 1e15"}}},
    };
    return rules;
}

QStringList version5Steps(const Dialect& dialect)
{
    QStringList steps;
    // Rows stamped with an offset or a space ('2026-06-10T00:30:00-04:00',
    // '2026-06-10 04:30:00') become the UTC instant they name; SQLite reads those forms. A
    // PostgreSQL store starts empty at version 0, with no such rows.
    if (!dialect.isPostgres())
        steps << QStringLiteral(
            "UPDATE snapshots SET observed_at ="
            " strftime('%Y-%m-%dT%H:%M:%SZ', observed_at)"
            " WHERE strftime('%Y-%m-%dT%H:%M:%SZ', observed_at) IS NOT observed_at"
            " AND strftime('%Y-%m-%dT%H:%M:%SZ', observed_at) IS NOT NULL");
    steps << QStringLiteral(
                 // Issue 12 item 10: the drawdown guard's high-water mark is one index lookup.
                 "CREATE INDEX snapshots_by_value ON snapshots (portfolio_value_usd)")
          << QStringLiteral(
                 // The retention prune (decision_retention_days) finds old decisions by time.
                 "CREATE INDEX sizing_decisions_by_time ON sizing_decisions (decided_at)");
    for (const TableRules& table : version5Rules()) {
        const QString name = QString::fromLatin1(table.table);
        if (!dialect.isPostgres()) {
            steps << validationTriggers(name, table.rules);
            continue;
        }
        for (size_t i = 0; i < table.rules.size(); ++i)
            steps << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %1_rule_%2 CHECK (%3)")
                         .arg(name)
                         .arg(i + 1)
                         .arg(QString::fromLatin1(table.rules[i].postgres));
    }
    return steps;
}

#undef KELLY_CANONICAL_TIME
#undef KELLY_NUMBER

// Issue 24 item 10: version 5's pattern lets 2026-02-30T15:00:00Z through, and every sizing
// call then failed on it. The day must exist in its month (leap years included): plain SQL
// both backends run, on the canonical form version 5 already requires.
QString calendarDay(const QString& column)
{
    const QString year = QStringLiteral("CAST(substr(%1, 1, 4) AS INTEGER)").arg(column);
    return QStringLiteral(
               "CAST(substr(%1, 9, 2) AS INTEGER) <= CASE CAST(substr(%1, 6, 2) AS INTEGER)"
               " WHEN 2 THEN CASE WHEN %2 % 4 = 0 AND (%2 % 100 <> 0 OR %2 % 400 = 0)"
               " THEN 29 ELSE 28 END WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30"
               " WHEN 11 THEN 30 ELSE 31 END")
        .arg(column, year);
}

constexpr const char* kCalendarRule = "snapshots_rule_5"; // after version 5's four
constexpr const char* kCalendarMessage =
    "observed_at must be a real UTC time (2026-02-30 is no date)";

// Rows already stored with an impossible date stay (a migration never deletes a trader's
// history, and SQLite cannot check old rows): on PostgreSQL the CHECK is NOT VALID, so only
// new and updated rows are checked, and every read skips such a row and names it.
QStringList version12Steps(const Dialect& dialect)
{
    QStringList steps{// The retention prune finds old broker syncs by time (issue 24 item 12).
                      QStringLiteral("CREATE INDEX broker_syncs_by_time ON broker_syncs"
                                     " (synced_at)")};
    if (!dialect.isPostgres()) {
        const std::string holds = calendarDay(QStringLiteral("NEW.observed_at")).toStdString();
        steps << validationTriggers(QStringLiteral("snapshots"),
                                    {{holds.c_str(), kCalendarMessage, nullptr}},
                                    QStringLiteral("calendar"));
        return steps;
    }
    steps << QStringLiteral("ALTER TABLE snapshots ADD CONSTRAINT %1 CHECK (CASE WHEN"
                            " observed_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN %2 ELSE TRUE END)"
                            " NOT VALID")
                 .arg(QLatin1String(kCalendarRule), calendarDay(QStringLiteral("observed_at")));
    return steps;
}

// Each step moves a file from version (index) to version (index + 1). Steps are append-only:
// a released step is never edited, a change is a new step.
std::vector<QStringList> migrationSteps(const Dialect& dialect)
{
    return {
        // 0 -> 1: the book, snapshots and settings.
        {
            QStringLiteral("CREATE TABLE account ("
                           " id INTEGER PRIMARY KEY CHECK (id = 1),"
                           " equity_usd REAL NOT NULL,"
                           " buying_power_usd REAL NOT NULL,"
                           " updated_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE positions ("
                           " symbol TEXT PRIMARY KEY,"
                           " qty REAL NOT NULL CHECK (qty <> 0),"
                           " avg_entry_usd REAL NOT NULL DEFAULT 0 CHECK (avg_entry_usd >= 0),"
                           " last_price_usd REAL NOT NULL CHECK (last_price_usd > 0),"
                           " updated_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE snapshots ("
                           " id INTEGER PRIMARY KEY,"
                           " observed_at TEXT NOT NULL,"
                           " portfolio_value_usd REAL NOT NULL,"
                           " equity_usd REAL NOT NULL,"
                           " gross_usd REAL NOT NULL)"),
            QStringLiteral("CREATE INDEX snapshots_by_time ON snapshots (observed_at)"),
            QStringLiteral("CREATE TABLE settings ("
                           " key TEXT PRIMARY KEY,"
                           " value TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE settings_audit ("
                           " id INTEGER PRIMARY KEY,"
                           " changed_at TEXT NOT NULL,"
                           " key TEXT NOT NULL,"
                           " old_value TEXT,"
                           " new_value TEXT NOT NULL,"
                           " origin TEXT NOT NULL)"),
        },
        // 1 -> 2: the sizing log and correlation builds.
        {
            QStringLiteral("CREATE TABLE sizing_decisions ("
                           " id INTEGER PRIMARY KEY,"
                           " decided_at TEXT NOT NULL,"
                           " origin TEXT NOT NULL,"
                           " symbol TEXT NOT NULL,"
                           " asset_class TEXT NOT NULL,"
                           " price_usd REAL NOT NULL,"
                           " mu_given REAL,"
                           " sigma_given REAL,"
                           " requested_mode TEXT NOT NULL,"
                           " method TEXT NOT NULL,"
                           " qty REAL NOT NULL,"
                           " qty_raw REAL NOT NULL,"
                           " base_fraction REAL,"
                           " target_fraction REAL,"
                           " mu_used REAL,"
                           " sigma_used REAL,"
                           " risk_multiplier REAL NOT NULL,"
                           " binding TEXT NOT NULL,"
                           " exposure_before_pct REAL,"
                           " exposure_after_pct REAL,"
                           " leverage_before REAL,"
                           " leverage_after REAL,"
                           " fallback_reason TEXT,"
                           " equity_usd REAL NOT NULL,"
                           " buying_power_usd REAL NOT NULL,"
                           " risk_threshold REAL NOT NULL,"
                           " intraday_limit REAL NOT NULL,"
                           " overnight_limit REAL NOT NULL,"
                           " symbol_cap_pct REAL NOT NULL)"),
            // Matrices are little-endian BLOBs (n x n, row-major in symbol order): a
            // 500-symbol build is two 2 MB values instead of 250,000 rows.
            QStringLiteral("CREATE TABLE correlation_builds ("
                           " id INTEGER PRIMARY KEY,"
                           " built_at TEXT NOT NULL,"
                           " lookback INTEGER NOT NULL,"
                           " symbol_count INTEGER NOT NULL,"
                           " shrinkage REAL NOT NULL,"
                           " correlation BLOB NOT NULL,"
                           " correlation_present BLOB NOT NULL,"
                           " observations BLOB NOT NULL,"
                           " covariance_daily BLOB NOT NULL)"),
            QStringLiteral("CREATE TABLE correlation_symbols ("
                           " build_id INTEGER NOT NULL"
                           "  REFERENCES correlation_builds (id) ON DELETE CASCADE,"
                           " position INTEGER NOT NULL,"
                           " symbol TEXT NOT NULL,"
                           " annualized_volatility REAL NOT NULL,"
                           " downside_volatility REAL NOT NULL,"
                           " sharpe_ratio REAL,"
                           " var_95 REAL NOT NULL,"
                           " max_drawdown REAL NOT NULL,"
                           " returns_used INTEGER NOT NULL,"
                           " missing INTEGER NOT NULL,"
                           " first_date TEXT NOT NULL,"
                           " last_date TEXT NOT NULL,"
                           " PRIMARY KEY (build_id, position))"),
            QStringLiteral("CREATE INDEX correlation_symbols_by_symbol"
                           " ON correlation_symbols (symbol, build_id)"),
        },
        // 2 -> 3: issue 6, the figures behind an audited change (the guard's trip).
        {
            QStringLiteral("ALTER TABLE settings_audit ADD COLUMN detail TEXT"),
        },
        // 3 -> 4: issue 4, correlation builds packed (layout 2, see StoreRecords.cpp): the
        // symmetric matrices keep one triangle, the counts and blank marks are compressed.
        // Rows written before keep layout 1 (full n x n) and still load.
        {
            QStringLiteral("ALTER TABLE correlation_builds"
                           " ADD COLUMN layout INTEGER NOT NULL DEFAULT 1"),
        },
        // 4 -> 5: issue 12, the schema refuses rows the store cannot use (see above); rows
        // written before stay and are reported by name when read.
        version5Steps(dialect),
        // 5 -> 6: issue 16, the audit of broker syncs (SPEC 14): one row per applied sync.
        // Its own table: a sync a minute would drown the settings audit.
        {
            QStringLiteral("CREATE TABLE broker_syncs ("
                           " id INTEGER PRIMARY KEY,"
                           " synced_at TEXT NOT NULL,"
                           " origin TEXT NOT NULL,"
                           " equity_usd REAL NOT NULL,"
                           " buying_power_usd REAL NOT NULL,"
                           " position_count INTEGER NOT NULL,"
                           " removed TEXT NOT NULL)"),
        },
        // 6 -> 7: issue 14, SPEC 11's figures with each decision. Older rows read as not
        // correlation-aware, with no reason (the feature did not exist).
        {
            QStringLiteral("ALTER TABLE sizing_decisions"
                           " ADD COLUMN correlation_aware INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN correlation_reason TEXT"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN book_cov REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions"
                           " ADD COLUMN base_fraction_uncorrelated REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN qty_uncorrelated REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN uncovered TEXT"),
        },
        // 7 -> 8: issue 17, which machine sized and whether its environment locked the mode
        // (SPEC 7: the dashboard says when a bot ignores the switch). Older rows: unknown
        // host, not locked.
        {
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN host TEXT"),
            QStringLiteral("ALTER TABLE sizing_decisions"
                           " ADD COLUMN mode_locked_by_env INTEGER NOT NULL DEFAULT 0"),
        },
        // 8 -> 9: issue 15, sizing-lab runs (SPEC 12): inputs and settings used, metrics
        // per method, the daily curve per method.
        {
            QStringLiteral("CREATE TABLE lab_runs ("
                           " id INTEGER PRIMARY KEY,"
                           " ran_at TEXT NOT NULL,"
                           " prices_dir TEXT NOT NULL,"
                           " forecast_file TEXT,"
                           " symbols TEXT NOT NULL,"
                           " from_date TEXT NOT NULL,"
                           " to_date TEXT NOT NULL,"
                           " starting_equity_usd REAL NOT NULL CHECK (starting_equity_usd > 0),"
                           " cost_bps REAL NOT NULL CHECK (cost_bps >= 0),"
                           " lookback INTEGER NOT NULL CHECK (lookback >= 20),"
                           " intraday_limit REAL NOT NULL,"
                           " overnight_limit REAL NOT NULL,"
                           " symbol_cap_pct REAL NOT NULL,"
                           " financing_rate REAL NOT NULL,"
                           " crypto_list TEXT NOT NULL,"
                           " annualization_days INTEGER NOT NULL)"),
            QStringLiteral("CREATE TABLE lab_run_methods ("
                           " run_id INTEGER NOT NULL REFERENCES lab_runs (id) ON DELETE CASCADE,"
                           " position INTEGER NOT NULL,"
                           " method TEXT NOT NULL,"
                           " total_return REAL,"
                           " cagr REAL,"
                           " sharpe REAL,"
                           " sortino REAL,"
                           " max_drawdown REAL,"
                           " calmar REAL,"
                           " worst_day REAL,"
                           " financing_usd REAL NOT NULL,"
                           " costs_usd REAL NOT NULL,"
                           " turnover REAL,"
                           " avg_gross_leverage REAL,"
                           " max_gross_leverage REAL,"
                           " longest_drawdown_days INTEGER NOT NULL,"
                           " ruined_on TEXT,"
                           " final_equity_usd REAL NOT NULL,"
                           " traded_value_usd REAL NOT NULL,"
                           " PRIMARY KEY (run_id, position))"),
            QStringLiteral("CREATE TABLE lab_curve_points ("
                           " run_id INTEGER NOT NULL REFERENCES lab_runs (id) ON DELETE CASCADE,"
                           " position INTEGER NOT NULL,"
                           " day INTEGER NOT NULL,"
                           " date TEXT NOT NULL,"
                           " equity_usd REAL NOT NULL,"
                           " gross_usd REAL NOT NULL,"
                           " cash_usd REAL NOT NULL,"
                           " financing_usd REAL NOT NULL,"
                           " costs_usd REAL NOT NULL,"
                           " PRIMARY KEY (run_id, position, day))"),
        },
        // 9 -> 10: issue 21, the broker's margin (SPEC 15): the trader's per-symbol rate
        // overrides, the broker's rates as synced from /v2/assets (at most once a day per
        // symbol), the broker's own maintenance figure with each sync, and each decision's
        // side, margin before and after, and Kelly multiple (SPEC 11, 15, 18).
        {
            QStringLiteral("CREATE TABLE margin_overrides ("
                           " symbol TEXT PRIMARY KEY,"
                           " rate REAL NOT NULL CHECK (rate > 0 AND rate <= 1),"
                           " set_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE broker_margin_rates ("
                           " symbol TEXT PRIMARY KEY,"
                           " marginable INTEGER NOT NULL CHECK (marginable IN (0, 1)),"
                           " long_rate REAL NOT NULL CHECK (long_rate >= 0 AND long_rate <= 1),"
                           " short_rate REAL NOT NULL CHECK (short_rate >= 0 AND short_rate <= 1),"
                           " fetched_at TEXT NOT NULL)"),
            QStringLiteral("ALTER TABLE broker_syncs ADD COLUMN maintenance_margin_usd REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN direction TEXT"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN maintenance_before_usd REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN maintenance_after_usd REAL"),
            QStringLiteral("ALTER TABLE sizing_decisions ADD COLUMN kelly_multiple REAL"),
        },
        // 10 -> 11: issue 22, the close (SPEC 17): each plan as printed or sent, and each
        // order's outcome at the broker. client_order_id is the idempotency key: one row per
        // order, updated when the same plan is sent again.
        {
            QStringLiteral("CREATE TABLE close_plans ("
                           " id INTEGER PRIMARY KEY,"
                           " plan_id TEXT NOT NULL UNIQUE,"
                           " planned_at TEXT NOT NULL,"
                           " method TEXT NOT NULL"
                           "  CHECK (method IN ('proportional', 'fewest-orders', 'min-risk')),"
                           " equity_usd REAL NOT NULL,"
                           " sold_usd REAL NOT NULL CHECK (sold_usd >= 0),"
                           " plan_json TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE close_orders ("
                           " id INTEGER PRIMARY KEY,"
                           " plan_id TEXT NOT NULL REFERENCES close_plans (plan_id),"
                           " symbol TEXT NOT NULL,"
                           " side TEXT NOT NULL CHECK (side IN ('sell', 'buy')),"
                           " qty REAL NOT NULL CHECK (qty > 0),"
                           " qty_before REAL NOT NULL,"
                           " qty_after REAL NOT NULL,"
                           " time_in_force TEXT NOT NULL"
                           "  CHECK (time_in_force IN ('cls', 'day', 'gtc')),"
                           " client_order_id TEXT NOT NULL UNIQUE,"
                           " status TEXT NOT NULL"
                           "  CHECK (status IN ('accepted', 'already sent', 'refused', 'failed')),"
                           " broker_order_id TEXT,"
                           " message TEXT,"
                           " sent_at TEXT NOT NULL)"),
            QStringLiteral("CREATE INDEX close_orders_by_time ON close_orders (sent_at)"),
        },
        // 11 -> 12: issue 24, snapshot times must be real calendar dates, and broker syncs
        // are indexed by time for the retention prune.
        version12Steps(dialect),
        // 12 -> 13: issue 24 item 8, serve's request_id beyond one process: the answer a
        // recorded decision got, written in the decision's transaction, so a retry sent to a
        // new serve (the old one killed after its commit) gets it again and records nothing.
        {
            QStringLiteral("CREATE TABLE serve_answers ("
                           " id INTEGER PRIMARY KEY,"
                           " request_id TEXT NOT NULL UNIQUE"
                           "  CHECK (length(request_id) BETWEEN 1 AND 200),"
                           " decision_id INTEGER NOT NULL,"
                           " answered_at TEXT NOT NULL,"
                           " answer_json TEXT NOT NULL)"),
            QStringLiteral("CREATE INDEX serve_answers_by_time ON serve_answers (answered_at)"),
        },
    };
}

} // namespace

std::optional<QString> ruleMessage(const QString& constraint)
{
    if (constraint == QLatin1String(kCalendarRule))
        return QStringLiteral("snapshots: ") + QLatin1String(kCalendarMessage);
    for (const TableRules& table : version5Rules())
        for (size_t i = 0; i < table.rules.size(); ++i)
            if (constraint ==
                QStringLiteral("%1_rule_%2").arg(QString::fromLatin1(table.table)).arg(i + 1))
                return QStringLiteral("%1: %2").arg(QString::fromLatin1(table.table),
                                                    QString::fromLatin1(table.rules[i].message));
    return std::nullopt;
}

// SQLite keeps the version in the file header (user_version); a PostgreSQL store in a
// one-row table of its own, created by the first migration's transaction.
bool readSchemaVersion(Store::Impl& impl, int* version, QString* error)
{
    const bool postgres = impl.dialect.isPostgres();
    QSqlQuery query(impl.database());
    if (!runDirect(query,
                   postgres ? QStringLiteral("SELECT to_regclass('kellydesk_schema') IS NOT NULL")
                            : QStringLiteral("PRAGMA user_version"),
                   error))
        return false;
    *version = query.next() ? query.value(0).toInt() : 0;
    if (postgres && *version == 1) {
        query.finish();
        if (!runDirect(query, QStringLiteral("SELECT max(version) FROM kellydesk_schema"), error))
            return false;
        *version = query.next() ? query.value(0).toInt() : 0;
    }
    return true;
}

bool checkSchemaOpenable(Store::Impl& impl, int* version, QString* error)
{
    if (!readSchemaVersion(impl, version, error))
        return false;
    if (*version > Store::kSchemaVersion) {
        *error = QStringLiteral("written by a newer KellyDesk (schema version %1, this build"
                                " knows up to %2); refusing to open it")
                     .arg(*version)
                     .arg(Store::kSchemaVersion);
        return false;
    }
    if (*version == 0) {
        // A store without a version must be empty: never adopt someone else's database.
        const bool postgres = impl.dialect.isPostgres();
        QSqlQuery tables(impl.database());
        if (!runDirect(tables,
                       postgres ? QStringLiteral("SELECT count(*) FROM information_schema.tables"
                                                 " WHERE table_schema = current_schema()")
                                : QStringLiteral("SELECT count(*) FROM sqlite_master"
                                                 " WHERE type = 'table'"),
                       error))
            return false;
        if (tables.next() && tables.value(0).toInt() > 0) {
            *error = QStringLiteral("a %1 database but not a KellyDesk store (it has tables"
                                    " and no KellyDesk schema version); refusing to open it")
                         .arg(postgres ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite"));
            return false;
        }
    }
    return true;
}

bool migrateSchema(Store::Impl& impl, int current, QString* error)
{
    static_assert(Store::kSchemaVersion == 13, "add a migration step with the new version");
    // Issue 12 item 8: a current store is opened without the write lock, so reads (status,
    // a halt) do not queue behind a bot's writes just to learn the version.
    if (current == Store::kSchemaVersion) {
        impl.version = current;
        return true;
    }
    const bool postgres = impl.dialect.isPostgres();
    Transaction transaction(impl, Transaction::Kind::Write);
    if (!transaction.begin(error))
        return false;
    // Two processes opening a new PostgreSQL store at once: the second waits here for the
    // first's migration instead of failing on its half-created tables. SQLite's BEGIN
    // IMMEDIATE already did the same.
    if (postgres &&
        !impl.execute(QStringLiteral("SELECT pg_advisory_xact_lock(7242368533)"), error))
        return false;
    // Check again under the write lock: another process may have migrated meanwhile.
    int version = 0;
    if (!checkSchemaOpenable(impl, &version, error))
        return false;
    if (version == Store::kSchemaVersion) {
        impl.version = version;
        return transaction.commit(error);
    }
    const std::vector<QStringList> steps = migrationSteps(impl.dialect);
    for (int step = version; step < Store::kSchemaVersion; ++step) {
        for (const QString& sql : steps[static_cast<size_t>(step)]) {
            if (!impl.execute(impl.dialect.tableDefinition(sql), error)) {
                *error = QStringLiteral("migration to schema version %1 failed: %2")
                             .arg(step + 1)
                             .arg(*error);
                return false;
            }
        }
    }
    // The value is this build's constant (PRAGMA takes no bound parameters).
    const QStringList setVersion =
        postgres
            ? QStringList{QStringLiteral("CREATE TABLE IF NOT EXISTS kellydesk_schema"
                                         " (version INTEGER NOT NULL)"),
                          QStringLiteral("DELETE FROM kellydesk_schema"),
                          QStringLiteral("INSERT INTO kellydesk_schema VALUES (%1)")
                              .arg(Store::kSchemaVersion)}
            : QStringList{QStringLiteral("PRAGMA user_version = %1").arg(Store::kSchemaVersion)};
    for (const QString& sql : setVersion)
        if (!impl.execute(sql, error))
            return false;
    if (!transaction.commit(error))
        return false;
    impl.version = Store::kSchemaVersion;
    return true;
}

} // namespace kelly::store
