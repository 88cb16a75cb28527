#include "MainWindow.h"

#include "AccountHeader.h"
#include "AlertCenter.h"
#include "AuditPanel.h"
#include "BookPanel.h"
#include "BotModes.h"
#include "BrokerSyncTimer.h"
#include "Clock.h"
#include "ClosePlanPanel.h"
#include "CorrelationPanel.h"
#include "CorrelationRebuilder.h"
#include "DecisionsModel.h"
#include "DeskMenus.h"
#include "DeskSession.h"
#include "ExposureChartPanel.h"
#include "Format.h"
#include "HaltSwitch.h"
#include "HistoryChartPanel.h"
#include "LeveragePanel.h"
#include "ModeSwitch.h"
#include "OpenStoreDialog.h"
#include "PageScroll.h"
#include "PositionsModel.h"
#include "SettingsDialog.h"
#include "SizingLogPanel.h"
#include "StaleBanner.h"
#include "StressPanel.h"
#include "WhatIfPanel.h"
#include "lab/LabPanel.h"
#include "store/StoreLocation.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace kelly::ui {

namespace {

// QSettings keys of the window itself (the store holds everything else).
const char* const kGeometryKey = "window/geometry";
const char* const kStateKey = "window/state";
const char* const kTabKey = "window/tab";
const char* const kPricesFolderKey = "correlation/pricesFolder";

} // namespace

QStringList MainWindow::tabNames()
{
    return {QStringLiteral("book"),        QStringLiteral("leverage"), QStringLiteral("stress"),
            QStringLiteral("correlation"), QStringLiteral("whatif"),   QStringLiteral("log"),
            QStringLiteral("audit"),       QStringLiteral("lab"),      QStringLiteral("close")};
}

MainWindow::MainWindow(DeskSession& session, QWidget* parent)
    : QMainWindow(parent), m_session(session), m_positions(new PositionsModel(this)),
      m_decisions(new DecisionsModel(this)), m_audit(new AuditModel(this)),
      m_rebuilder(new CorrelationRebuilder(this))
{
    setWindowTitle(tr("KellyDesk"));
    setObjectName(QStringLiteral("kellyDeskMainWindow"));
    resize(1440, 900);
    fitToScreen();

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(10, 6, 10, 4);
    m_header = new AccountHeader(central);
    m_haltBanner = new HaltBanner(central);
    m_banner = new AlertBanner(central);
    m_staleBanner = new StaleBanner(central);
    m_staleVeil = new QWidget(central);
    m_staleVeil->setObjectName(QStringLiteral("staleVeil"));
    m_staleVeil->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_staleVeil->setAttribute(Qt::WA_StyledBackground);
    m_staleVeil->setStyleSheet(
        QStringLiteral("#staleVeil { background: rgba(236, 236, 236, 170); }"));
    m_staleVeil->hide();
    m_tabs = new QTabWidget(central);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->installEventFilter(this);
    layout->addWidget(m_header);
    layout->addWidget(m_haltBanner);
    // Issue 26 item 3: the stale-data and alert banners stack in one strip that takes its
    // own room above the tabs, so neither ever covers a table's column headers.
    auto* bannerStrip = new QVBoxLayout;
    bannerStrip->setSpacing(4);
    bannerStrip->addWidget(m_staleBanner);
    bannerStrip->addWidget(m_banner);
    layout->addLayout(bannerStrip);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    auto* bookSplit = new QSplitter(Qt::Horizontal, m_tabs);
    m_book = new BookPanel(m_positions, bookSplit);
    m_exposureChart = new ExposureChartPanel(bookSplit);
    bookSplit->addWidget(m_book);
    bookSplit->addWidget(m_exposureChart);
    // Issue 17: the table keeps room for every column at 1024 px; the chart takes less.
    bookSplit->setStretchFactor(0, 5);
    bookSplit->setStretchFactor(1, 2);
    bookSplit->setSizes({1100, 300}); // issue 21: three margin columns joined the table
    m_leverage = new LeveragePanel(m_tabs);
    m_history = new HistoryChartPanel(m_leverage);
    m_leverage->addBelow(m_history);
    m_stress = new StressPanel(m_tabs);
    m_correlation = new CorrelationPanel(m_tabs);
    m_whatIf = new WhatIfPanel(session, m_tabs);
    m_sizingLog = new SizingLogPanel(m_decisions, m_tabs);
    m_auditPanel = new AuditPanel(m_audit, m_tabs);
    m_tabs->addTab(scrollablePage(bookSplit), tr("&Book"));
    m_tabs->addTab(scrollablePage(m_leverage), tr("&Leverage"));
    m_tabs->addTab(scrollablePage(m_stress), tr("&Stress"));
    m_tabs->addTab(scrollablePage(m_correlation), tr("&Correlation"));
    m_tabs->addTab(scrollablePage(m_whatIf), tr("&What-if"));
    m_tabs->addTab(scrollablePage(m_sizingLog), tr("Sizing lo&g"));
    m_tabs->addTab(scrollablePage(m_auditPanel), tr("&Audit"));
    m_lab = new LabPanel(session, QStringLiteral(KELLY_BUNDLED_PRICES_DIR), m_tabs);
    m_tabs->addTab(scrollablePage(m_lab), tr("La&b"));
    // Issue 22 (SPEC 17): before the close, on its own worker and store connection.
    m_closePlan = new ClosePlanPanel(session.store().path(), session.environment(), session.clock(),
                                     alpacaVariablesFromProcess(), m_tabs);
    m_closePlan->setObjectName(QStringLiteral("closePlanPanel"));
    m_tabs->addTab(scrollablePage(m_closePlan), tr("Before the cl&ose"));

    m_modeSwitch = new ModeSwitch(session, this);
    m_haltSwitch = new HaltSwitch(session, this);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("KellyDesk"));
        m_tray->show();
    }
    m_alerts = new AlertCenter(m_banner, m_tray, this);
    buildActions();

    m_storeLabel = new QLabel(tr("Store: %1").arg(session.store().displayName()), this);
    m_updatedLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_updatedLabel);
    statusBar()->addWidget(m_storeLabel, 1);
    // Issue 26 item 7: messages take the store label's place, left of the clock and the
    // broker sync, never painted under them; one too long is elided, whole in its tooltip.
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("statusMessage"));
    m_message->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_message->hide();
    statusBar()->addWidget(m_message, 1);
    m_messageTimer = new QTimer(this);
    m_messageTimer->setSingleShot(true);
    m_messageTimer->setInterval(std::chrono::seconds(8));
    connect(m_messageTimer, &QTimer::timeout, this, [this] {
        m_message->hide();
        m_storeLabel->show();
    });
    m_brokerSync = new BrokerSyncTimer(session.store().path(), alpacaVariablesFromProcess(),
                                       session.clock(), this);
    m_brokerSyncLabel = new QLabel(this);
    m_brokerSyncLabel->setObjectName(QStringLiteral("brokerSyncLabel"));
    statusBar()->addPermanentWidget(m_brokerSyncLabel);
    connect(m_brokerSync, &BrokerSyncTimer::finished, this, [this] {
        m_alerts->evaluateBrokerSync(m_brokerSync->consecutiveMisses(), m_brokerSync->lastError());
        showBrokerSync();
    });

    connect(&session, &DeskSession::stateChanged, this, &MainWindow::onStateChanged);
    connect(&session, &DeskSession::ticked, this, &MainWindow::onTick);
    connect(&session, &DeskSession::stateChanged, m_closePlan, &ClosePlanPanel::storeChanged);
    connect(&session, &DeskSession::ticked, m_closePlan, &ClosePlanPanel::tick);
    connect(&session, &DeskSession::storeError, this, &MainWindow::setStale);
    connect(&session, &DeskSession::storeRecovered, this, [this] { setStale(QString()); });
    connect(m_modeSwitch, &ModeSwitch::switched, this, &MainWindow::showMessage);
    connect(m_modeSwitch, &ModeSwitch::failed, this, &MainWindow::showMessage);
    connect(m_haltSwitch, &HaltSwitch::switched, this, &MainWindow::showMessage);
    connect(m_haltSwitch, &HaltSwitch::failed, this, &MainWindow::showMessage);
    connect(m_correlation, &CorrelationPanel::rebuildRequested, this,
            &MainWindow::chooseRebuildFolder);
    connect(m_rebuilder, &CorrelationRebuilder::progress, m_correlation,
            &CorrelationPanel::setRebuildProgress);
    connect(m_rebuilder, &CorrelationRebuilder::finished, this,
            [this](const CorrelationBuild& build) {
                // Issue 12 item 8: saved on the session's worker; the rebuild shows as running
                // until the store holds the build (onWriteFinished).
                m_buildBeingSaved = build.symbols.size();
                m_correlation->setRebuildRunning(true);
                m_session.saveCorrelationBuild(build);
            });
    connect(&session, &DeskSession::writeFinished, this, &MainWindow::onWriteFinished);
    connect(&session, &DeskSession::writeWaiting, this, [this](DeskWrite kind) {
        if (kind == DeskWrite::CorrelationBuild)
            showMessage(tr("Store busy: the correlation build is waiting for the bot's write lock "
                           "and keeps trying"));
    });
    connect(m_rebuilder, &CorrelationRebuilder::failed, this, [this](const QString& error) {
        m_correlation->setRebuildRunning(false);
        m_correlation->showRebuildError(error);
        // Replaces a "Correlation rebuilt" still showing from an earlier run.
        showMessage(tr("Correlation rebuild failed (Correlation tab)"));
    });
    onStateChanged();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    // Issue 17: Halt first, at a place nothing else can move.
    bar->addAction(m_haltSwitch->action());
    if (auto* button = qobject_cast<QToolButton*>(bar->widgetForAction(m_haltSwitch->action())))
        HaltSwitch::styleButton(button);
    bar->addSeparator();
    auto* modeCaption = new QLabel(tr("  Sizing mode: "), bar);
    bar->addWidget(modeCaption);
    bar->addAction(m_modeSwitch->toggleAction());
    if (auto* button =
            qobject_cast<QToolButton*>(bar->widgetForAction(m_modeSwitch->toggleAction())))
        ModeSwitch::styleButton(button);
    bar->addAction(m_modeSwitch->undoAction());
    bar->addSeparator();

    auto* whatIf = new QAction(tr("What-if..."), this);
    whatIf->setShortcut(QKeySequence(QStringLiteral("Ctrl+K")));
    whatIf->setToolTip(tr("Size an order without placing it (Ctrl+K)"));
    connect(whatIf, &QAction::triggered, this, [this] {
        selectTab(QStringLiteral("whatif"));
        m_whatIf->focusForm();
    });
    auto* rebuild = new QAction(tr("Rebuild correlation..."), this);
    rebuild->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
    connect(rebuild, &QAction::triggered, this, &MainWindow::chooseRebuildFolder);
    auto* settings = new QAction(tr("Settings..."), this);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence(QStringLiteral("Ctrl+,")));
    connect(settings, &QAction::triggered, this, &MainWindow::openSettings);
    auto* openStore = new QAction(tr("Open store..."), this);
    openStore->setObjectName(QStringLiteral("openStoreAction"));
    openStore->setShortcut(QKeySequence::Open);
    openStore->setToolTip(tr("Open another store (a file or a postgresql:// URL) in a new window"));
    connect(openStore, &QAction::triggered, this, &MainWindow::openAnotherStore);
    // Issue 26: the toolbar keeps what a trader reaches for during the day; opening a store
    // and rebuilding the correlation live in the menus, so nothing overflows at 1024 px.
    bar->addAction(whatIf);
    bar->addAction(settings);
    bar->addSeparator();
    // What the bots did and this window's own lock (issues 17, 26), last on the bar, so its
    // text never moves an action; up to three lines in the room the bar has left.
    m_modeNote = new QLabel(bar);
    m_modeNote->setObjectName(QStringLiteral("modeNote"));
    m_modeNote->setContentsMargins(6, 0, 6, 0);
    m_modeNote->setWordWrap(true);
    QFont small = m_modeNote->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_modeNote->setFont(small);
    // As wide as its longest usual line, this window's lock (a toolbar never stretches it).
    m_modeNote->setFixedWidth(
        m_modeNote->fontMetrics().horizontalAdvance(
            tr("This window: USE_ENHANCED_KELLY_SIZING=false (its what-if only)")) +
        16);
    m_modeNote->setFixedHeight(m_modeNote->fontMetrics().lineSpacing() * ModeSwitch::kNoteLines +
                               2);
    bar->addWidget(m_modeNote);

    m_menus = new DeskMenus(this, m_tabs, m_lab, {openStore, whatIf, rebuild, settings},
                            m_session.store().displayName());
    connect(m_menus, &DeskMenus::message, this, &MainWindow::showMessage);
    connect(m_menus, &DeskMenus::openStoreRequested, this, [this](const QString& name) {
        QString error;
        showMessage(OpenStoreDialog::openInNewWindow(name, &error)
                        ? tr("Opened %1 in a new window").arg(name)
                        : tr("Could not start a new window: %1").arg(error));
    });
    // A demo's throwaway store is not worth remembering.
    if (!m_session.store().path().startsWith(QDir::tempPath()))
        DeskMenus::rememberStore(m_session.store().path());
}

void MainWindow::openAnotherStore()
{
    OpenStoreDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    showMessage(
        OpenStoreDialog::openInNewWindow(dialog.storeName(), &error)
            ? tr("Opened %1 in a new window").arg(store::redactStoreName(dialog.storeName()))
            : tr("Could not start a new window: %1").arg(error));
}

void MainWindow::onStateChanged()
{
    const std::shared_ptr<const DeskState> state = m_session.stateHandle();
    m_positions->setBook(state->exposure.positions, state->account.account, state->margin.report);
    m_book->setLeftOut(state->account.problems);
    m_header->setMargin(state->margin);
    m_leverage->setMargin(state->margin);
    m_stress->setMargin(state->margin);
    m_decisions->setDecisions(state->decisions);
    m_audit->setEntries(state->audit);
    m_exposureChart->setPositions(state->exposure.positions, state->settings.limits.symbolCapPct);
    m_history->setSnapshots(state->snapshots);
    m_correlation->setBuild(state->correlation, state->now);
    std::vector<std::string> held;
    held.reserve(state->account.account.positions.size());
    for (const Position& p : state->account.account.positions)
        held.push_back(p.symbol);
    if (held != m_heldSymbols) { // issue 7: not a set of 2,000 QStrings on every refresh
        QSet<QString> heldSet;
        for (const std::string& symbol : held)
            heldSet.insert(QString::fromStdString(symbol));
        m_correlation->setHeldSymbols(heldSet);
        m_heldSymbols = std::move(held);
    }
    m_whatIf->setState(state);
    const store::EffectiveSetting& mode = state->settings.entry(store::SettingKey::Mode);
    ModeSwitch::View modeView;
    modeView.storedMode =
        parseSizingMode(mode.storedValue.toStdString()).value_or(SizingMode::Enhanced);
    modeView.intradayLimit = state->settings.limits.intradayLeverage;
    if (mode.lockedByEnv)
        modeView.windowLock =
            store::settingSpec(store::SettingKey::Mode).envVar + QLatin1Char('=') +
            m_session.environment().value(store::settingSpec(store::SettingKey::Mode).envVar);
    modeView.bots = latestBotModes(state->decisions);
    const SizingMode storedMode = modeView.storedMode;
    m_modeSwitch->setState(std::move(modeView));
    const bool botIgnores = !m_modeSwitch->ignoringWarnings().isEmpty();
    m_modeNote->setText(m_modeSwitch->noteText());
    m_modeNote->setToolTip(m_modeSwitch->toggleAction()->toolTip());
    m_modeNote->setStyleSheet(botIgnores ? QStringLiteral("color: #9a4a00;")
                                         : QStringLiteral("color: #5f6b7a;"));
    m_haltSwitch->setHalted(state->settings.halted());
    if (QWidget* button = findChild<QWidget*>(QStringLiteral("haltButton"));
        button && button->property("halted").toBool() != state->settings.halted()) {
        button->setProperty("halted", state->settings.halted());
        button->style()->unpolish(button); // re-applies the [halted] style rule
        button->style()->polish(button);
    }
    m_haltBanner->setState(*state);
    m_alerts->evaluateHalt(state->haltEntry);
    m_brokerSync->setInterval(state->settings.brokerSyncIntervalS);
    showBrokerSync();
    // Issue 26 item 4: the title says the store's mode, the one the switch shows and the bots
    // follow; a window whose environment sizes otherwise says so after it.
    QString title =
        tr("KellyDesk - %1 - %2 sizing")
            .arg(m_session.store().isPostgres() ? m_session.store().displayName()
                                                : QFileInfo(m_session.store().path()).fileName(),
                 QString::fromLatin1(sizingModeName(storedMode)));
    if (state->settings.mode != storedMode)
        title += tr(" (this window's what-if: %1)")
                     .arg(QString::fromLatin1(sizingModeName(state->settings.mode)));
    setWindowTitle(title);
    onTick();
}

void MainWindow::onTick()
{
    const DeskState& state = m_session.state();
    m_header->setReport(state.exposure, state.risk);
    m_header->setEquityBasis(state.equityBasis, state.exposure.equityUsd, state.now);
    m_leverage->setReport(state.exposure);
    m_history->setBookLeverage(state.exposure.leverage);
    m_alerts->evaluate(state.exposure);
    placeOverlays();
    m_updatedLabel->setText(
        tr("Now %1  |  %2").arg(format::newYorkTime(state.now), format::utcDateTime(state.now)));
}

void MainWindow::showBrokerSync()
{
    const std::optional<store::BrokerSyncRecord>& last = m_session.state().lastBrokerSync;
    const QString lastText =
        last ? tr("last broker sync %1 (%2)").arg(format::newYorkTime(last->syncedAt), last->origin)
             : tr("no broker sync yet");
    if (m_brokerSync->consecutiveMisses() > 0) {
        m_brokerSyncLabel->setText(tr("Broker sync FAILING (%1 in a row), %2")
                                       .arg(m_brokerSync->consecutiveMisses())
                                       .arg(lastText));
        m_brokerSyncLabel->setToolTip(m_brokerSync->lastError());
    } else {
        m_brokerSyncLabel->setText(lastText.left(1).toUpper() + lastText.mid(1));
        m_brokerSyncLabel->setToolTip(m_brokerSync->interval()
                                          ? tr("Syncs every %1 s").arg(*m_brokerSync->interval())
                                          : tr("The dashboard's sync is off "
                                               "(Settings: broker_sync_interval_s)"));
    }
    m_brokerSyncLabel->setVisible(last || m_brokerSync->interval());
}

bool MainWindow::selectTab(const QString& name)
{
    const qsizetype index = tabNames().indexOf(name.toLower());
    if (index < 0)
        return false;
    m_tabs->setCurrentIndex(static_cast<int>(index));
    return true;
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_session, this);
    dialog.exec(); // the save's outcome comes by onWriteFinished, even after a Close
}

void MainWindow::onWriteFinished(const DeskWriteOutcome& outcome)
{
    if (outcome.kind == DeskWrite::Settings) {
        showMessage(outcome.written ? tr("Settings saved")
                                    : tr("Settings not saved: %1").arg(outcome.error));
        return;
    }
    if (outcome.kind != DeskWrite::CorrelationBuild || !m_buildBeingSaved)
        return;
    const size_t symbols = *std::exchange(m_buildBeingSaved, std::nullopt);
    m_correlation->setRebuildRunning(false);
    if (!outcome.written) {
        m_correlation->showRebuildError(outcome.error);
        showMessage(tr("Correlation rebuild failed (Correlation tab)"));
        return;
    }
    m_correlation->showRebuildError(QString());
    QSettings().setValue(QString::fromLatin1(kPricesFolderKey), m_rebuildFolder);
    showMessage(tr("Correlation rebuilt: %1 symbols").arg(symbols));
}

void MainWindow::setDefaultPricesFolder(const QString& folder)
{
    m_defaultPricesFolder = folder;
    m_lab->setPricesFolder(folder); // the Lab tab's default too (issue 27: the installed copy)
}

void MainWindow::chooseRebuildFolder()
{
    // Issue 17: the last folder that built, else the bundled prices; a folder that failed
    // is not remembered.
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Folder of daily price files (.csv)"),
        QSettings().value(QString::fromLatin1(kPricesFolderKey), m_defaultPricesFolder).toString());
    if (folder.isEmpty())
        return;
    rebuildCorrelationFrom(folder);
}

void MainWindow::rebuildCorrelationFrom(const QString& folder)
{
    if (m_rebuilder->isRunning() || m_buildBeingSaved)
        return;
    const int lookback = m_session.state().correlation
                             ? m_session.state().correlation->build.lookback
                             : CorrelationBuild{}.lookback;
    m_correlation->setRebuildRunning(true);
    m_rebuildFolder = folder;
    m_rebuilder->start(folder, lookback);
}

void MainWindow::showMessage(const QString& message)
{
    // Messages may quote what a file or a bot wrote (a store error naming a row).
    const QString text = store::printable(message);
    m_storeLabel->hide();
    m_message->show();
    statusBar()->layout()->activate();
    m_message->setText(
        m_message->fontMetrics().elidedText(text, Qt::ElideRight, m_message->width()));
    m_message->setToolTip(text);
    m_messageTimer->start();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    restoreGeometry(settings.value(QString::fromLatin1(kGeometryKey)).toByteArray());
    fitToScreen(); // a geometry saved on a bigger screen or at another scale
    restoreState(settings.value(QString::fromLatin1(kStateKey)).toByteArray());
    selectTab(settings.value(QString::fromLatin1(kTabKey), tabNames().first()).toString());
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue(QString::fromLatin1(kGeometryKey), saveGeometry());
    settings.setValue(QString::fromLatin1(kStateKey), saveState());
    settings.setValue(QString::fromLatin1(kTabKey), tabNames().value(m_tabs->currentIndex()));
}

void MainWindow::fitToScreen()
{
    const QScreen* where = screen();
    if (!where)
        return;
    const QRect available = where->availableGeometry();
    // Leave room for the frame the window manager adds around the client area.
    const QSize frame = frameGeometry().size() - geometry().size();
    const QSize fitted = size().boundedTo(available.size() - frame);
    if (fitted != size())
        resize(fitted);
    QRect placed(pos(), fitted + frame);
    if (!available.contains(placed)) {
        placed.moveCenter(available.center());
        move(placed.topLeft());
    }
}

void MainWindow::placeOverlays()
{
    if (!m_staleVeil->isHidden()) {
        m_staleVeil->setGeometry(m_header->geometry().united(m_tabs->geometry()));
        m_staleVeil->raise();
        // The banners say why the figures are faded: above the veil, never under it.
        m_staleBanner->raise();
        m_banner->raise();
    }
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_tabs && (event->type() == QEvent::Resize || event->type() == QEvent::Move))
        placeOverlays();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::setStale(const QString& error)
{
    m_storeError = error;
    const bool stale = !error.isEmpty();
    // Faded under a translucent veil, not disabled: the trader can still scroll and switch
    // tabs to read what was last known (the veil lets the mouse through).
    m_staleVeil->setVisible(stale);
    m_staleBanner->setError(format::timeOfDay(m_session.dataAsOf()), error);
    placeOverlays();
}

QString MainWindow::statusMessageText() const
{
    return m_message->isHidden() ? QString() : m_message->toolTip();
}

bool MainWindow::showsStaleData() const
{
    return !m_storeError.isEmpty();
}

QString MainWindow::staleBannerText() const
{
    return m_staleBanner->text();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

} // namespace kelly::ui
