#include "DeskMenus.h"

#include "lab/LabPanel.h"
#include "store/StoreLocation.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace kelly::ui {

namespace {

const char* const kRecentKey = "stores/recent";

// The README installed beside the documentation, else the source tree's (a build run).
QString readmePath()
{
    for (const QString& candidate :
         {QStringLiteral(KELLY_README_INSTALLED), QStringLiteral(KELLY_README_SOURCE)})
        if (QFileInfo::exists(candidate))
            return candidate;
    return {};
}

} // namespace

DeskMenus::DeskMenus(QMainWindow* window, QTabWidget* tabs, LabPanel* lab, const Actions& actions,
                     const QString& storeShownName)
    : QObject(window), m_window(window), m_storeShownName(storeShownName)
{
    QMenuBar* bar = window->menuBar();
    bar->setObjectName(QStringLiteral("deskMenuBar"));

    QMenu* file = bar->addMenu(tr("&File"));
    file->addAction(actions.openStore);
    m_recent = file->addMenu(tr("Open &recent store"));
    m_recent->setObjectName(QStringLiteral("recentStoresMenu"));
    connect(m_recent, &QMenu::aboutToShow, this, &DeskMenus::fillRecent);
    fillRecent();
    QMenu* exports = file->addMenu(tr("&Export"));
    exports->addAction(tr("Lab run as CSV..."), lab, &LabPanel::exportCsvInteractive);
    exports->addAction(tr("Lab charts as PNG..."), lab, &LabPanel::exportPngInteractive);
    exports->addAction(tr("This window as PNG..."), this, [this] {
        const QString target =
            QFileDialog::getSaveFileName(m_window, tr("Save the window as PNG"),
                                         QStringLiteral("kellydesk.png"), tr("PNG images (*.png)"));
        if (target.isEmpty())
            return;
        Q_EMIT message(m_window->grab().save(target, "PNG") ? tr("Saved %1").arg(target)
                                                            : tr("Could not write %1").arg(target));
    });
    file->addSeparator();
    file->addAction(actions.settings);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), m_window, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = bar->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    for (int i = 0; i < tabs->count(); ++i) {
        QAction* jump =
            view->addAction(tabs->tabText(i), tabs, [tabs, i] { tabs->setCurrentIndex(i); });
        jump->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(i + 1)));
    }

    QMenu* tools = bar->addMenu(tr("&Tools"));
    tools->addAction(actions.whatIf);
    tools->addAction(actions.rebuild);

    QMenu* help = bar->addMenu(tr("&Help"));
    QAction* readme = help->addAction(tr("&README"), this, &DeskMenus::showReadme);
    readme->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About KellyDesk"), this, &DeskMenus::showAbout);
}

QStringList DeskMenus::recentStores()
{
    return QSettings().value(QString::fromLatin1(kRecentKey)).toStringList();
}

void DeskMenus::rememberStore(const QString& name)
{
    // Never a password: a URL is kept as shown (libpq finds the password in ~/.pgpass).
    const QString shown = store::redactStoreName(name);
    QStringList recent = recentStores();
    recent.removeAll(shown);
    recent.prepend(shown);
    QSettings().setValue(QString::fromLatin1(kRecentKey), recent.mid(0, kRecentStores));
}

void DeskMenus::fillRecent()
{
    m_recent->clear();
    for (const QString& name : recentStores()) {
        // A file that is gone is not offered (a demo's temporary store, a moved file).
        if (!store::isPostgresName(name) && !QFileInfo::exists(name))
            continue;
        m_recent->addAction(name, this, [this, name] { Q_EMIT openStoreRequested(name); });
    }
    m_recent->setEnabled(!m_recent->isEmpty());
}

void DeskMenus::showAbout()
{
    QMessageBox::about(
        m_window, tr("About KellyDesk"),
        tr("<b>KellyDesk %1</b><br>The risk desk for the trading bot: leverage, margin, "
           "correlation and Kelly sizing.<br><br>Store in use: %2")
            .arg(QCoreApplication::applicationVersion(), m_storeShownName.toHtmlEscaped()));
}

void DeskMenus::showReadme()
{
    QFile file(readmePath());
    if (!file.open(QIODevice::ReadOnly)) {
        Q_EMIT message(tr("The README is not installed on this machine"));
        return;
    }
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("KellyDesk README"));
    auto* text = new QTextBrowser(&dialog);
    text->setObjectName(QStringLiteral("readmeText"));
    text->setSearchPaths({QFileInfo(file.fileName()).absolutePath()});
    text->setMarkdown(QString::fromUtf8(file.readAll()));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    // Within the window, so it fits wherever the desk does.
    dialog.resize(m_window->size().boundedTo(QSize(900, 700)) * 0.9);
    dialog.exec();
}

} // namespace kelly::ui
