// SPEC 17 against tests/close/close_reference.py, written from the SPEC: proportional and
// fewest-orders line for line (exact), and min-risk's variance before rounding within 0.5%
// of the optimum the reference finds by enumerating the feasible polytope's faces.
#include "close/ClosePlan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <cmath>

using namespace kelly;

namespace {

QString pythonWithNumpy()
{
    for (const QString& candidate :
         {QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")}) {
        QProcess probe;
        probe.start(candidate, {QStringLiteral("-c"), QStringLiteral("import numpy")});
        if (probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit &&
            probe.exitCode() == 0)
            return candidate;
    }
    return {};
}

QString describe(const ClosePlan& plan)
{
    QStringList parts;
    for (const ClosePlanLine& line : plan.lines)
        parts << QStringLiteral("%1:%2")
                     .arg(QString::fromStdString(line.symbol))
                     .arg(line.sellQty, 0, 'g', 12);
    parts.sort();
    return parts.join(QLatin1Char(' '));
}

QString describe(const QJsonObject& sales)
{
    QStringList parts;
    for (auto it = sales.begin(); it != sales.end(); ++it)
        parts << QStringLiteral("%1:%2").arg(it.key()).arg(it.value().toDouble(), 0, 'g', 12);
    parts.sort();
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestCloseOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data();
    void matchesReference();
};

void TestCloseOracle::matchesReference_data()
{
    const QString python = pythonWithNumpy();
    if (python.isEmpty())
        QSKIP("python3 with numpy is not installed (Debian: apt install python3-numpy)");
    QProcess reference;
    reference.start(python, {QStringLiteral(KELLY_SOURCE_DIR "/tests/close/close_reference.py"),
                             QStringLiteral("20261201"), QStringLiteral("160")});
    QVERIFY(reference.waitForFinished(300000));
    QVERIFY2(reference.exitCode() == 0, reference.readAllStandardError().constData());
    const QJsonArray cases = QJsonDocument::fromJson(reference.readAllStandardOutput()).array();
    QVERIFY(cases.size() == 160);
    QTest::addColumn<QJsonObject>("testCase");
    int row = 0;
    for (const QJsonValue& value : cases)
        QTest::newRow(qPrintable(QStringLiteral("case %1").arg(row++))) << value.toObject();
}

void TestCloseOracle::matchesReference()
{
    QFETCH(QJsonObject, testCase);
    ClosePlanInput input;
    input.now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{20};
    input.account.equityUsd = testCase[QStringLiteral("equity")].toDouble();
    input.limits.overnightLeverage = testCase[QStringLiteral("l_on")].toDouble();
    input.policy.callFallK = testCase[QStringLiteral("k")].toDouble();
    input.cryptoList = CryptoList({"BTCUSD", "ETHUSD", "SOLUSD"});
    for (const QJsonValue& p : testCase[QStringLiteral("positions")].toArray()) {
        const QJsonObject o = p.toObject();
        const double price = o[QStringLiteral("price")].toDouble();
        input.account.positions.push_back({o[QStringLiteral("symbol")].toString().toStdString(),
                                           o[QStringLiteral("qty")].toDouble(), price, price});
    }
    CorrelationBuild build;
    for (const QJsonValue& s : testCase[QStringLiteral("build_symbols")].toArray())
        build.symbols.push_back(s.toString().toStdString());
    for (const QJsonValue& r : testCase[QStringLiteral("build_cov")].toArray())
        for (const QJsonValue& v : r.toArray())
            build.covarianceDaily.push_back(v.toDouble());
    input.build = &build;

    const bool needed = testCase[QStringLiteral("needed")].toBool();
    for (CloseMethod method : {CloseMethod::Proportional, CloseMethod::FewestOrders}) {
        const auto plan = planClose(input, method);
        QVERIFY(plan.ok());
        QCOMPARE(plan->needed, needed);
        if (!needed)
            continue;
        const QString key = method == CloseMethod::Proportional ? QStringLiteral("proportional")
                                                                : QStringLiteral("fewest_orders");
        QCOMPARE(describe(*plan), describe(testCase[key].toObject()));
        const QJsonObject after = testCase[key + QStringLiteral("_after")].toObject();
        QVERIFY(std::abs(plan->after.grossUsd - after[QStringLiteral("gross")].toDouble()) < 1e-6);
        QVERIFY(std::abs(plan->after.maintenanceUsd -
                         after[QStringLiteral("maintenance")].toDouble()) < 1e-6);
    }
    if (!testCase.contains(QStringLiteral("min_risk_optimum")))
        return;
    const double optimum = testCase[QStringLiteral("min_risk_optimum")].toDouble();
    const auto plan = planClose(input, CloseMethod::MinRisk);
    QVERIFY(plan.ok() && plan->varianceBeforeRoundingUsd2.has_value());
    QVERIFY(std::abs(*plan->proportionalVarianceUsd2 -
                     testCase[QStringLiteral("proportional_variance")].toDouble()) <=
            1e-9 * std::max(1.0, *plan->proportionalVarianceUsd2));
    const double variance = *plan->varianceBeforeRoundingUsd2;
    // Within 0.5% above the optimum (SPEC 17); below it only by the reference's own precision
    // (1e-9 enumerated, 1e-5 interior point), else the C++ has left the feasible set.
    QVERIFY2(variance <= optimum * 1.005 + 1e-9 && variance >= optimum * (1 - 1e-5) - 1e-9,
             qPrintable(QStringLiteral("variance %1, optimum %2")
                            .arg(variance, 0, 'g', 12)
                            .arg(optimum, 0, 'g', 12)));
}

QTEST_APPLESS_MAIN(TestCloseOracle)
#include "tst_close_oracle.moc"
