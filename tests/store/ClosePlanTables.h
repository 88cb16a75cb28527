#pragma once

// Issue 22 (SPEC 17): the close tables, checked by the migration suite (a v3 file upgraded)
// and by tst_store on both backends.

#include "Store.h"
#include "StoreTestSupport.h"

#include <QTest>

namespace kelly::testing {

// A plan and its orders round-trip; the same client_order_id recorded again updates its row
// (one row per order) and every outcome is audited; the schema refuses an order of no
// quantity or an unknown status.
inline void checkClosePlanTables(store::Store& store)
{
    using namespace kelly::store;
    QString error;
    const auto at = utc(2026, 12, 1, 20, 30);
    const ClosePlanRecord plan{QStringLiteral("2026-12-01-0a1b2c3d"),
                               at,
                               QStringLiteral("proportional"),
                               100000.0,
                               160'200.0,
                               QStringLiteral("{\"plan_id\":\"x\"}"),
                               {}};
    QVERIFY2(store.recordClosePlan(plan, &error), qPrintable(error));
    QVERIFY2(store.recordClosePlan(plan, &error), qPrintable(error)); // once per plan id
    CloseOrderRecord order{plan.planId,
                           QStringLiteral("NVDA"),
                           QStringLiteral("sell"),
                           712,
                           1600,
                           888,
                           QStringLiteral("cls"),
                           QStringLiteral("kd-close-2026-12-01-0a1b2c3d-NVDA"),
                           QStringLiteral("failed"),
                           {},
                           QStringLiteral("timeout"),
                           at};
    QVERIFY2(store.recordCloseOrder(order, &error), qPrintable(error));
    order.status = QStringLiteral("accepted");
    order.brokerOrderId = QStringLiteral("b-1");
    order.message.clear();
    QVERIFY2(store.recordCloseOrder(order, &error), qPrintable(error));
    std::vector<ClosePlanRecord> plans;
    QVERIFY2(store.loadClosePlans(&plans, &error), qPrintable(error));
    QCOMPARE(plans.size(), size_t(1));
    QCOMPARE(plans[0].planJson, plan.planJson);
    QCOMPARE(plans[0].soldUsd, 160'200.0);
    QCOMPARE(plans[0].orders.size(), size_t(1));
    QCOMPARE(plans[0].orders[0].status, QStringLiteral("accepted"));
    QCOMPARE(plans[0].orders[0].brokerOrderId, QStringLiteral("b-1"));
    QCOMPARE(plans[0].orders[0].qtyAfter, 888.0);
    std::vector<CloseOrderRecord> today;
    QVERIFY2(store.loadCloseOrdersSince(utc(2026, 12, 1, 5), &today, &error), qPrintable(error));
    QCOMPARE(today.size(), size_t(1));
    QVERIFY(store.loadCloseOrdersSince(utc(2026, 12, 2, 5), &today, &error));
    QVERIFY(today.empty());
    std::vector<AuditEntry> audit;
    QVERIFY2(store.loadAudit(&audit, 0, &error), qPrintable(error));
    int orderRows = 0;
    for (const AuditEntry& entry : audit)
        orderRows += entry.key == QLatin1String("close_order:NVDA") ? 1 : 0;
    QCOMPARE(orderRows, 2);
    order.clientOrderId = QStringLiteral("kd-close-2026-12-01-0a1b2c3d-AAPL");
    order.qty = 0;
    QVERIFY(!store.recordCloseOrder(order, &error));
    order.qty = 1;
    order.status = QStringLiteral("maybe");
    QVERIFY(!store.recordCloseOrder(order, &error));
}

} // namespace kelly::testing
