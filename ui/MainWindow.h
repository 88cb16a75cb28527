#pragma once

#include <QMainWindow>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QSystemTrayIcon;
class QTabWidget;
class QTimer;

namespace kelly::ui {

class AccountHeader;
class AlertBanner;
class AlertCenter;
class AuditModel;
class AuditPanel;
class BookPanel;
class BrokerSyncTimer;
class CorrelationPanel;
class CorrelationRebuilder;
class DecisionsModel;
class DeskMenus;
class DeskSession;
struct DeskWriteOutcome;
class ExposureChartPanel;
class HaltBanner;
class HaltSwitch;
class HistoryChartPanel;
class LabPanel;
class ClosePlanPanel;
class LeveragePanel;
class ModeSwitch;
class PositionsModel;
class SizingLogPanel;
class StaleBanner;
class StressPanel;
class WhatIfPanel;

// The shell (STYLE): places the panels, owns the actions, toolbar and status bar, and hands
// each refresh of the session to the panels. No figure is computed here.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    // Tab names for `--tab` and QSettings, in tab order.
    static QStringList tabNames();

    explicit MainWindow(DeskSession& session, QWidget* parent = nullptr);
    ~MainWindow() override;

    bool selectTab(const QString& name);
    void restoreWindowState();

    ModeSwitch* modeSwitch() const { return m_modeSwitch; }
    HaltSwitch* haltSwitch() const { return m_haltSwitch; }
    HaltBanner* haltBanner() const { return m_haltBanner; }
    BookPanel* book() const { return m_book; }
    WhatIfPanel* whatIf() const { return m_whatIf; }
    StressPanel* stress() const { return m_stress; }
    LeveragePanel* leverage() const { return m_leverage; }
    LabPanel* lab() const { return m_lab; }
    CorrelationPanel* correlation() const { return m_correlation; }
    AccountHeader* header() const { return m_header; }
    AlertCenter* alerts() const { return m_alerts; }
    PositionsModel* positionsModel() const { return m_positions; }
    DecisionsModel* decisionsModel() const { return m_decisions; }
    AuditModel* auditModel() const { return m_audit; }
    BrokerSyncTimer* brokerSync() const { return m_brokerSync; }

    void openSettings();
    // File > Open store... (SPEC 13): another store, in a new window.
    void openAnotherStore();
    void rebuildCorrelationFrom(const QString& folder);
    // Where the rebuild's folder dialog opens when no rebuild has succeeded yet.
    void setDefaultPricesFolder(const QString& folder);

    // Issue 17: true while the last read of the store failed; the figures are then faded
    // (the `staleVeil` widget) under a "data as of" banner until a read succeeds.
    bool showsStaleData() const;
    QString staleBannerText() const;
    QLabel* modeNote() const { return m_modeNote; }
    QLabel* statusMessage() const { return m_message; }
    // A message in the status bar for 8 s, left of the clock.
    void showMessage(const QString& message);
    // The status-bar message showing now, whole (empty once it has gone).
    QString statusMessageText() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildActions();
    void onStateChanged();
    void onTick();
    void chooseRebuildFolder();
    void saveWindowState() const;
    void showBrokerSync(); // issue 16: the status bar's last sync, or why it fails
    // Issue 17: the first geometry fits the screen's available area (150% scaling on a
    // 1600x1000 screen must not open 2160 px wide, off-screen).
    void fitToScreen();
    // Issue 17: the veil that fades the figures while the store cannot be read.
    void placeOverlays();
    void setStale(const QString& error);
    void onWriteFinished(const DeskWriteOutcome& outcome);

    DeskSession& m_session;
    PositionsModel* m_positions;
    DecisionsModel* m_decisions;
    AuditModel* m_audit;
    AccountHeader* m_header;
    AlertBanner* m_banner;
    QTabWidget* m_tabs;
    BookPanel* m_book;
    ExposureChartPanel* m_exposureChart;
    LeveragePanel* m_leverage;
    HistoryChartPanel* m_history;
    StressPanel* m_stress; // issue 21, SPEC 16
    CorrelationPanel* m_correlation;
    WhatIfPanel* m_whatIf;
    SizingLogPanel* m_sizingLog;
    AuditPanel* m_auditPanel;
    LabPanel* m_lab;             // issue 15, the sizing lab
    ClosePlanPanel* m_closePlan; // issue 22, before the close (SPEC 17)
    ModeSwitch* m_modeSwitch;
    DeskMenus* m_menus = nullptr; // issue 26 item 6
    HaltSwitch* m_haltSwitch;
    HaltBanner* m_haltBanner;
    CorrelationRebuilder* m_rebuilder;
    QSystemTrayIcon* m_tray = nullptr;
    AlertCenter* m_alerts;
    QLabel* m_storeLabel;
    QLabel* m_updatedLabel;
    QLabel* m_message; // the last status-bar message, for 8 s
    QTimer* m_messageTimer;
    BrokerSyncTimer* m_brokerSync;
    QLabel* m_brokerSyncLabel;
    QLabel* m_modeNote;
    StaleBanner* m_staleBanner;
    QWidget* m_staleVeil; // fades the figures while the store cannot be read
    QString m_storeError; // non-empty while the store cannot be read
    QString m_defaultPricesFolder;
    QString m_rebuildFolder;                 // of the rebuild running or last run
    std::vector<std::string> m_heldSymbols;  // what the heatmap marks as held
    std::optional<size_t> m_buildBeingSaved; // a rebuilt build's symbols, until it lands
};

} // namespace kelly::ui
