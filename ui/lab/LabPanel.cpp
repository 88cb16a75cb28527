#include "LabPanel.h"

#include "Clock.h"
#include "DeskSession.h"
#include "KellySweepView.h"
#include "LabChartsPanel.h"
#include "LabMetricsModel.h"
#include "LabRunner.h"
#include "risk/PriceFile.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextStream>
#include <QVBoxLayout>
#include <algorithm>
#include <tuple>

namespace kelly::ui {

namespace {

QString runLabel(const store::LabRunRecord& run)
{
    return QObject::tr("run %1: %2 symbols, %3 to %4, E0 $%5")
        .arg(run.id)
        .arg(run.symbols.size())
        .arg(QString::fromStdString(run.fromDate), QString::fromStdString(run.toDate))
        .arg(run.startingEquityUsd, 0, 'f', 0);
}

} // namespace

LabPanel::LabPanel(DeskSession& session, const QString& defaultPricesFolder, QWidget* parent)
    : QWidget(parent), m_session(session), m_runner(new LabRunner(this)),
      m_charts(new LabChartsPanel(this)), m_metrics(new LabMetricsModel(this)),
      m_table(new QTableView(this))
{
    setObjectName(QStringLiteral("labPanel"));
    auto* form = new QWidget(this);
    buildForm(form);
    m_folder->setText(defaultPricesFolder);

    m_table->setObjectName(QStringLiteral("labMetricsTable"));
    m_table->setModel(m_metrics);
    m_table->verticalHeader()->hide();
    // Rows as high as the text needs: the charts above keep the height (1024x640).
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto* results = new QSplitter(Qt::Vertical, this);
    results->addWidget(m_charts);
    results->addWidget(m_table);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 1);
    // Issue 26: the form scrolls rather than setting the window's height (1024x640 fits).
    auto* formScroll = new QScrollArea(this);
    formScroll->setObjectName(QStringLiteral("labFormScroll"));
    formScroll->setWidget(form);
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    formScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    formScroll->setMinimumWidth(form->minimumSizeHint().width() +
                                formScroll->verticalScrollBar()->sizeHint().width());
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(formScroll);
    // SPEC 18: the Kelly sweep sits beside the methods' results, on the same price folder.
    auto* views = new QTabWidget(this);
    views->setObjectName(QStringLiteral("labViews"));
    views->addTab(results, tr("Methods"));
    auto* sweep = new KellySweepView(
        session, [this] { return m_folder->text(); }, views);
    views->addTab(sweep, tr("Kelly sweep"));
    connect(sweep, &KellySweepView::sweepFinished, this, &LabPanel::reloadRuns);
    split->addWidget(views);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(m_runner, &LabRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(m_runner, &LabRunner::finished, this, &LabPanel::onFinished);
    connect(m_runner, &LabRunner::cancelled, this, [this] {
        setRunning(false);
        m_pending.reset();
        m_progress->reset(); // issue 26: not left at the share done before the Cancel
        m_status->setText(tr("Cancelled: nothing recorded."));
        Q_EMIT runCancelled();
    });
    connect(m_runner, &LabRunner::failed, this, [this](const QString& message) {
        setRunning(false);
        m_pending.reset();
        m_status->setText(tr("Not run: %1").arg(message));
        Q_EMIT runFailed(message);
    });
    reloadRuns();
}

void LabPanel::buildForm(QWidget* form)
{
    auto* layout = new QVBoxLayout(form);
    layout->setContentsMargins(0, 0, 4, 0);
    auto* fields = new QFormLayout;
    m_folder = new QLineEdit(form);
    m_folder->setObjectName(QStringLiteral("labPricesFolder"));
    auto* browse = new QPushButton(tr("Browse..."), form);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Price folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    fields->addRow(tr("Prices"), folderRow);
    m_symbols = new QLineEdit(form);
    m_symbols->setPlaceholderText(tr("all files (or NVDA,BTCUSD,...)"));
    fields->addRow(tr("Symbols"), m_symbols);
    m_from = new QLineEdit(form);
    m_from->setPlaceholderText(tr("first date (YYYY-MM-DD)"));
    m_to = new QLineEdit(form);
    m_to->setPlaceholderText(tr("last date"));
    auto* dates = new QHBoxLayout;
    dates->addWidget(m_from);
    dates->addWidget(m_to);
    fields->addRow(tr("Dates"), dates);
    m_equity = new QDoubleSpinBox(form);
    m_equity->setObjectName(QStringLiteral("labStartingEquity"));
    m_equity->setRange(1.0, 1e12);
    m_equity->setDecimals(0);
    m_equity->setValue(100000.0);
    m_equity->setPrefix(QStringLiteral("$"));
    fields->addRow(tr("Starting equity"), m_equity);
    auto* methods = new QVBoxLayout;
    for (lab::Method method : lab::allMethods()) {
        auto* box = new QCheckBox(QString::fromLatin1(lab::methodName(method)), form);
        box->setChecked(true);
        methods->addWidget(box);
        m_methods.emplace_back(method, box);
    }
    fields->addRow(tr("Methods"), methods);
    m_costBps = new QDoubleSpinBox(form);
    m_costBps->setRange(0.0, 1000.0);
    m_costBps->setValue(5.0);
    m_costBps->setSuffix(tr(" bps"));
    fields->addRow(tr("Costs"), m_costBps);
    m_lookback = new QSpinBox(form);
    m_lookback->setRange(lab::kMinLookback, 5000);
    m_lookback->setValue(60);
    m_lookback->setSuffix(tr(" returns"));
    fields->addRow(tr("Forecast lookback"), m_lookback);
    m_forecast = new QLineEdit(form);
    m_forecast->setPlaceholderText(tr("optional CSV date,symbol,mu[,sigma]"));
    fields->addRow(tr("Forecast file"), m_forecast);
    layout->addLayout(fields);

    m_run = new QPushButton(tr("&Run"), form);
    m_run->setObjectName(QStringLiteral("labRunButton"));
    m_cancel = new QPushButton(tr("Cancel"), form);
    m_cancel->setObjectName(QStringLiteral("labCancelButton"));
    m_cancel->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, [this] { startRun(); });
    connect(m_cancel, &QPushButton::clicked, this, &LabPanel::cancelRun);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);
    m_progress = new QProgressBar(form);
    m_progress->setObjectName(QStringLiteral("labProgress"));
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status = new QLabel(form);
    m_status->setObjectName(QStringLiteral("labStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_assumptions = new QLabel(form);
    m_assumptions->setWordWrap(true);
    m_assumptions->setText(
        tr("<b>What the lab assumes</b><br>Daily closes only. The forecast for a date uses "
           "returns up to the previous close (or that date's row of the forecast file): a "
           "one-day gap between forecast and trade. Trades at the close, paying the costs "
           "above on traded value. Borrowing (gross over equity) is financed at the "
           "store's rate / 360 per calendar night, so a weekend costs three. Positions are "
           "held close to close: at every close gross is cut to the overnight limit x "
           "equity (the store's settings), so leverage above it, up to the intraday limit, "
           "never survives a close. Crypto is never shorted."));
    layout->addWidget(m_assumptions);

    layout->addWidget(new QLabel(tr("Earlier runs (tick to compare):"), form));
    m_history = new QListWidget(form);
    m_history->setObjectName(QStringLiteral("labHistory"));
    layout->addWidget(m_history, 1);
    auto* compare = new QPushButton(tr("Compare ticked"), form);
    connect(compare, &QPushButton::clicked, this, [this] {
        std::vector<qint64> ids;
        for (int i = 0; i < m_history->count(); ++i)
            if (m_history->item(i)->checkState() == Qt::Checked)
                ids.push_back(m_history->item(i)->data(Qt::UserRole).toLongLong());
        compareRuns(ids);
    });
    auto* csv = new QPushButton(tr("Export CSV..."), form);
    connect(csv, &QPushButton::clicked, this, &LabPanel::exportCsvInteractive);
    auto* png = new QPushButton(tr("Export PNG..."), form);
    connect(png, &QPushButton::clicked, this, &LabPanel::exportPngInteractive);
    auto* exports = new QHBoxLayout;
    exports->addWidget(compare);
    exports->addWidget(csv);
    exports->addWidget(png);
    layout->addLayout(exports);
}

void LabPanel::setPricesFolder(const QString& folder)
{
    m_folder->setText(folder);
}

bool LabPanel::isRunning() const
{
    return m_runner->isRunning();
}

QString LabPanel::statusText() const
{
    return m_status->text();
}

void LabPanel::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    if (running)
        m_progress->setValue(0);
}

bool LabPanel::startRun()
{
    if (isRunning())
        return false;
    LabRunner::Request request;
    request.pricesFolder = m_folder->text().trimmed();
    request.forecastFile = m_forecast->text().trimmed();
    const store::EffectiveSettings& settings = m_session.state().settings;
    request.settings = settings.labSettings();
    lab::LabOptions& options = request.options;
    for (const QString& word : m_symbols->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        options.symbols.push_back(normalizeSymbol(word.trimmed().toStdString()));
    for (const auto& [edit, target, name] :
         {std::tuple{m_from, &options.fromDate, QStringLiteral("from")},
          std::tuple{m_to, &options.toDate, QStringLiteral("to")}}) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty())
            continue;
        if (!isIsoDate(text.toStdString())) {
            m_status->setText(tr("Not run: %1: '%2' is not a date (YYYY-MM-DD)").arg(name, text));
            return false;
        }
        *target = text.toStdString();
    }
    options.startingEquityUsd = m_equity->value();
    options.costBps = m_costBps->value();
    options.lookback = m_lookback->value();
    for (const auto& [method, box] : m_methods)
        if (box->isChecked())
            options.methods.push_back(method);
    if (options.methods.empty()) {
        m_status->setText(tr("Not run: methods: tick at least one"));
        return false;
    }

    m_pending = request;
    setRunning(true);
    m_status->setText(tr("Running on %1...").arg(request.pricesFolder));
    m_runner->start(request);
    return true;
}

void LabPanel::cancelRun()
{
    m_runner->cancel();
    m_status->setText(tr("Cancelling..."));
}

void LabPanel::onFinished(std::shared_ptr<const lab::LabResult> result)
{
    setRunning(false);
    if (!m_pending)
        return;
    store::LabRunRecord record = store::labRunRecord(
        m_session.clock().now(), m_pending->pricesFolder, m_pending->forecastFile,
        m_pending->options, m_pending->settings, *result);
    m_pending.reset();
    QString error;
    if (!m_session.store().saveLabRun(record, &record.id, &error)) {
        m_status->setText(tr("Ran, but not recorded: %1").arg(error));
    } else {
        m_status->setText(tr("Run %1 recorded: %2 symbols, %3 dates.")
                              .arg(record.id)
                              .arg(result->symbols.size())
                              .arg(result->calendar.size()));
    }
    m_shown.assign(1, std::move(record));
    showRuns();
    reloadRuns();
    Q_EMIT runFinished(m_shown.front().id);
}

void LabPanel::reloadRuns()
{
    std::vector<store::LabRunRecord> runs;
    QString error;
    if (!m_session.store().loadLabRuns(&runs, 200, &error)) {
        m_status->setText(tr("Earlier runs unreadable: %1").arg(error));
        return;
    }
    m_history->clear();
    for (const store::LabRunRecord& run : runs) {
        auto* item = new QListWidgetItem(runLabel(run), m_history);
        item->setData(Qt::UserRole, run.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        QStringList finals;
        for (const lab::MethodRun& r : run.runs)
            finals << QStringLiteral("%1 $%2")
                          .arg(QString::fromStdString(lab::runName(r)))
                          .arg(r.metrics.finalEquityUsd, 0, 'f', 0);
        item->setToolTip(finals.join(QStringLiteral(", ")));
    }
}

void LabPanel::compareRuns(const std::vector<qint64>& ids)
{
    std::vector<store::LabRunRecord> shown;
    if (!m_shown.empty())
        shown.push_back(m_shown.front());
    for (qint64 id : ids) {
        if (!shown.empty() && shown.front().id == id)
            continue;
        std::optional<store::LabRunRecord> run;
        QString error;
        if (!m_session.store().loadLabRun(id, &run, &error) || !run) {
            m_status->setText(tr("Run %1 unreadable: %2").arg(id).arg(error));
            continue;
        }
        shown.push_back(std::move(*run));
    }
    m_shown = std::move(shown);
    showRuns();
}

void LabPanel::showRuns()
{
    std::vector<LabChartsPanel::Curve> curves;
    std::vector<LabMetricsModel::Row> rows;
    for (const store::LabRunRecord& run : m_shown)
        for (const lab::MethodRun& r : run.runs) {
            const QString label =
                QStringLiteral("#%1 %2").arg(run.id).arg(QString::fromStdString(lab::runName(r)));
            curves.push_back(
                {label, r.method, &run != &m_shown.front(), run.startingEquityUsd, r.curve});
            rows.push_back({label, r.metrics});
        }
    m_charts->showCurves(curves);
    m_metrics->setRows(std::move(rows));
    // Issue 26: every method's row shows without scrolling (the winner was below the fold).
    const int shownRows = std::max(m_metrics->rowCount(), 4);
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height() +
                              shownRows * m_table->verticalHeader()->defaultSectionSize() +
                              2 * m_table->frameWidth() +
                              m_table->horizontalScrollBar()->sizeHint().height());
}

void LabPanel::showEvent(QShowEvent* event)
{
    // Issue 26: runs `kellyctl backtest` recorded meanwhile show when the tab is opened, the
    // ticks kept.
    std::vector<qint64> ticked;
    for (int i = 0; i < m_history->count(); ++i)
        if (m_history->item(i)->checkState() == Qt::Checked)
            ticked.push_back(m_history->item(i)->data(Qt::UserRole).toLongLong());
    reloadRuns();
    for (int i = 0; i < m_history->count(); ++i)
        if (std::find(ticked.begin(), ticked.end(),
                      m_history->item(i)->data(Qt::UserRole).toLongLong()) != ticked.end())
            m_history->item(i)->setCheckState(Qt::Checked);
    QWidget::showEvent(event);
}

bool LabPanel::exportCsv(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *error = file.errorString();
        return false;
    }
    QTextStream out(&file);
    out << "run,date,method,equity,gross,cash,financing,costs\n";
    for (const store::LabRunRecord& run : m_shown)
        for (const lab::MethodRun& r : run.runs)
            for (const lab::CurvePoint& p : r.curve)
                out << run.id << ',' << QString::fromStdString(p.date) << ','
                    << QString::fromStdString(lab::runName(r)) << ','
                    << QString::number(p.equityUsd, 'g', 17) << ','
                    << QString::number(p.grossUsd, 'g', 17) << ','
                    << QString::number(p.cashUsd, 'g', 17) << ','
                    << QString::number(p.financingUsd, 'g', 17) << ','
                    << QString::number(p.costsUsd, 'g', 17) << '\n';
    out.flush();
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

bool LabPanel::exportPng(const QString& path, QString* error) const
{
    if (!m_charts->grab().save(path, "PNG")) {
        *error = tr("cannot write %1").arg(path);
        return false;
    }
    return true;
}

void LabPanel::exportCsvInteractive()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the curves"), QStringLiteral("lab-curves.csv"), tr("CSV (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error))
        m_status->setText(tr("Export failed: %1").arg(error));
}

void LabPanel::exportPngInteractive()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the charts"), QStringLiteral("lab-charts.png"), tr("PNG (*.png)"));
    QString error;
    if (!path.isEmpty() && !exportPng(path, &error))
        m_status->setText(tr("Export failed: %1").arg(error));
}

} // namespace kelly::ui
