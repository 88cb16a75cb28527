// The kellyctl argument parser (SPEC 9) on arbitrary argument vectors: input is split on NUL
// bytes into arguments. Never crashes; a refusal always says why; an accepted command has
// every required positional.
#include "CommandLine.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QStringList arguments;
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    for (const QByteArray& part : bytes.split('\0'))
        arguments.append(QString::fromUtf8(part));
    const auto parsed = kelly::ctl::parseCommandLine(arguments);
    if (!parsed.invocation) {
        if (parsed.error.isEmpty())
            std::abort();
        return 0;
    }
    const auto& invocation = *parsed.invocation;
    if (!invocation.command) {
        if (!invocation.help)
            std::abort();
        return 0;
    }
    if (!invocation.help && invocation.positionals.size() < invocation.command->positionals.size())
        std::abort();
    (void)kelly::ctl::commandHelp(*invocation.command);
    return 0;
}
