#pragma once

// Runs the real kellyctl binary (KELLYCTL_PATH, set by CMake) against one store, with a
// clean environment: no KELLYDESK_* or SPEC 7 variables unless a test sets them.

#include "Literals.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct KellyctlRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

class KellyctlRunner
{
public:
    explicit KellyctlRunner(QString storePath) : m_storePath(std::move(storePath)) {}

    QString storePath() const { return m_storePath; }

    KellyctlRun run(const QStringList& arguments, const QProcessEnvironment& extra = {}) const
    {
        QProcess process;
        process.setProcessEnvironment(environment(extra));
        process.start(QStringLiteral(KELLYCTL_PATH),
                      QStringList{QStringLiteral("--db"), m_storePath} + arguments);
        KellyctlRun result;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            result.err = QStringLiteral("timed out");
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    static QProcessEnvironment environment(const QProcessEnvironment& extra)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // A developer's own broker keys never reach a test (issue 16: no test contacts the
        // real service).
        for (const char* name :
             {"KELLYDESK_DB", "KELLYDESK_NOW", "USE_ENHANCED_KELLY_SIZING", "MAX_INTRADAY_LEVERAGE",
              "MAX_OVERNIGHT_LEVERAGE", "APCA_API_KEY_ID", "APCA_API_SECRET_KEY",
              "APCA_API_BASE_URL", "KELLYDESK_TEST_HTTP_TIMEOUT_MS"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
        env.insert(extra);
        return env;
    }

private:
    QString m_storePath;
};

inline QProcessEnvironment envWith(std::initializer_list<std::pair<const char*, const char*>> vars)
{
    QProcessEnvironment env;
    for (const auto& [name, value] : vars)
        env.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    return env;
}

// Issue 16: the broker sync's 10 s timeout shortened for one run, so the slow-reply case does
// not cost 10 s of CI. Test-only: kellyctl reads it, nothing documents it as a setting.
inline QProcessEnvironment brokerTimeoutForTests(int milliseconds)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("KELLYDESK_TEST_HTTP_TIMEOUT_MS"), QString::number(milliseconds));
    return env;
}
