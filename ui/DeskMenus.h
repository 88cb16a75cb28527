#pragma once

#include <QObject>
#include <QStringList>

class QAction;
class QMainWindow;
class QMenu;
class QTabWidget;

namespace kelly::ui {

class LabPanel;

// Issue 26 item 6: the menu bar. File (Open store, Recent stores, Export, Settings, Quit),
// View (one entry a tab, Alt+1..9), Tools (the toolbar's what-if and rebuild), Help (the
// README, About with the version and the store in use).
class DeskMenus final : public QObject
{
    Q_OBJECT
public:
    struct Actions
    {
        QAction* openStore;
        QAction* whatIf;
        QAction* rebuild;
        QAction* settings;
    };
    DeskMenus(QMainWindow* window, QTabWidget* tabs, LabPanel* lab, const Actions& actions,
              const QString& storeShownName);

    // Stores opened before, newest first, passwords removed (QSettings "stores/recent").
    static QStringList recentStores();
    // Puts `name` (redacted) at the head of the recent list.
    static void rememberStore(const QString& name);
    static constexpr int kRecentStores = 8;

    QMenu* recentMenu() const { return m_recent; }
    void showAbout();
    void showReadme();

Q_SIGNALS:
    // A recent store was chosen: open it, as File > Open store would.
    void openStoreRequested(const QString& name);
    void message(const QString& text);

private:
    void fillRecent();

    QMainWindow* m_window;
    QMenu* m_recent;
    QString m_storeShownName;
};

} // namespace kelly::ui
