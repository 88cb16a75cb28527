#pragma once

#include <QMainWindow>
#include <string>
#include <vector>

class QLabel;
class QSystemTrayIcon;
class QTabWidget;

namespace kelly::ui {

class AccountHeader;
class AlertBanner;
class AlertCenter;
class AuditModel;
class AuditPanel;
class BookPanel;
class CorrelationPanel;
class CorrelationRebuilder;
class DecisionsModel;
class DeskSession;
class ExposureChartPanel;
class HaltBanner;
class HaltSwitch;
class HistoryChartPanel;
class LabPanel;
class LeveragePanel;
class ModeSwitch;
class PositionsModel;
class SizingLogPanel;
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
    LabPanel* lab() const { return m_lab; }
    CorrelationPanel* correlation() const { return m_correlation; }
    AccountHeader* header() const { return m_header; }
    AlertCenter* alerts() const { return m_alerts; }
    PositionsModel* positionsModel() const { return m_positions; }
    DecisionsModel* decisionsModel() const { return m_decisions; }
    AuditModel* auditModel() const { return m_audit; }

    void openSettings();
    void rebuildCorrelationFrom(const QString& folder);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void onStateChanged();
    void onTick();
    void chooseRebuildFolder();
    void showMessage(const QString& message);
    void saveWindowState() const;

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
    CorrelationPanel* m_correlation;
    WhatIfPanel* m_whatIf;
    SizingLogPanel* m_sizingLog;
    AuditPanel* m_auditPanel;
    LabPanel* m_lab; // issue 15, the sizing lab
    ModeSwitch* m_modeSwitch;
    HaltSwitch* m_haltSwitch;
    HaltBanner* m_haltBanner;
    CorrelationRebuilder* m_rebuilder;
    QSystemTrayIcon* m_tray = nullptr;
    AlertCenter* m_alerts;
    QLabel* m_storeLabel;
    QLabel* m_updatedLabel;
    std::vector<std::string> m_heldSymbols; // what the heatmap marks as held
};

} // namespace kelly::ui
