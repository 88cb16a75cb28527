#pragma once

// A fresh store per test (E = 100,000, BP = 400,000 as in SPEC 8) and helpers to run the
// real kellyctl against it at a fixed time.

#include "KellyctlRunner.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

inline const QString kNow = QStringLiteral("2026-11-25T20:30:00Z"); // Wednesday 15:30 New York

inline QJsonObject jsonObject(const QString& text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

class KellyctlFixture : public QObject
{
protected:
    bool setUpStore()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return false;
        m_runner =
            std::make_unique<KellyctlRunner>(m_dir->filePath(QStringLiteral("store.sqlite")));
        return run(args({"init"})).exitCode == 0 &&
               run(args({"account", "set", "--equity", "100000", "--buying-power", "400000"}))
                       .exitCode == 0;
    }

    KellyctlRun run(const QStringList& arguments, const QProcessEnvironment& extra = {}) const
    {
        return m_runner->run(QStringList{QStringLiteral("--now"), kNow} + arguments, extra);
    }

    // What run() passes kellyctl, for a process a test starts and drives itself (issue 16:
    // `serve`, `sync alpaca` without --once).
    QStringList processArguments(const QStringList& arguments) const
    {
        return QStringList{QStringLiteral("--db"), storePath(), QStringLiteral("--now"), kNow} +
               arguments;
    }

    QString writeFile(const QString& name, const QByteArray& contents) const
    {
        const QString path = m_dir->filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(contents);
        return path;
    }

    QString storePath() const { return m_dir->filePath(QStringLiteral("store.sqlite")); }
    // Named after the store (issue 12 item 13).
    QString sizingLog() const { return m_dir->filePath(QStringLiteral("store.sizing.log")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<KellyctlRunner> m_runner;
};
