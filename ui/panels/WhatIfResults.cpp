#include "WhatIfResults.h"

#include "CorrelationNote.h"
#include "Format.h"
#include "Palette.h"
#include "sizing/KellyOdds.h"

#include <QGridLayout>
#include <QLabel>

namespace kelly::ui {

namespace {

QString columnName(int column)
{
    static const char* names[] = {"enhanced", "plain", "legacy"};
    return QString::fromLatin1(names[column]);
}

QString rowName(WhatIfLayout::Row row)
{
    static const char* names[] = {"qty",       "value",   "base",     "target",   "kelly",
                                  "kellyrisk", "binding", "exposure", "leverage", "maintenance",
                                  "excess",    "fall",    "var",      "forecast", "note"};
    return QString::fromLatin1(names[row]);
}

QString arrow(const QString& before, const QString& after)
{
    return before + QStringLiteral(" \u2192 ") + after; // issue 21: compact, fits 1024 px
}

QString fallText(const std::optional<double>& fallPct)
{
    if (!fallPct)
        return WhatIfResults::tr("none");
    return *fallPct == 0.0 ? WhatIfResults::tr("CALL NOW") : format::pct(*fallPct, 2);
}

QString baseCaption(double kellyFraction)
{
    return kellyFraction == 0.5
               ? WhatIfResults::tr("Base fraction (half-Kelly)")
               : WhatIfResults::tr("Base fraction (%1 x Kelly)").arg(kellyFraction, 0, 'g', 4);
}

} // namespace

namespace {

// Why a column has no Kelly figures, or nothing.
std::optional<QString> noKellyFigures(const SizingResult& r)
{
    if (r.method == SizingMode::Legacy)
        return WhatIfResults::tr("not used by legacy");
    if (r.qty <= 0.0)
        return WhatIfResults::tr("no order, nothing at risk");
    if (!r.kellyMultiple)
        return WhatIfResults::tr("no Kelly edge in the forecast");
    return std::nullopt;
}

// Two significant digits, at least one decimal: "0.12x", "0.5x", "2.0x".
QString shownMultiple(double multiple)
{
    QString shown = QString::number(multiple, 'g', 2);
    if (!shown.contains(QLatin1Char('.')) && !shown.contains(QLatin1Char('e')))
        shown += QStringLiteral(".0");
    return shown;
}

} // namespace

QString kellyMultipleText(const SizingResult& r)
{
    if (const auto none = noKellyFigures(r))
        return *none;
    const double multiple = *r.kellyMultiple;
    const QString head = WhatIfResults::tr("%1x Kelly").arg(shownMultiple(multiple));
    if (multiple > 2.0)
        return head + WhatIfResults::tr(": growth negative");
    if (multiple == 2.0)
        return head + WhatIfResults::tr(": growth zero");
    return multiple >= 1.95 ? head + WhatIfResults::tr(": growth near zero") : head;
}

QString kellyRiskText(const SizingResult& r)
{
    if (noKellyFigures(r))
        return format::missing();
    const double multiple = *r.kellyMultiple;
    if (multiple >= 2.0)
        return WhatIfResults::tr("certain / certain");
    return QStringLiteral("%1 / %2").arg(format::chance(everFallsToProbability(multiple, 0.5)),
                                         format::chance(everFallsToProbability(multiple, 0.8)));
}

QString kellyOddsText(const SizingResult& r)
{
    if (const auto none = noKellyFigures(r))
        return *none;
    const double multiple = *r.kellyMultiple;
    const QString head = WhatIfResults::tr("%1x Kelly: ").arg(shownMultiple(multiple));
    if (multiple >= 2.0)
        return head + (multiple > 2.0 ? WhatIfResults::tr("if the forecast is right, growth is "
                                                          "negative at this size, and a fall to "
                                                          "half is certain in time")
                                      : WhatIfResults::tr("if the forecast is right, growth is "
                                                          "zero at this size, and a fall to half "
                                                          "is certain in time"));
    const double halve = everFallsToProbability(multiple, 0.5);
    // Whole-share rounding leaves a 2x order just under 2: its growth is as good as zero.
    if (multiple >= 1.95)
        return head + WhatIfResults::tr("if the forecast is right, growth is near zero at this "
                                        "size, and a fall to half is all but certain (%1)")
                          .arg(format::chance(halve));
    return head +
           WhatIfResults::tr("a %1 chance to ever halve, %2 to ever be 20% down")
               .arg(format::chance(halve), format::chance(everFallsToProbability(multiple, 0.8)));
}

WhatIfResults::WhatIfResults(QWidget* parent)
    : QGroupBox(tr("What the bot would do"), parent), m_correlation(new QLabel(this)),
      m_status(new QLabel(this))
{
    auto* grid = new QGridLayout(this);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(4); // 15 rows under the tabs at 640 px
    const QString captions[RowCount] = {tr("Quantity"),
                                        tr("Value"),
                                        baseCaption(0.5),
                                        tr("Target fraction of equity"),
                                        tr("Kelly multiple, if the forecast is right"),
                                        tr("Ever halve / 20% down"),
                                        tr("Binding limit"),
                                        tr("Symbol exposure"),
                                        tr("Account leverage"),
                                        tr("Margin requirement"),
                                        tr("Excess over it"),
                                        tr("Fall to a margin call"),
                                        tr("1-day VaR 95%"),
                                        tr("Forecast used (mu / sigma, daily)"),
                                        tr("Note")};
    for (int column = 0; column < ColumnCount; ++column) {
        m_columnTitles[column] = new QLabel(this);
        QFont bold = m_columnTitles[column]->font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 1.15);
        m_columnTitles[column]->setFont(bold);
        m_columnTitles[column]->setWordWrap(true);
        grid->addWidget(m_columnTitles[column], 0, column + 1);
    }
    for (int row = 0; row < RowCount; ++row) {
        auto* caption = new QLabel(captions[row], this);
        caption->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
        caption->setWordWrap(true); // the long captions take two lines at 1024 px
        grid->addWidget(caption, row + 1, 0);
        if (row == BaseFraction)
            m_baseCaption = caption;
        if (row == KellyOdds || row == KellyRisk)
            caption->setToolTip(
                tr("The order as a multiple of the full Kelly bet of its forecast (SPEC 18), and "
                   "the odds of ever losing half, or 20%, if that forecast is right. At 2x "
                   "Kelly the expected growth is zero; beyond, negative. A wrong forecast makes "
                   "every figure worse."));
        for (int column = 0; column < ColumnCount; ++column) {
            auto* value = new QLabel(format::missing(), this);
            value->setObjectName(QStringLiteral("whatIf.%1.%2")
                                     .arg(columnName(column), rowName(static_cast<Row>(row))));
            value->setTextInteractionFlags(Qt::TextSelectableByMouse);
            // "sell 1,323 shares (short)", "2.0x Kelly: growth near zero".
            value->setWordWrap(row == Note || row == Qty || row == KellyOdds);
            if (row == Qty) {
                QFont big = value->font();
                big.setPointSizeF(big.pointSizeF() * 1.5);
                big.setWeight(QFont::DemiBold);
                value->setFont(big);
            }
            grid->addWidget(value, row + 1, column + 1);
            m_results[column][row] = value;
        }
    }
    // Most captions on one line; the longest wrap.
    grid->setColumnMinimumWidth(0, fontMetrics().horizontalAdvance(captions[TargetFraction]) + 4);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    grid->setColumnStretch(3, 1);
    // SPEC 11's explanation sits right under the figures it explains.
    m_correlation->setObjectName(QStringLiteral("whatIfCorrelation"));
    m_correlation->setWordWrap(true);
    m_correlation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_correlation->setContentsMargins(0, 6, 0, 0);
    grid->addWidget(m_correlation, RowCount + 1, 0, 1, ColumnCount + 1);
    grid->setRowStretch(RowCount + 2, 1);
    m_status->setObjectName(QStringLiteral("whatIfStatus"));
    m_status->setWordWrap(true);
    grid->addWidget(m_status, RowCount + 3, 0, 1, ColumnCount + 1);
}

void WhatIfResults::setTitles(const QString (&titles)[ColumnCount], int inForce, const QString& bot)
{
    for (int column = 0; column < ColumnCount; ++column) {
        const bool isInForce = column == inForce;
        m_columnTitles[column]->setText(titles[column]);
        m_columnTitles[column]->setToolTip(isInForce ? tr("The bot's mode now (%1)").arg(bot)
                                                     : QString());
        m_columnTitles[column]->setStyleSheet(
            isInForce ? QStringLiteral("color: %1;").arg(palette::neutralBar().name()) : QString());
    }
}

void WhatIfResults::showOutcome(int column, const SizingResult& r,
                                const std::optional<double>& varBeforeUsd,
                                const std::optional<double>& varAfterUsd,
                                const WhatIfMargin& margin)
{
    QLabel** labels = m_results[column];
    const QString units = r.assetClass == AssetClass::Crypto ? tr("units") : tr("shares");
    // SPEC 11: a stock with mu < 0 is sized as a short, which the bot places as a sale.
    const bool sale = r.direction == PositionSide::Short && r.qty > 0.0;
    labels[Qty]->setText(sale
                             ? tr("sell %1 %2 (short)").arg(format::qty(r.qty, r.assetClass), units)
                             : format::qty(r.qty, r.assetClass) + QLatin1Char(' ') + units);
    labels[Qty]->setStyleSheet(sale ? QStringLiteral("color: %1;").arg(palette::loss().name())
                                    : QString());
    labels[Value]->setText(format::usd(r.addedValueUsd()));
    labels[BaseFraction]->setText(format::fraction(r.baseFraction));
    labels[TargetFraction]->setText(format::fraction(r.targetFraction));
    labels[KellyOdds]->setText(kellyMultipleText(r));
    labels[KellyRisk]->setText(kellyRiskText(r));
    for (QLabel* label : {labels[KellyOdds], labels[KellyRisk]})
        label->setToolTip(kellyOddsText(r));
    if (column == EnhancedColumn && r.method == SizingMode::Enhanced)
        m_baseCaption->setText(baseCaption(r.kellyFraction));
    labels[Binding]->setText(QString::fromLatin1(bindingLimitName(r.binding)));
    labels[Exposure]->setText(
        arrow(format::pct(r.exposureBeforePct), format::pct(r.exposureAfterPct)));
    labels[Leverage]->setText(
        arrow(format::leverage(r.leverageBefore), format::leverage(r.leverageAfter)));
    labels[Maintenance]->setText(
        arrow(format::usd(margin.maintenanceBeforeUsd), format::usd(margin.maintenanceAfterUsd)));
    labels[Excess]->setText(
        arrow(format::usd(margin.excessBeforeUsd), format::usd(margin.excessAfterUsd)));
    labels[FallToCall]->setText(
        arrow(fallText(margin.fallBeforePct), fallText(margin.fallAfterPct)));
    labels[FallToCall]->setToolTip(
        tr("The fall of every price, the order included, that brings a margin call (SPEC 15)"));
    labels[Var]->setText(arrow(format::usd(varBeforeUsd), format::usd(varAfterUsd)));
    // Daily units (SPEC 2.4): a mean daily return and a daily sd, as percentages.
    const auto dailyPct = [](const std::optional<double>& v, bool signed_) {
        if (!v)
            return format::missing();
        const QString plus = signed_ && *v > 0.0 ? QStringLiteral("+") : QString();
        return plus + QString::number(*v * 100.0, 'f', 3) + QStringLiteral("%");
    };
    // Legacy sizes from buying power alone (SPEC 3): say so rather than show a blank forecast.
    labels[Forecast]->setText(
        r.method == SizingMode::Legacy ? tr("not used by legacy")
        : r.muDaily || r.sigmaDaily
            ? tr("%1 / %2 a day").arg(dailyPct(r.muDaily, true), dailyPct(r.sigmaDaily, false))
            : format::missing());
    QStringList notes;
    if (r.fallbackReason)
        notes << tr("Enhanced failed (%1): legacy used")
                     .arg(QString::fromStdString(*r.fallbackReason));
    // SPEC 2.5 sizes |mu|: a negative forecast still sizes a buy. Crypto is cash-only and
    // cannot be shorted, so the trader must see that the size contradicts the forecast.
    if (r.method == SizingMode::Enhanced && r.assetClass == AssetClass::Crypto && r.muDaily &&
        *r.muDaily < 0.0 && r.qty > 0.0)
        notes << tr("crypto is long-only: the forecast is negative, this buy goes against it");
    if (r.binding == BindingLimit::NoEquity)
        notes << tr("no equity: nothing can be sized");
    if (column == EnhancedColumn && r.correlationReason && !r.fallbackReason)
        notes << tr("Same as plain: %1")
                     .arg(QString::fromLatin1(correlationReasonName(*r.correlationReason)));
    labels[Note]->setText(notes.join(QLatin1Char('\n')));
    labels[Note]->setStyleSheet(
        notes.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(palette::near().name()));
}

void WhatIfResults::showCorrelation(const SizingResult& enhanced)
{
    m_correlation->setText(correlationExplanation(enhanced));
    // Highlighted when the term changed the size, muted when it could not apply.
    const bool changed = enhanced.correlationAware && enhanced.qtyUncorrelated &&
                         *enhanced.qtyUncorrelated != enhanced.qty;
    m_correlation->setStyleSheet(
        changed ? QStringLiteral("color: %1;").arg(palette::neutralBar().name())
        : enhanced.correlationReason ? QStringLiteral("color: %1;").arg(palette::muted().name())
                                     : QString());
}

void WhatIfResults::clear(const QString& note)
{
    for (auto& column : m_results)
        for (QLabel* label : column) {
            label->setText(format::missing());
            label->setToolTip(QString());
            label->setStyleSheet(QString());
        }
    m_correlation->clear();
    m_status->setText(note);
}

void WhatIfResults::setStatus(const QString& text)
{
    m_status->setText(text);
}

QString WhatIfResults::text(int column, Row row) const
{
    return m_results[column][row]->text();
}

QString WhatIfResults::correlationText() const
{
    return m_correlation->text();
}

} // namespace kelly::ui
