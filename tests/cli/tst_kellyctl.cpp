// The real kellyctl binary against a temporary store (issue 3, SPEC 9): every command, every
// exit code, every bad input leaving the store's content unchanged, the SPEC 8 examples
// through `size --json`, the environment lock and `status --json`. Imports and correlation
// builds: tst_kellyctl_data.

#include "CommandLine.h"
#include "KellyctlFixture.h"
#include "Store.h"
#include "StoreTestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestKellyctl : public KellyctlFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(setUpStore()); }
    void helpForEveryCommand();
    void storeLocation();
    void unreadableStoresExitOne_data();
    void unreadableStoresExitOne();
    void badInputChangesNothing_data();
    void badInputChangesNothing();
    void specExamplesThroughSizeJson_data();
    void specExamplesThroughSizeJson();
    void sizeRecordsDecisionAndLog();
    void bookCommands();
    void settingsModeAndAudit();
    void outsideTextIsPrintedEscaped();
    void environmentLock();
    void statusJson();
    void statusOnFridayAndCashAccount();
};

void TestKellyctl::helpForEveryCommand()
{
    const KellyctlRun general = run({QStringLiteral("--help")});
    QCOMPARE(general.exitCode, 0);
    QVERIFY(general.out.startsWith(QLatin1String("Usage: kellyctl")));
    for (const kelly::ctl::CommandSpec& command : kelly::ctl::commandTable()) {
        const KellyctlRun help =
            run(command.name.split(QLatin1Char(' ')) + QStringList{QStringLiteral("--help")});
        QVERIFY2(help.exitCode == 0, qPrintable(command.name));
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: kellyctl [--db PATH] ") + command.name),
                 qPrintable(help.out));
    }
}

void TestKellyctl::storeLocation()
{
    // --db wins; KELLYDESK_DB is next; a command other than init never creates a store.
    const QString other = m_dir->filePath(QStringLiteral("other/env.sqlite"));
    QProcess process;
    process.setProcessEnvironment(
        KellyctlRunner::environment(envWith({{"KELLYDESK_DB", other.toUtf8().constData()}})));
    process.start(QStringLiteral(KELLYCTL_PATH), {QStringLiteral("positions")});
    QVERIFY(process.waitForFinished());
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(
        QString::fromUtf8(process.readAllStandardError()).contains(QLatin1String("init' first")));
    QVERIFY(!QFile::exists(other));
    process.start(QStringLiteral(KELLYCTL_PATH), {QStringLiteral("init")});
    QVERIFY(process.waitForFinished());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(QFile::exists(other));
}

void TestKellyctl::unreadableStoresExitOne_data()
{
    QTest::addColumn<QByteArray>("contents"); // empty: a newer-version SQLite file
    QTest::addColumn<QString>("message");
    QTest::newRow("not sqlite") << QByteArray("NVDA,10,150\n") << "not a SQLite database";
    QTest::newRow("newer version") << QByteArray() << "newer KellyDesk";
}

void TestKellyctl::unreadableStoresExitOne()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, message);
    const QString path = m_dir->filePath(QStringLiteral("bad.sqlite"));
    QString error;
    if (contents.isEmpty())
        QVERIFY(kelly::testing::execRawSql(path,
                                           QStringLiteral("PRAGMA user_version = %1;\n")
                                               .arg(kelly::store::Store::kSchemaVersion + 1),
                                           &error));
    else
        writeFile(QStringLiteral("bad.sqlite"), contents);
    const QByteArray before = kelly::testing::readBytes(path);
    for (const QStringList& arguments :
         {QStringList{QStringLiteral("init")}, QStringList{QStringLiteral("status")},
          QStringList{QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")}}) {
        const KellyctlRun result = KellyctlRunner(path).run(arguments);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
    }
    QCOMPARE(kelly::testing::readBytes(path), before);
}

void TestKellyctl::badInputChangesNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message"); // stderr names the field or file and why
    auto row = [](const char* tag, std::initializer_list<const char*> arguments,
                  const char* message) {
        QTest::newRow(tag) << args(arguments) << QString::fromLatin1(message);
    };
    row("unknown command", {"sell", "NVDA"}, "unknown command 'sell'");
    row("unknown option", {"positions", "--all"}, "unknown option '--all'");
    row("position price NaN", {"position", "set", "AAPL", "--qty", "1", "--price", "nan"},
        "price: 'nan' is not a finite number");
    row("position price inf", {"position", "set", "AAPL", "--qty", "1", "--price", "inf"},
        "price:");
    row("position price zero", {"position", "set", "AAPL", "--qty", "1", "--price", "0"},
        "price: must be > 0");
    row("position price negative", {"position", "set", "AAPL", "--qty", "1", "--price", "-3"},
        "price: must be > 0");
    row("position qty text", {"position", "set", "AAPL", "--qty", "ten", "--price", "3"},
        "qty: 'ten' is not a number");
    row("position bad symbol", {"position", "set", "AA$PL", "--qty", "1", "--price", "3"},
        "SYMBOL:");
    row("position avg entry",
        {"position", "set", "AAPL", "--qty", "1", "--price", "3", "--avg-entry", "-1"},
        "avg-entry: must be >= 0");
    row("rm not held", {"position", "rm", "MSFT"}, "SYMBOL: MSFT is not held");
    row("price not held", {"price", "MSFT", "10"}, "SYMBOL: MSFT is not held");
    row("price zero", {"price", "NVDA", "0"}, "PRICE: must be > 0");
    row("price text", {"price", "NVDA", "12abc"}, "PRICE: '12abc' is not a number");
    row("account NaN", {"account", "set", "--equity", "NaN"}, "equity:");
    row("account negative", {"account", "set", "--buying-power", "-1"},
        "buying-power: must be >= 0");
    row("account nothing", {"account", "set"}, "--equity and/or --buying-power");
    row("size price text", {"size", "NVDA", "abc"}, "PRICE: 'abc' is not a number");
    row("size price zero", {"size", "NVDA", "0"}, "price: must be a finite number > 0");
    row("size price negative", {"size", "NVDA", "-150"}, "price: must be a finite number > 0");
    row("size price inf", {"size", "NVDA", "inf"}, "PRICE:");
    row("size sigma negative", {"size", "NVDA", "150", "--sigma", "-0.1"},
        "sigma: must be a finite number >= 0");
    row("size mu NaN", {"size", "NVDA", "150", "--mu", "nan"}, "mu:");
    row("size mode", {"size", "NVDA", "150", "--mode", "yolo"},
        "mode: must be enhanced, legacy or halt");
    row("size symbol", {"size", "N/V$", "150"}, "symbol:");
    row("set NaN", {"set", "max_intraday_leverage", "nan"}, "max_intraday_leverage:");
    row("set negative", {"set", "max_overnight_leverage", "-2"},
        "max_overnight_leverage: must be >= 1 and <= 10");
    row("set zero", {"set", "symbol_cap_pct", "0"}, "symbol_cap_pct: must be > 0");
    row("set unknown", {"set", "max_fun", "1"}, "KEY: unknown setting 'max_fun'");
    row("get unknown", {"get", "max_fun"}, "KEY: unknown setting 'max_fun'");
    row("mode bad", {"mode", "sideways"}, "mode: must be enhanced, legacy or halt");
    row("snapshot value", {"snapshot", "--value", "lots"}, "value: 'lots' is not a number");
    row("snapshot at", {"snapshot", "--at", "yesterday"},
        "at: 'yesterday' is not an ISO-8601 time");
    row("bad --now", {"--now", "soon", "status"}, "--now: 'soon'");
    row("prices missing", {"correlation", "build", "--prices", "/nonexistent/prices"},
        "prices: /nonexistent/prices: not a folder");
    row("prices flag missing", {"correlation", "build"}, "--prices: required");
    row("lookback zero",
        {"correlation", "build", "--prices", KELLY_SOURCE_DIR "/resources/prices", "--lookback",
         "0"},
        "lookback:");
    row("lookback text",
        {"correlation", "build", "--prices", KELLY_SOURCE_DIR "/resources/prices", "--lookback",
         "ten"},
        "lookback: 'ten' is not a whole number");
    row("import missing file", {"import", "/nonexistent/book.csv"},
        "/nonexistent/book.csv: cannot read");
}

void TestKellyctl::badInputChangesNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                  QStringLiteral("--qty"), QStringLiteral("10"), QStringLiteral("--price"),
                  QStringLiteral("150")})
                 .exitCode,
             0);
    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    const KellyctlRun result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(result.out.isEmpty());
    QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
    QVERIFY(!QFile::exists(sizingLog()));
}

void TestKellyctl::specExamplesThroughSizeJson_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("method");
    QTest::addColumn<double>("qty");
    QTest::addColumn<QString>("binding");
    QTest::addColumn<double>("baseFraction"); // -1: null (legacy)
    QTest::newRow("enhanced NVDA")
        << args({"NVDA", "150"}) << "enhanced" << 1600.0 << "symbol cap" << 1.0;
    QTest::newRow("enhanced BTCUSD")
        << args({"BTC/USD", "50000"}) << "enhanced" << 1.2 << "symbol cap" << 1.0;
    QTest::newRow("enhanced NVDA mu sigma")
        << args({"NVDA", "150", "--mu", "0.001", "--sigma", "0.02"}) << "enhanced" << 1600.0
        << "symbol cap" << 1.0;
    QTest::newRow("enhanced NVDA kelly")
        << args({"NVDA", "150", "--mu", "0.0002", "--sigma", "0.02"}) << "enhanced" << 666.0
        << "kelly" << 0.25;
    QTest::newRow("legacy NVDA") << args({"NVDA", "150", "--mode", "legacy"}) << "legacy" << 800.0
                                 << "symbol cap" << -1.0;
    QTest::newRow("legacy BTCUSD") << args({"btc-usd", "50000", "--mode", "legacy"}) << "legacy"
                                   << 1.2 << "symbol cap" << -1.0;
}

void TestKellyctl::specExamplesThroughSizeJson()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, method);
    QFETCH(double, qty);
    QFETCH(QString, binding);
    QFETCH(double, baseFraction);
    const KellyctlRun result =
        run(QStringList{QStringLiteral("size")} + arguments +
            QStringList{QStringLiteral("--json"), QStringLiteral("--dry-run")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject json = jsonObject(result.out);
    for (const char* key :
         {"symbol", "asset_class", "method", "qty", "base_fraction", "target_fraction", "mu",
          "sigma", "binding", "exposure_before_pct", "exposure_after_pct", "leverage_before",
          "leverage_after", "fallback_reason"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QCOMPARE(json.value(QLatin1String("method")).toString(), method);
    QCOMPARE(json.value(QLatin1String("qty")).toDouble(), qty);
    QCOMPARE(json.value(QLatin1String("binding")).toString(), binding);
    QVERIFY(json.value(QLatin1String("fallback_reason")).isNull());
    if (baseFraction < 0)
        QVERIFY(json.value(QLatin1String("base_fraction")).isNull());
    else
        QCOMPARE(json.value(QLatin1String("base_fraction")).toDouble(), baseFraction);
    const bool crypto = json.value(QLatin1String("symbol")).toString() == QLatin1String("BTCUSD");
    QCOMPARE(json.value(QLatin1String("asset_class")).toString(),
             crypto ? QStringLiteral("crypto") : QStringLiteral("stock"));
    QCOMPARE(json.value(QLatin1String("exposure_before_pct")).toDouble(), 0.0);
}

void TestKellyctl::sizeRecordsDecisionAndLog()
{
    const QString store = m_runner->storePath();
    QCOMPARE(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150"),
                  QStringLiteral("--dry-run")})
                 .exitCode,
             0);
    QCOMPARE(
        kelly::testing::rawScalar(store, QStringLiteral("SELECT count(*) FROM sizing_decisions")),
        QStringLiteral("0"));
    QVERIFY(!QFile::exists(sizingLog()));

    const KellyctlRun sized =
        run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")});
    QCOMPARE(sized.exitCode, 0);
    QVERIFY(sized.out.contains(QLatin1String("NVDA: qty 1600 (enhanced, binding: symbol cap)")));
    QCOMPARE(
        kelly::testing::rawScalar(
            store, QStringLiteral("SELECT symbol || ' ' || CAST(qty AS INTEGER) || ' ' || method"
                                  " || ' ' || binding FROM sizing_decisions")),
        QStringLiteral("NVDA 1600 enhanced symbol cap"));
    QFile log(sizingLog());
    QVERIFY(log.open(QIODevice::ReadOnly));
    QCOMPARE(
        QString::fromUtf8(log.readAll()),
        QStringLiteral("2026-11-25T20:30:00Z INFO NVDA: Enhanced Kelly sizing with 4.0x leverage"
                       " - base_fraction=1.000, qty=1600, exposure: 0.0% -> 240.0%\n"));
}

void TestKellyctl::bookCommands()
{
    auto ok = [this](std::initializer_list<const char*> list) {
        const QStringList arguments = args(list);
        const KellyctlRun result = run(arguments);
        if (result.exitCode != 0)
            qWarning("%s -> %d: %s", qPrintable(arguments.join(QLatin1Char(' '))), result.exitCode,
                     qPrintable(result.err));
        return result;
    };
    QCOMPARE(ok({"position", "set", "nvda", "--qty", "100", "--price", "150", "--avg-entry", "140"})
                 .exitCode,
             0);
    QCOMPARE(ok({"position", "set", "BTC/USD", "--qty", "-0.5", "--price", "50000"}).exitCode, 0);
    QCOMPARE(ok({"price", "NVDA", "155.5"}).exitCode, 0);
    QCOMPARE(ok({"position", "set", "NVDA", "--qty", "120", "--price", "156"}).exitCode,
             0); // keeps avg entry
    const QJsonArray positions =
        QJsonDocument::fromJson(ok({"positions", "--json"}).out.toUtf8()).array();
    QCOMPARE(positions.size(), 2);
    QCOMPARE(positions[0].toObject().value(QLatin1String("symbol")).toString(),
             QStringLiteral("BTCUSD"));
    QCOMPARE(positions[0].toObject().value(QLatin1String("qty")).toDouble(), -0.5);
    QCOMPARE(positions[1].toObject().value(QLatin1String("avg_entry")).toDouble(), 140.0);
    QCOMPARE(positions[1].toObject().value(QLatin1String("price")).toDouble(), 156.0);
    QVERIFY(ok({"positions"}).out.contains(QLatin1String("BTCUSD")));

    const QJsonObject account = jsonObject(ok({"account", "show", "--json"}).out);
    QCOMPARE(account.value(QLatin1String("gross")).toDouble(), 120 * 156.0 + 25000.0);
    QCOMPARE(account.value(QLatin1String("position_count")).toInt(), 2);
    // SPEC 1: the mark of NVDA to 155.50 added 100 x 5.50; the position set after it did not.
    QVERIFY(ok({"account", "show"}).out.contains(QLatin1String("equity        100550.00")));
    QCOMPARE(ok({"account", "set", "--equity", "90000"}).exitCode, 0); // buying power kept
    QCOMPARE(jsonObject(ok({"account", "show", "--json"}).out)
                 .value(QLatin1String("buying_power"))
                 .toDouble(),
             400000.0);

    QCOMPARE(ok({"position", "rm", "btc/usd"}).exitCode, 0);
    QCOMPARE(ok({"position", "set", "NVDA", "--qty", "0", "--price", "1"}).exitCode,
             0); // 0 removes
    QCOMPARE(QJsonDocument::fromJson(ok({"positions", "--json"}).out.toUtf8()).array().size(), 0);

    QCOMPARE(ok({"snapshot"}).exitCode, 0); // default: equity now
    QCOMPARE(ok({"snapshot", "--value", "95000", "--at", "2026-11-24T21:00:00-05:00"}).exitCode, 0);
    QCOMPARE(
        kelly::testing::rawScalar(
            m_runner->storePath(),
            QStringLiteral("SELECT %1 FROM (SELECT * FROM snapshots ORDER BY observed_at) AS s")
                .arg(kelly::testing::joinedSql(
                    QStringLiteral("observed_at || '=' || CAST(portfolio_value_usd AS INTEGER)"),
                    QStringLiteral(" ")))),
        QStringLiteral("2026-11-25T02:00:00Z=95000 2026-11-25T20:30:00Z=90000"));
}

void TestKellyctl::settingsModeAndAudit()
{
    QCOMPARE(run({QStringLiteral("mode")}).out, QStringLiteral("enhanced\n"));
    QCOMPARE(run({QStringLiteral("mode"), QStringLiteral("legacy")}).exitCode, 0);
    QCOMPARE(run({QStringLiteral("mode")}).out, QStringLiteral("legacy\n"));
    // The very next size call uses the new mode.
    QCOMPARE(jsonObject(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150"),
                             QStringLiteral("--json")})
                            .out)
                 .value(QLatin1String("method"))
                 .toString(),
             QStringLiteral("legacy"));
    // SPEC 7: a cash account lowers the overnight limit first (it may not exceed intraday).
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("max_overnight_leverage"), QStringLiteral("1")})
            .exitCode,
        0);
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("max_intraday_leverage"), QStringLiteral("1.0")})
            .exitCode,
        0);
    QCOMPARE(run({QStringLiteral("get"), QStringLiteral("max_intraday_leverage")}).out,
             QStringLiteral("1\n"));
    QCOMPARE(run({QStringLiteral("get"), QStringLiteral("leverage_cost_annual")}).out,
             QStringLiteral("0.065\n"));

    const QJsonArray audit =
        QJsonDocument::fromJson(
            run({QStringLiteral("audit"), QStringLiteral("--json")}).out.toUtf8())
            .array();
    QCOMPARE(audit.size(), 3); // mode, then the cash account's two limits
    const QJsonObject newest = audit[0].toObject();
    QCOMPARE(newest.value(QLatin1String("key")).toString(),
             QStringLiteral("max_intraday_leverage"));
    QVERIFY(newest.value(QLatin1String("old")).isNull());
    QCOMPARE(newest.value(QLatin1String("new")).toString(), QStringLiteral("1"));
    QCOMPARE(newest.value(QLatin1String("origin")).toString(), QStringLiteral("cli"));
    QCOMPARE(newest.value(QLatin1String("time")).toString(), kNow);
    QVERIFY(run({QStringLiteral("audit")}).out.contains(QLatin1String("mode: (unset) -> legacy")));
}

// Issue 7: what a bot or a file puts in reaches the terminal with its control characters
// written out: an error quoting bad input, and audit text written straight into the schema.
void TestKellyctl::outsideTextIsPrintedEscaped()
{
    const KellyctlRun refused =
        run({QStringLiteral("set"), QStringLiteral("symbol_cap_pct"), QStringLiteral("\x1b[2J50")});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(!refused.err.contains(QChar(0x1B)), qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QLatin1String("\\x1B[2J50")), qPrintable(refused.err));

    QString error;
    QVERIFY2(
        kelly::testing::execRawSql(storePath(),
                                   QStringLiteral("INSERT INTO settings_audit (changed_at, key,"
                                                  " old_value, new_value, origin, detail) VALUES"
                                                  " ('2026-11-25T20:00:00Z', 'mode', NULL,"
                                                  " 'legacy', 'bot' || %1(27) || '[31m',"
                                                  " 'why' || %1(8238) || 'txt')")
                                       .arg(kelly::testing::onPostgres() ? QStringLiteral("chr")
                                                                         : QStringLiteral("char")),
                                   &error),
        qPrintable(error));
    const KellyctlRun audit = run({QStringLiteral("audit")});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY2(!audit.out.contains(QChar(0x1B)) && !audit.out.contains(QChar(0x202E)),
             qPrintable(audit.out));
    QVERIFY2(audit.out.contains(QLatin1String("bot\\x1B[31m")), qPrintable(audit.out));
    QVERIFY2(audit.out.contains(QLatin1String("why\\u{202E}txt")), qPrintable(audit.out));
}

void TestKellyctl::environmentLock()
{
    const QProcessEnvironment legacy = envWith({{"USE_ENHANCED_KELLY_SIZING", "false"}});
    const QJsonObject sized = jsonObject(run({QStringLiteral("size"), QStringLiteral("NVDA"),
                                              QStringLiteral("150"), QStringLiteral("--json")},
                                             legacy)
                                             .out);
    QCOMPARE(sized.value(QLatin1String("method")).toString(), QStringLiteral("legacy"));
    QVERIFY(sized.value(QLatin1String("mode_locked_by_env")).toBool());
    const QJsonObject status =
        jsonObject(run({QStringLiteral("status"), QStringLiteral("--json")}, legacy).out);
    QCOMPARE(status.value(QLatin1String("mode")).toString(), QStringLiteral("legacy"));
    QVERIFY(status.value(QLatin1String("mode_locked_by_env")).toBool());
    const KellyctlRun mode = run({QStringLiteral("mode")}, legacy);
    QCOMPARE(mode.out, QStringLiteral("legacy\n"));
    QVERIFY(mode.err.contains(QLatin1String("USE_ENHANCED_KELLY_SIZING")));

    const QProcessEnvironment limits =
        envWith({{"MAX_INTRADAY_LEVERAGE", "1"}, {"MAX_OVERNIGHT_LEVERAGE", "1"}});
    const QJsonObject cash =
        jsonObject(run({QStringLiteral("status"), QStringLiteral("--json")}, limits).out);
    QCOMPARE(cash.value(QLatin1String("intraday_limit")).toDouble(), 1.0);
    QCOMPARE(cash.value(QLatin1String("overnight_limit")).toDouble(), 1.0);
    QVERIFY(cash.value(QLatin1String("limits_locked_by_env")).toBool());
    QCOMPARE(jsonObject(run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150"),
                             QStringLiteral("--json")},
                            limits)
                            .out)
                 .value(QLatin1String("qty"))
                 .toDouble(),
             400.0);

    const QString before = kelly::testing::dumpStore(m_runner->storePath());
    const KellyctlRun broken =
        run({QStringLiteral("size"), QStringLiteral("NVDA"), QStringLiteral("150")},
            envWith({{"MAX_INTRADAY_LEVERAGE", "lots"}}));
    QCOMPARE(broken.exitCode, 2);
    QVERIFY2(broken.err.contains(QLatin1String("MAX_INTRADAY_LEVERAGE")), qPrintable(broken.err));
    QCOMPARE(kelly::testing::dumpStore(m_runner->storePath()), before);
}

void TestKellyctl::statusJson()
{
    // E = 100,000; NVDA 1,000 x 150 + AAPL -500 x 200 = gross 250,000: leverage 2.5.
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                  QStringLiteral("--qty"), QStringLiteral("1000"), QStringLiteral("--price"),
                  QStringLiteral("150")})
                 .exitCode,
             0);
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("AAPL"),
                  QStringLiteral("--qty"), QStringLiteral("-500"), QStringLiteral("--price"),
                  QStringLiteral("200")})
                 .exitCode,
             0);
    const KellyctlRun result = run({QStringLiteral("status"), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject status = jsonObject(result.out);
    for (const char* key :
         {"equity", "buying_power", "gross", "leverage", "intraday_limit", "overnight_limit",
          "reduce_by", "financing_per_night", "mode", "mode_locked_by_env", "var_95",
          "effective_bets", "positions", "financing_tonight", "time_to_close_seconds"})
        QVERIFY2(status.contains(QLatin1String(key)), key);
    QCOMPARE(status.value(QLatin1String("gross")).toDouble(), 250000.0);
    QCOMPARE(status.value(QLatin1String("leverage")).toDouble(), 2.5);
    QCOMPARE(status.value(QLatin1String("intraday_limit")).toDouble(), 4.0);
    QCOMPARE(status.value(QLatin1String("reduce_by")).toDouble(), 50000.0);
    // borrowed 150,000 x 0.065 / 360 = 27.0833...
    QVERIFY(qAbs(status.value(QLatin1String("financing_per_night")).toDouble() -
                 150000 * 0.065 / 360) < 1e-9);
    QCOMPARE(status.value(QLatin1String("financing_tonight")).toDouble(),
             status.value(QLatin1String("financing_per_night")).toDouble()); // a Wednesday
    QCOMPARE(status.value(QLatin1String("time_to_close_seconds")).toInt(), 1800);
    QVERIFY(status.value(QLatin1String("close_warning")).toBool());
    QVERIFY(status.value(QLatin1String("var_95")).isNull()); // no correlation build yet
    // Weights 0.6 and 0.4: 1 / (0.36 + 0.16).
    QVERIFY(qAbs(status.value(QLatin1String("effective_bets")).toDouble() - 1 / 0.52) < 1e-12);
    QCOMPARE(status.value(QLatin1String("mode")).toString(), QStringLiteral("enhanced"));
    const QJsonArray positions = status.value(QLatin1String("positions")).toArray();
    QCOMPARE(positions.size(), 2);
    const QJsonObject aapl = positions[0].toObject();
    for (const char* key :
         {"symbol", "qty", "price", "market_value", "exposure_pct", "cap_used_pct"})
        QVERIFY2(aapl.contains(QLatin1String(key)), key);
    QCOMPARE(aapl.value(QLatin1String("market_value")).toDouble(), -100000.0);
    QCOMPARE(aapl.value(QLatin1String("exposure_pct")).toDouble(), 100.0);
    // SPEC 9: the cap is 60% x E = 60,000 before leverage: 100,000 is 166.7% of it.
    QVERIFY(qAbs(aapl.value(QLatin1String("cap_used_pct")).toDouble() - 100000.0 / 60000 * 100) <
            1e-9);
    QVERIFY(run({QStringLiteral("status")})
                .out.contains(QLatin1String("reduce by close      50000.00")));
}

void TestKellyctl::statusOnFridayAndCashAccount()
{
    QCOMPARE(run({QStringLiteral("position"), QStringLiteral("set"), QStringLiteral("NVDA"),
                  QStringLiteral("--qty"), QStringLiteral("1000"), QStringLiteral("--price"),
                  QStringLiteral("150")})
                 .exitCode,
             0);
    QCOMPARE(
        run({QStringLiteral("set"), QStringLiteral("max_overnight_leverage"), QStringLiteral("1")})
            .exitCode,
        0);
    // Friday 2026-11-27 10:00 New York: the close is 6 h away and the night costs three days.
    const KellyctlRun result =
        m_runner->run({QStringLiteral("--now"), QStringLiteral("2026-11-27T15:00:00Z"),
                       QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonObject status = jsonObject(result.out);
    QCOMPARE(status.value(QLatin1String("time_to_close_seconds")).toInt(), 6 * 3600);
    QCOMPARE(status.value(QLatin1String("overnight_limit")).toDouble(), 1.0);
    QCOMPARE(status.value(QLatin1String("reduce_by")).toDouble(), 50000.0);
    QVERIFY(qAbs(status.value(QLatin1String("financing_tonight")).toDouble() -
                 3 * 50000 * 0.065 / 360) < 1e-9);
    QVERIFY(!status.value(QLatin1String("close_warning")).toBool());
}

QTEST_GUILESS_MAIN(TestKellyctl)
#include "tst_kellyctl.moc"
