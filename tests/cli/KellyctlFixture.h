#pragma once

// A fresh store per test (E = 100,000, BP = 400,000 as in SPEC 8) and helpers to run the
// real kellyctl against it at a fixed time.

#include "KellyctlRunner.h"
#include "Store.h"
#include "StoreTestSupport.h"

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
        QString error;
        m_storeName =
            kelly::testing::newStoreName(m_dir->path(), QStringLiteral("store.sqlite"), &error);
        if (m_storeName.isEmpty()) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        m_runner = std::make_unique<KellyctlRunner>(m_storeName);
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

    // The store's name: a file, or a PostgreSQL URL on the suite's PostgreSQL run.
    QString storePath() const { return m_storeName; }
    // Named after the store (issue 12 item 13); a PostgreSQL store's is in the app-data
    // folder, which CTest points into the build tree.
    QString sizingLog() const
    {
        if (!kelly::testing::onPostgres())
            return m_dir->filePath(QStringLiteral("store.sizing.log"));
        kelly::store::Store store;
        QString error;
        store.open(m_storeName, &error, true);
        return store.sizingLogPath();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storeName;
    std::unique_ptr<KellyctlRunner> m_runner;
};
