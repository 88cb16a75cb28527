#pragma once

// One temporary store, session and window per GUI test, standing at a chosen time: the
// fixture the dashboard suites share (tst_ui_window, tst_ui_whatif, tst_ui_trader).

#include "Clock.h"
#include "DeskSession.h"
#include "MainWindow.h"

#include "StoreTestSupport.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace kelly::ui::testing {

inline Position position(const char* symbol, double qty, double price)
{
    Position p;
    p.symbol = symbol;
    p.qty = qty;
    p.lastPriceUsd = price;
    p.avgEntryUsd = price;
    return p;
}

struct DeskFixture
{
    explicit DeskFixture(UtcTime now, store::Environment environment = {}) : clock(now)
    {
        QVERIFY(folder.isValid());
        QString error;
        // A file, or a fresh database on the suite's PostgreSQL run (SPEC 13).
        path = kelly::testing::newStoreName(folder.path(), QStringLiteral("desk.sqlite"), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        QVERIFY2(store.open(path, &error), qPrintable(error));
        session = std::make_unique<DeskSession>(store, clock, std::move(environment));
    }

    void seedAccount(double equity, double buyingPower, const std::vector<Position>& positions)
    {
        QString error;
        QVERIFY2(store.setAccount(equity, buyingPower, clock.now(), &error), qPrintable(error));
        QVERIFY2(store.setPositions(positions, true, clock.now(), &error), qPrintable(error));
    }

    void openWindow()
    {
        QString error;
        QVERIFY2(session->reload(&error), qPrintable(error));
        window = std::make_unique<MainWindow>(*session);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        session->start();
    }

    QString storedMode()
    {
        QString value, error;
        store.readSetting(store::SettingKey::Mode, &value, &error);
        return value;
    }

    std::vector<store::AuditEntry> auditRows()
    {
        std::vector<store::AuditEntry> rows;
        QString error;
        store.loadAudit(&rows, 0, &error);
        return rows;
    }

    QLabel* label(const char* name) const
    {
        return window->findChild<QLabel*>(QString::fromLatin1(name));
    }

    // Runs SQL on a connection of its own, as another process would.
    void execSql(const QString& sql)
    {
        QString error;
        QVERIFY2(kelly::testing::execRawSql(path, sql, &error), qPrintable(error));
    }

    QTemporaryDir folder;
    QString path;
    ManualClock clock;
    store::Store store;
    std::unique_ptr<DeskSession> session;
    std::unique_ptr<MainWindow> window;
};

} // namespace kelly::ui::testing
