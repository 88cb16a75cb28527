#pragma once

#include <QProcess>
#include <QString>

namespace kelly::test {

// The local stand-in for Alpaca's API (alpaca_standin.py beside this file), one per suite:
// it prints the port it listens on and serves until the suite ends. A suite using it is
// set up with kelly_use_alpaca_standin (tests/CMakeLists.txt).
class AlpacaStandIn
{
public:
    AlpacaStandIn() = default;
    AlpacaStandIn(const AlpacaStandIn&) = delete;
    AlpacaStandIn& operator=(const AlpacaStandIn&) = delete;
    ~AlpacaStandIn() { stop(); }

    // Empty when it runs; otherwise why not.
    QString start()
    {
        m_process.start(QStringLiteral(PYTHON3_PATH), {QStringLiteral(ALPACA_STANDIN_PATH)});
        if (!m_process.waitForStarted())
            return QStringLiteral("the stand-in did not start: ") + m_process.errorString();
        if (!m_process.waitForReadyRead(10000))
            return QStringLiteral("the stand-in printed no port within 10 s");
        const QString port = QString::fromUtf8(m_process.readLine()).trimmed();
        if (port.toInt() <= 0)
            return QStringLiteral("the stand-in printed no port but: ") + port;
        m_baseUrl = QStringLiteral("http://127.0.0.1:") + port;
        return {};
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished();
    }

    // http://127.0.0.1:<port>, once started.
    const QString& baseUrl() const { return m_baseUrl; }

private:
    QProcess m_process;
    QString m_baseUrl;
};

} // namespace kelly::test
