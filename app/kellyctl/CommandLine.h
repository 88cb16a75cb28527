#pragma once

// The kellyctl grammar (SPEC 9) as data, and a parser that needs no process: the command
// table drives parsing, validation and every --help text, so a fuzzer can drive
// parseCommandLine directly.

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace kelly::ctl {

// Exit codes of SPEC 9.
enum ExitCode
{
    ExitOk = 0,
    ExitFailure = 1,
    ExitBadInput = 2
};

struct OptionSpec
{
    QString name;      // without the leading dashes
    QString valueName; // empty for a flag
    QString help;
    bool repeatable = false; // every value is kept in Invocation::repeated
};

struct CommandSpec
{
    QString name;                    // "size", "account set", "correlation build", ...
    QStringList positionals;         // required, in order
    QStringList optionalPositionals; // after the required ones
    std::vector<OptionSpec> options;
    QStringList requiredOptions;
    QString summary;
    QString details; // extra lines for --help
};

const std::vector<CommandSpec>& commandTable();

struct Invocation
{
    const CommandSpec* command = nullptr; // null with `help` set: the general help
    bool help = false;
    std::optional<QString> dbPath;  // --db
    std::optional<QString> nowText; // --now (hidden, for tests)
    QStringList positionals;
    QHash<QString, QString> options;      // name -> value; flags map to an empty value
    QHash<QString, QStringList> repeated; // name -> every value given, in order

    bool has(const QString& option) const { return options.contains(option); }
    QString value(const QString& option) const { return options.value(option); }
};

struct ParseResult
{
    std::optional<Invocation> invocation;
    QString error; // when invocation is empty: what was wrong (exit code 2)
};

// `arguments` excludes the program name.
ParseResult parseCommandLine(const QStringList& arguments);

QString generalHelp();
QString commandHelp(const CommandSpec& command);

} // namespace kelly::ctl
