#include "WhatIfPanel.h"

#include "DeskSession.h"
#include "Format.h"
#include "Palette.h"
#include "risk/PortfolioRisk.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMouseEvent>
#include <QPushButton>
#include <QStringListModel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace kelly::ui {

namespace {

// The modes each what-if sizes; the enhanced run fills two columns (SPEC 11 and SPEC 2).
const SizingMode kColumns[2] = {SizingMode::Enhanced, SizingMode::Legacy};

} // namespace

WhatIfPanel::WhatIfPanel(DeskSession& session, QWidget* parent)
    : QWidget(parent), m_session(session), m_symbols(new QStringListModel(this)),
      m_results(new WhatIfResults(this))
{
    auto* formBox = new QGroupBox(tr("Order"), this);
    m_form = new QGridLayout(formBox);
    m_form->setColumnMinimumWidth(1, 165); // issues 17, 21: the window fits 1024 px
    m_symbol =
        addField(tr("Symbol"), QStringLiteral("whatIfSymbol"), tr("e.g. NVDA or BTC/USD"), 0);
    m_price = addField(tr("Price (USD)"), QStringLiteral("whatIfPrice"),
                       tr("empty: the last price when held"), 1);
    m_priceSource = new QLabel(formBox);
    m_priceSource->setObjectName(QStringLiteral("whatIfPriceSource"));
    m_priceSource->setWordWrap(true);
    m_priceSource->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    // Under the price field, above its error: which price the sizing uses.
    if (auto* below = qobject_cast<QVBoxLayout*>(m_form->itemAtPosition(3, 1)->layout()))
        below->insertWidget(0, m_priceSource);
    m_mu = addField(tr("mu, daily (optional)"), QStringLiteral("whatIfMu"),
                    tr("from the metrics, else 0.005"), 2);
    m_sigma = addField(tr("sigma, daily (optional)"), QStringLiteral("whatIfSigma"),
                       tr("from the metrics, else defaults"), 3);
    m_completer = new QCompleter(m_symbols, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_symbol->setCompleter(m_completer);
    m_completer->popup()->installEventFilter(this);
    connect(m_symbol, &QLineEdit::editingFinished, this, &WhatIfPanel::prefillPrice);
    connect(&session, &DeskSession::dryRunsSized, this, &WhatIfPanel::showRefreshed);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &WhatIfPanel::prefillPrice);
    connect(m_price, &QLineEdit::textChanged, this, [this] {
        if (m_fillingPrice)
            return;
        m_priceTyped = !m_price->text().trimmed().isEmpty();
        m_priceFor = normalizeSymbol(m_symbol->text().toStdString());
        m_priceSource->setText(m_priceTyped ? tr("typed") : QString());
    });
    for (QLineEdit* field : {m_symbol, m_price, m_mu, m_sigma})
        connect(field, &QLineEdit::returnPressed, this, &WhatIfPanel::calculate);

    m_calculate = new QPushButton(tr("Size it (dry run)"), formBox);
    m_calculate->setObjectName(QStringLiteral("whatIfCalculate"));
    m_calculate->setDefault(true);
    connect(m_calculate, &QPushButton::clicked, this, &WhatIfPanel::calculate);
    m_form->addWidget(m_calculate, 8, 1);
    auto* hint = new QLabel(tr("Nothing is recorded: every column is a dry run of the bot's next "
                               "call with the store's current account, limits and metrics."),
                            formBox);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    m_form->addWidget(hint, 9, 0, 1, 2);
    m_form->setRowStretch(10, 1);

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(formBox, 2);
    layout->addWidget(m_results, 5);
    clearResults(tr("Enter a symbol and a price, then press Enter."));
}

QLineEdit* WhatIfPanel::addField(const QString& caption, const QString& objectName,
                                 const QString& placeholder, int row)
{
    auto* field = new QLineEdit(this);
    field->setObjectName(objectName);
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    auto* error = new QLabel(this);
    error->setObjectName(objectName + QStringLiteral("Error"));
    error->setStyleSheet(QStringLiteral("color: %1;").arg(palette::over().name()));
    error->setWordWrap(true);
    error->hide();
    m_errors.insert(field, error);
    m_form->addWidget(new QLabel(caption, this), row * 2, 0);
    m_form->addWidget(field, row * 2, 1);
    auto* below = new QVBoxLayout;
    below->setContentsMargins(0, 0, 0, 0);
    below->setSpacing(2);
    below->addWidget(error);
    m_form->addLayout(below, row * 2 + 1, 1);
    return field;
}

bool WhatIfPanel::eventFilter(QObject* watched, QEvent* event)
{
    // Issue 17: a click outside the completer's popup only closed it; the trader clicking
    // into Price had to click twice. Close it and hand the click's focus on.
    QWidget* popup = m_completer->popup();
    if (watched == popup && event->type() == QEvent::MouseButtonPress) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (!popup->rect().contains(mouse->position().toPoint())) {
            popup->hide();
            QWidget* target = QApplication::widgetAt(mouse->globalPosition().toPoint());
            if (auto* field = qobject_cast<QLineEdit*>(target); field && isAncestorOf(field)) {
                field->setFocus(Qt::MouseFocusReason);
                return true;
            }
            if (target == m_calculate) {
                m_calculate->click();
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void WhatIfPanel::markField(QLineEdit* field, const QString& error)
{
    QLabel* label = m_errors.value(field);
    field->setProperty("invalid", !error.isEmpty());
    field->setStyleSheet(
        error.isEmpty()
            ? QString()
            : QStringLiteral("QLineEdit { border: 2px solid %1; }").arg(palette::over().name()));
    label->setText(error);
    label->setVisible(!error.isEmpty());
}

QString WhatIfPanel::fieldError(const QLineEdit* field) const
{
    const QLabel* label = m_errors.value(field);
    return label ? label->text() : QString();
}

void WhatIfPanel::focusForm()
{
    m_symbol->setFocus(Qt::ShortcutFocusReason);
    m_symbol->selectAll();
}

void WhatIfPanel::propose(const QString& symbol)
{
    m_symbol->setText(symbol);
    prefillPrice();
    calculate();
}

void WhatIfPanel::setState(std::shared_ptr<const DeskState> state)
{
    m_state = std::move(state);
    // Issue 7: rebuilding the completer's list of 2,000+ symbols and restyling the titles
    // took ~2 ms of every refresh while a bot marks prices; both change far less often.
    std::vector<std::string> known;
    for (const Position& p : m_state->account.account.positions)
        known.push_back(p.symbol);
    if (m_state->correlation)
        known.insert(known.end(), m_state->correlation->build.symbols.begin(),
                     m_state->correlation->build.symbols.end());
    for (const std::string& s : m_state->settings.cryptoList.symbols())
        known.push_back(s);
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    if (known != m_knownSymbols) {
        QStringList list;
        list.reserve(static_cast<qsizetype>(known.size()));
        for (const std::string& s : known)
            list.append(QString::fromStdString(s));
        m_symbols->setStringList(list);
        m_knownSymbols = std::move(known);
    }
    const double limit = m_state->settings.limits.intradayLeverage;
    if (m_modeShown != m_state->settings.mode ||
        m_correlationShown != m_state->settings.correlationAware || m_limitShown != limit) {
        m_modeShown = m_state->settings.mode;
        m_correlationShown = m_state->settings.correlationAware;
        m_limitShown = limit;
        const QString bot = QString::fromLatin1(sizingModeName(m_state->settings.mode));
        const int columnInForce = m_state->settings.mode == SizingMode::Legacy ? LegacyColumn
                                  : m_state->settings.mode == SizingMode::Halt ? -1
                                  : m_state->settings.correlationAware         ? EnhancedColumn
                                                                       : PlainEnhancedColumn;
        // Issue 17: the real intraday limit, not a hard-coded 4x.
        const QString leverage = QString::number(limit, 'g', 3);
        const QString titles[ColumnCount] = {tr("Correlation-aware Kelly @ %1x").arg(leverage),
                                             tr("Plain Kelly 50% @ %1x").arg(leverage),
                                             tr("Legacy")};
        m_results->setTitles(titles, columnInForce, bot);
    }
    followLastPrice();
    // Keep the shown figures current with the book, from the inputs that produced them (not
    // from a field the trader may be half-way through editing).
    if (m_lastRequest)
        m_session.sizeDryRunsLater(*m_lastRequest, {std::begin(kColumns), std::end(kColumns)});
}

void WhatIfPanel::showRefreshed(const std::shared_ptr<const DryRuns>& dryRuns)
{
    const auto same = [](const SizingRequest& a, const SizingRequest& b) {
        return a.symbol == b.symbol && a.priceUsd == b.priceUsd && a.muDaily == b.muDaily &&
               a.sigmaDaily == b.sigmaDaily && a.reduce == b.reduce;
    };
    // A refresh sized before the trader asked for something else is dropped.
    if (m_lastRequest && same(*m_lastRequest, dryRuns->request))
        show(*dryRuns);
}

void WhatIfPanel::followLastPrice()
{
    // Issue 26 item 2: a price filled in from the book's last follows its marks (kellyctl
    // price), in the field and in the figures kept current; a typed price stays.
    if (m_priceTyped || m_priceFor.empty() || m_price->text().trimmed().isEmpty())
        return;
    const Position* held = m_state->account.account.find(m_priceFor);
    if (!held)
        return;
    const double last = held->lastPriceUsd;
    const QString text = QString::number(last, 'f', last < 1 ? 6 : 2);
    if (text == m_price->text())
        return;
    const double before = m_price->text().toDouble();
    m_fillingPrice = true;
    m_price->setText(text);
    m_fillingPrice = false;
    m_priceSource->setText(tr("last %1").arg(format::price(last)));
    if (m_lastRequest && normalizeSymbol(m_lastRequest->symbol) == m_priceFor &&
        qFuzzyCompare(m_lastRequest->priceUsd, before))
        m_lastRequest->priceUsd = last;
}

void WhatIfPanel::prefillPrice()
{
    resolvePrice(normalizeSymbol(m_symbol->text().toStdString()), false);
}

bool WhatIfPanel::resolvePrice(const std::string& symbol, bool markMissing)
{
    const bool hasPrice = !m_price->text().trimmed().isEmpty();
    if (hasPrice && m_priceTyped && m_priceFor.empty())
        m_priceFor = symbol; // typed before any symbol: it is for this one
    if (hasPrice && m_priceFor == symbol) {
        m_priceSource->setText(m_priceTyped ? tr("typed") : m_priceSource->text());
        return true;
    }
    // A price typed (or filled in) for another symbol is stale: never size SPY at NVDA's.
    const Position* held = m_state ? m_state->account.account.find(symbol) : nullptr;
    const double last = held ? held->lastPriceUsd : 0.0;
    m_fillingPrice = true;
    m_price->setText(held ? QString::number(last, 'f', last < 1 ? 6 : 2) : QString());
    m_fillingPrice = false;
    m_priceFor = symbol;
    m_priceTyped = false;
    if (held) {
        m_priceSource->setText(tr("last %1").arg(format::price(last)));
        markField(m_price, QString());
        return true;
    }
    m_priceSource->setText(QString());
    if (markMissing)
        markField(m_price, symbol.empty() ? tr("required")
                                          : tr("required: %1 is not held, so there is no last "
                                               "price to use")
                                                .arg(QString::fromStdString(symbol)));
    return false;
}

std::optional<double> WhatIfPanel::parseNumber(QLineEdit* field, bool optional, bool* ok)
{
    const QString text = field->text().trimmed();
    *ok = true;
    if (text.isEmpty()) {
        if (!optional) {
            *ok = false;
            markField(field, tr("required"));
        }
        return std::nullopt;
    }
    static const QLocale us(QLocale::English, QLocale::UnitedStates);
    bool parsed = false;
    const double value = us.toDouble(text, &parsed);
    if (!parsed || !std::isfinite(value)) {
        *ok = false;
        markField(field, tr("not a number"));
        return std::nullopt;
    }
    return value;
}

bool WhatIfPanel::calculate()
{
    for (QLineEdit* field : {m_symbol, m_price, m_mu, m_sigma})
        markField(field, QString());
    bool valid = true;
    const std::string symbol = normalizeSymbol(m_symbol->text().toStdString());
    if (!isValidSymbol(symbol)) {
        markField(m_symbol, m_symbol->text().trimmed().isEmpty()
                                ? tr("required")
                                : tr("letters, digits and '.' only"));
        valid = false;
    }
    // A symbol without a price to size at has its own message; do not overwrite it.
    const bool priceResolved = !valid || resolvePrice(symbol, true);
    bool ok = true;
    const std::optional<double> price =
        parseNumber(m_price, !priceResolved /* already marked */, &ok);
    valid = valid && priceResolved && ok;
    if (ok && price && *price <= 0.0) {
        markField(m_price, tr("must be greater than 0"));
        valid = false;
    }
    const std::optional<double> mu = parseNumber(m_mu, true, &ok);
    valid = valid && ok;
    const std::optional<double> sigma = parseNumber(m_sigma, true, &ok);
    valid = valid && ok;
    if (ok && sigma && *sigma < 0.0) {
        markField(m_sigma, tr("must be 0 or more"));
        valid = false;
    }
    if (!valid || !price) {
        clearResults(tr("Fix the marked fields."));
        return false;
    }

    SizingRequest request;
    request.symbol = symbol;
    request.priceUsd = *price;
    request.muDaily = mu;
    request.sigmaDaily = sigma;
    return sizeAndShow(request);
}

bool WhatIfPanel::sizeAndShow(const SizingRequest& request)
{
    DryRuns dryRuns;
    dryRuns.request = request;
    for (const SizingMode mode : kColumns) {
        DryRuns::Run run;
        run.mode = mode;
        run.sized = m_session.sizeDryRun(request, mode, &run.outcome, &run.error, &run.failure);
        dryRuns.runs.push_back(std::move(run));
    }
    return show(dryRuns);
}

bool WhatIfPanel::show(const DryRuns& dryRuns)
{
    const SizingRequest& request = dryRuns.request;
    const Account* account = m_state ? &m_state->account.account : nullptr;
    const CorrelationBuild* build =
        m_state && m_state->correlation ? &m_state->correlation->build : nullptr;
    // The book's VaR against the same build, already computed with the state (off the GUI
    // thread, issue 7).
    const std::optional<double> varBefore = m_state ? m_state->risk.var95Usd : std::nullopt;

    for (size_t runIndex = 0; runIndex < 2; ++runIndex) {
        const DryRuns::Run& run = dryRuns.runs.at(runIndex);
        if (!run.sized) {
            const QString& error = run.error;
            // The service names the field on bad input (SPEC 2.1); put it at the field.
            QLineEdit* field = error.startsWith(QStringLiteral("mu"))       ? m_mu
                               : error.startsWith(QStringLiteral("sigma"))  ? m_sigma
                               : error.startsWith(QStringLiteral("symbol")) ? m_symbol
                                                                            : m_price;
            if (run.failure == store::SizingFailure::BadInput)
                markField(field, error);
            clearResults(run.failure == store::SizingFailure::BadInput
                             ? tr("Fix the marked field.")
                             : tr("The store could not size this: %1").arg(error));
            return false;
        }
    }
    const auto varAfter = [&](const SizingResult& result) {
        return account && build ? computeWhatIfRisk(*account, *build, request.symbol, result.qty,
                                                    request.priceUsd)
                                      .var95Usd
                                : std::nullopt;
    };
    const store::SizingOutcome& enhanced = dryRuns.runs.at(0).outcome;
    // SPEC 11: the plain column is SPEC 2 alone; it equals the enhanced call when the
    // correlation term did not apply.
    const SizingResult& plain = enhanced.uncorrelated ? *enhanced.uncorrelated : enhanced.result;
    const store::SizingOutcome& legacy = dryRuns.runs.at(1).outcome;
    // The plain column's fall after: the outcome's when it is the same call, else its own.
    std::optional<double> plainFallAfter = enhanced.marginCallFallAfterPct;
    if (enhanced.uncorrelated && m_state) {
        const SizingContext context{m_state->account.account,
                                    enhanced.settings.limits,
                                    enhanced.settings.cryptoList,
                                    enhanced.riskThreshold,
                                    nullptr,
                                    nullptr,
                                    nullptr,
                                    enhanced.settings.marginPolicy(&enhanced.marginRates),
                                    enhanced.settings.kellyFraction};
        plainFallAfter = marginCallFallAfterAdd(plain, context);
    }
    m_results->showOutcome(EnhancedColumn, enhanced.result, varBefore, varAfter(enhanced.result),
                           marginOf(enhanced.result, enhanced.marginCallFallAfterPct));
    m_results->showOutcome(PlainEnhancedColumn, plain, varBefore, varAfter(plain),
                           marginOf(plain, plainFallAfter));
    m_results->showOutcome(LegacyColumn, legacy.result, varBefore, varAfter(legacy.result),
                           marginOf(legacy.result, legacy.marginCallFallAfterPct));
    m_results->showCorrelation(enhanced.result);
    m_lastRequest = request;
    m_results->setStatus(build ? QString()
                               : tr("VaR needs a correlation build (Correlation tab)."));
    return true;
}

WhatIfMargin WhatIfPanel::marginOf(const SizingResult& r, std::optional<double> fallAfterPct) const
{
    // E = excess after + MR after (the sizer's own equity, SPEC 15).
    WhatIfMargin margin;
    margin.maintenanceBeforeUsd = r.maintenanceBeforeUsd;
    margin.maintenanceAfterUsd = r.maintenanceAfterUsd;
    margin.excessAfterUsd = r.excessAfterUsd;
    margin.excessBeforeUsd = r.excessAfterUsd + r.maintenanceAfterUsd - r.maintenanceBeforeUsd;
    margin.fallBeforePct = m_state ? m_state->margin.report.callFallPct : std::nullopt;
    margin.fallAfterPct = r.qty > 0.0 ? fallAfterPct : margin.fallBeforePct;
    return margin;
}

void WhatIfPanel::clearResults(const QString& note)
{
    m_lastRequest.reset();
    m_results->clear(note);
}

QString WhatIfPanel::resultText(SizingMode mode, Row row) const
{
    return resultText(mode == SizingMode::Enhanced ? EnhancedColumn : LegacyColumn, row);
}

QString WhatIfPanel::resultText(Column column, Row row) const
{
    return m_results->text(column, row);
}

QString WhatIfPanel::correlationText() const
{
    return m_results->correlationText();
}

} // namespace kelly::ui
