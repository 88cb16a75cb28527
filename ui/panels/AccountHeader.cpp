#include "AccountHeader.h"

#include "Format.h"
#include "MarginGauge.h"
#include "Palette.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QResizeEvent>
#include <QVBoxLayout>
#include <algorithm>

namespace kelly::ui {

namespace {

QFont captionFont(QFont font)
{
    font.setPointSizeF(font.pointSizeF() * 0.8);
    font.setLetterSpacing(QFont::PercentageSpacing, 106);
    return font;
}

// Who set E, in the words of the command that does it.
QString basisSource(const QString& origin)
{
    if (origin == QLatin1String("cli"))
        return AccountHeader::tr("account set");
    if (origin == QLatin1String("alpaca"))
        return AccountHeader::tr("sync");
    return origin;
}

// "Nov 25": the New York date.
QString newYorkDay(UtcTime utc)
{
    const std::chrono::year_month_day day(
        std::chrono::floor<std::chrono::days>(newyork::toLocal(utc)));
    return QStringLiteral("%1 %2")
        .arg(QLocale(QLocale::English)
                 .monthName(static_cast<int>(static_cast<unsigned>(day.month())),
                            QLocale::ShortFormat))
        .arg(static_cast<unsigned>(day.day()));
}

} // namespace

AccountHeader::AccountHeader(QWidget* parent) : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 8);
    outer->setSpacing(2);
    m_tiles = new QHBoxLayout;
    m_tiles->setSpacing(18);
    outer->addLayout(m_tiles);
    m_equityBasis = new QLabel(format::missing(), this);
    m_equityBasis->setObjectName(QStringLiteral("equityBasisValue"));
    m_equityBasis->setFont(captionFont(m_equityBasis->font()));
    m_equityBasis->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    m_equity = addTile(tr("Equity"), QStringLiteral("equityValue"), m_equityBasis);
    m_buyingPower = addTile(tr("Buying power"), QStringLiteral("buyingPowerValue"));
    m_gross = addTile(tr("Gross exposure"), QStringLiteral("grossValue"));
    m_leverage = addTile(tr("Leverage"), QStringLiteral("leverageValue"));
    m_var = addTile(tr("1-day VaR 95%"), QStringLiteral("varValue"));
    m_bets = addTile(tr("Effective bets"), QStringLiteral("betsValue"));
    m_bets->setToolTip(tr("1 / sum of squared gross weights"));
    m_betsTile = m_bets->parentWidget();
    // SPEC 15: requirement and excess share one two-line tile, so nine figures fit 1024 px.
    auto* pair = new QWidget(this);
    auto* grid = new QGridLayout(pair);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(0);
    const auto addRow = [&](int row, const QString& caption, const QString& objectName) {
        auto* captionLabel = new QLabel(caption.toUpper(), pair);
        captionLabel->setFont(captionFont(captionLabel->font()));
        captionLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
        auto* value = new QLabel(format::missing(), pair);
        value->setObjectName(objectName);
        QFont font = value->font();
        font.setWeight(QFont::DemiBold);
        value->setFont(font);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(captionLabel, row, 0, Qt::AlignLeft | Qt::AlignBottom);
        grid->addWidget(value, row, 1, Qt::AlignRight | Qt::AlignBottom);
        return value;
    };
    m_maintenance = addRow(0, tr("Maintenance"), QStringLiteral("maintenanceValue"));
    m_excess = addRow(1, tr("Excess"), QStringLiteral("excessValue"));
    m_tiles->addWidget(pair);
    m_marginCall = addTile(tr("Margin call"), QStringLiteral("marginCallValue"));
    m_tiles->addStretch(1);
    m_brokerCheck = new QLabel(this);
    m_brokerCheck->setObjectName(QStringLiteral("headerBrokerCheck"));
    m_brokerCheck->setWordWrap(true);
    m_brokerCheck->setStyleSheet(
        QStringLiteral("color: %1; font-weight: 600;").arg(palette::near().darker(115).name()));
    m_brokerCheck->hide();
    outer->addWidget(m_brokerCheck);
}

QLabel* AccountHeader::addTile(const QString& caption, const QString& objectName,
                               QWidget* besideValue)
{
    auto* tile = new QWidget(this);
    auto* column = new QVBoxLayout(tile);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    auto* captionLabel = new QLabel(caption.toUpper(), tile);
    captionLabel->setFont(captionFont(captionLabel->font()));
    captionLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    auto* value = new QLabel(format::missing(), tile);
    value->setObjectName(objectName);
    QFont valueFont = value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.5);
    valueFont.setWeight(QFont::DemiBold);
    value->setFont(valueFont);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(captionLabel);
    if (besideValue) {
        auto* row = new QHBoxLayout;
        row->setSpacing(6);
        row->addWidget(value, 0, Qt::AlignBottom);
        row->addWidget(besideValue, 0, Qt::AlignBottom);
        row->addStretch(1);
        column->addLayout(row);
    } else {
        column->addWidget(value);
    }
    m_tiles->addWidget(tile);
    return value;
}

void AccountHeader::setReport(const ExposureReport& report, const PortfolioRisk& risk)
{
    m_equity->setText(format::usd(report.equityUsd));
    m_buyingPower->setText(format::usd(report.buyingPowerUsd));
    m_gross->setText(format::usd(report.grossUsd));
    m_leverage->setText(format::leverage(report.leverage));
    const LimitState worst = palette::bookState(report);
    m_leverage->setStyleSheet(
        worst == LimitState::Ok
            ? QString()
            : QStringLiteral("color: %1;").arg(palette::forState(worst).name()));
    m_leverage->setToolTip(
        tr("Gross / equity. Intraday limit %1, overnight limit %2")
            .arg(format::leverage(report.intradayLimit), format::leverage(report.overnightLimit)));
    m_var->setText(format::usd(risk.var95Usd));
    m_var->setToolTip(risk.var95Usd
                          ? tr("Parametric: 1.645 x portfolio sigma on the shrunk covariance")
                          : tr("Needs a correlation build that covers the book (Correlation tab)"));
    m_bets->setText(risk.effectiveBets ? QString::number(*risk.effectiveBets, 'f', 1)
                                       : format::missing());
    if (risk.effectiveBets)
        m_var->setToolTip(m_var->toolTip() + tr("\nEffective bets %1").arg(m_bets->text()));
    fitTiles();
}

void AccountHeader::setMargin(const DeskMargin& margin)
{
    const MarginReport& report = margin.report;
    const MarginBook& book = report.book;
    m_maintenance->setText(format::usd(book.maintenanceUsd));
    m_maintenance->setToolTip(
        tr("What the broker requires the equity to cover: %1 of equity (SPEC 15)")
            .arg(format::pct(book.marginUsedPct(), 0)));
    m_excess->setText(format::usd(book.excessUsd()));
    m_excess->setStyleSheet(book.excessUsd() < 0.0
                                ? QStringLiteral("color: %1;").arg(palette::over().name())
                                : QString());
    m_excess->setToolTip(tr("Equity minus the maintenance requirement"));
    // SPEC 15's headline: nothing alarming when no fall of every price calls.
    const bool callNow = report.callFallPct && *report.callFallPct == 0.0;
    m_marginCall->setText(callNow ? tr("MARGIN CALL NOW")
                          : report.callFallPct
                              ? tr("at a %1 fall").arg(format::pct(*report.callFallPct, 1))
                              : tr("no fall calls"));
    const LimitState state = callNow ? LimitState::Over
                             : report.callFallPct && *report.callFallPct < 100.0 * margin.callFallK
                                 ? LimitState::Near
                                 : LimitState::Ok;
    m_marginCall->setStyleSheet(
        state == LimitState::Ok
            ? QString()
            : QStringLiteral("color: %1;").arg(palette::forState(state).name()));
    QString tip = marginHeadline(report);
    if (report.callRisePct && *report.callRisePct > 0.0)
        tip += tr("\nA %1 rise of every price calls too (shorts).")
                   .arg(format::pct(*report.callRisePct, 1));
    if (report.callProbability1d && !callNow) // f = 0 reads 50%: the call is now, said above
        tip += tr("\nChance of a call within a day (approximation): %1")
                   .arg(format::pct(100.0 * *report.callProbability1d, 2));
    m_marginCall->setToolTip(tip);
    const QString mismatch = margin.brokerMismatchText();
    m_brokerCheck->setText(mismatch.isEmpty() ? QString()
                                              : QStringLiteral("\u26a0 ") +
                                                    mismatch.left(1).toUpper() + mismatch.mid(1));
    m_brokerCheck->setVisible(!mismatch.isEmpty());
    fitTiles();
}

void AccountHeader::setEquityBasis(const std::optional<store::EquityBasis>& basis, double equityUsd,
                                   UtcTime now)
{
    const QString line = equityBasisLine(basis, equityUsd, now);
    if (line != m_equityBasis->text()) {
        m_equityBasis->setText(line);
        // The label sits in a row nested in its tile: that row's cached size is stale too.
        for (QLayout* layout : m_equity->parentWidget()->findChildren<QLayout*>())
            layout->invalidate();
    }
    m_equityBasis->setToolTip(
        basis
            ? tr("E was set to %1 by %2 (%3) at %4, %5; the marks' P&L since: %6 (SPEC 1)")
                  .arg(format::usd(basis->equityUsd, 2), basisSource(basis->origin), basis->origin,
                       format::utcDateTime(basis->setAt), format::newYorkTime(basis->setAt),
                       format::signedUsd(equityUsd - basis->equityUsd, 2))
            : tr("E was never set by `kellyctl account set --equity` or a broker sync: it is "
                 "what the store holds, with the marks' P&L"));
    fitTiles();
}

QString AccountHeader::equityBasisLine(const std::optional<store::EquityBasis>& basis,
                                       double equityUsd, UtcTime now)
{
    if (!basis)
        return tr("never set");
    // Today's time in New York, else the day: enough to tell a fresh E from an old one.
    const QString when = newyork::startOfDay(basis->setAt) == newyork::startOfDay(now)
                             ? format::newYorkTime(basis->setAt)
                             : newYorkDay(basis->setAt);
    return tr("%1 %2\n%3 since")
        .arg(basisSource(basis->origin), when, format::signedUsd(equityUsd - basis->equityUsd));
}

QString AccountHeader::equityBasisText() const
{
    return m_equityBasis->text();
}

QSize AccountHeader::minimumSizeHint() const
{
    // The tiles give way (fitTiles) instead of widening the window past the screen.
    return {0, QWidget::minimumSizeHint().height()};
}

void AccountHeader::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitTiles();
}

void AccountHeader::fitTiles()
{
    // Effective bets, the least urgent figure, gives way first when the window is narrow
    // (1024 px, or 150% scaling); its value stays in the VaR tile's tooltip.
    int needed = m_tiles->contentsMargins().left() + m_tiles->contentsMargins().right() +
                 layout()->contentsMargins().left() + layout()->contentsMargins().right();
    int shown = 0;
    for (int i = 0; i < m_tiles->count(); ++i)
        if (QWidget* tile = m_tiles->itemAt(i)->widget()) {
            needed += tile->sizeHint().width();
            ++shown;
        }
    needed += m_tiles->spacing() * std::max(0, shown - 1);
    m_betsTile->setVisible(needed <= width());
}

QString AccountHeader::marginCallText() const
{
    return m_marginCall->text();
}

QString AccountHeader::brokerCheckText() const
{
    return m_brokerCheck->isHidden() ? QString() : m_brokerCheck->text();
}

QString AccountHeader::leverageText() const
{
    return m_leverage->text();
}

} // namespace kelly::ui
