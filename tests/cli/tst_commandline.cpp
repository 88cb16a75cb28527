// The kellyctl parser in-process: the command table, global options, option forms,
// negative numbers and every parse error (exit code 2 before any store is touched).

#include "CommandLine.h"
#include "Literals.h"

#include <QTest>

using namespace kelly::ctl;

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void helpNamesEveryOption();
};

void TestCommandLine::parses_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("positionals");
    QTest::addColumn<QString>("options"); // "name=value;..." sorted
    QTest::addColumn<QString>("db");

    QTest::newRow("init") << args({"init"}) << "init" << QStringList{} << ""
                          << "";
    QTest::newRow("db before") << args({"--db", "/x.sqlite", "positions", "--json"}) << "positions"
                               << QStringList{} << "json="
                               << "/x.sqlite";
    QTest::newRow("db after, = form")
        << args({"status", "--db=/y", "--json"}) << "status" << QStringList{} << "json="
        << "/y";
    QTest::newRow("two words") << args({"account", "set", "--equity", "5", "--buying-power=6"})
                               << "account set" << QStringList{} << "buying-power=6;equity=5"
                               << "";
    QTest::newRow("negative qty") << args({"position", "set", "nvda", "--qty", "-5", "--price",
                                           "1.5"})
                                  << "position set" << args({"nvda"}) << "price=1.5;qty=-5"
                                  << "";
    QTest::newRow("negative positional")
        << args({"size", "NVDA", "-150"}) << "size" << args({"NVDA", "-150"}) << ""
        << "";
    QTest::newRow("after --") << args({"set", "--", "crypto_list", "--odd"}) << "set"
                              << args({"crypto_list", "--odd"}) << ""
                              << "";
    QTest::newRow("size flags") << args({"size", "BTC/USD", "50000", "--dry-run", "--json",
                                         "--mode", "legacy", "--mu", "-0.001"})
                                << "size" << args({"BTC/USD", "50000"})
                                << "dry-run=;json=;mode=legacy;mu=-0.001"
                                << "";
    QTest::newRow("mode print") << args({"mode"}) << "mode" << QStringList{} << ""
                                << "";
    QTest::newRow("mode set") << args({"mode", "legacy"}) << "mode" << args({"legacy"}) << ""
                              << "";
}

void TestCommandLine::parses()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, command);
    QFETCH(QStringList, positionals);
    QFETCH(QString, options);
    QFETCH(QString, db);
    const ParseResult result = parseCommandLine(arguments);
    QVERIFY2(result.invocation, qPrintable(result.error));
    QCOMPARE(result.invocation->command->name, command);
    QCOMPARE(result.invocation->positionals, positionals);
    QStringList pairs;
    for (auto it = result.invocation->options.cbegin(); it != result.invocation->options.cend();
         ++it)
        pairs << it.key() + QLatin1Char('=') + it.value();
    pairs.sort();
    QCOMPARE(pairs.join(QLatin1Char(';')), options);
    QCOMPARE(result.invocation->dbPath.value_or(QString()), db);
}

void TestCommandLine::refuses_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QStringList{} << "no command";
    QTest::newRow("unknown command") << args({"sell", "NVDA"}) << "unknown command 'sell'";
    QTest::newRow("unknown option") << args({"positions", "--csv"}) << "unknown option '--csv'";
    QTest::newRow("short option") << args({"positions", "-j"}) << "unknown option '-j'";
    QTest::newRow("missing value")
        << args({"size", "NVDA", "150", "--mu"}) << "--mu: needs a value";
    QTest::newRow("missing positional") << args({"size", "NVDA"}) << "PRICE: missing";
    QTest::newRow("extra positional")
        << args({"price", "NVDA", "1", "2"}) << "unexpected argument '2'";
    QTest::newRow("missing required")
        << args({"position", "set", "NVDA", "--qty", "1"}) << "--price: required";
    QTest::newRow("twice") << args({"size", "A", "1", "--mu", "1", "--mu", "2"}) << "given twice";
    QTest::newRow("flag with value") << args({"size", "A", "1", "--json=yes"}) << "takes no value";
    QTest::newRow("no subcommand") << args({"account"}) << "expected a subcommand: set, show";
    QTest::newRow("bad subcommand")
        << args({"account", "drop"}) << "unknown command 'account drop'";
    QTest::newRow("db without value") << args({"init", "--db"}) << "--db: needs a value";
    QTest::newRow("empty db") << args({"--db=", "init"}) << "--db: the path is empty";
}

void TestCommandLine::refuses()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const ParseResult result = parseCommandLine(arguments);
    QVERIFY(!result.invocation);
    QVERIFY2(result.error.contains(message), qPrintable(result.error));
}

void TestCommandLine::helpNamesEveryOption()
{
    const ParseResult group = parseCommandLine(args({"account", "--help"}));
    QVERIFY(group.invocation && group.invocation->help && !group.invocation->command);
    QVERIFY(generalHelp().contains(QLatin1String("Exit codes")));
    for (const CommandSpec& command : commandTable()) {
        QVERIFY2(generalHelp().contains(command.name), qPrintable(command.name));
        const ParseResult result = parseCommandLine(command.name.split(QLatin1Char(' ')) +
                                                    QStringList{QStringLiteral("--help")});
        QVERIFY2(result.invocation && result.invocation->help, qPrintable(command.name));
        const QString help = commandHelp(command);
        QVERIFY(help.startsWith(QStringLiteral("Usage: kellyctl [--db PATH] ") + command.name));
        for (const OptionSpec& option : command.options)
            QVERIFY2(help.contains(QStringLiteral("--") + option.name), qPrintable(option.name));
    }
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
