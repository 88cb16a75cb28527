#include "AccountHeader.h"

#include "Format.h"
#include "Palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace kelly::ui {

AccountHeader::AccountHeader(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 8);
    layout->setSpacing(28);
    m_equity = addTile(tr("Equity"), QStringLiteral("equityValue"));
    m_buyingPower = addTile(tr("Buying power"), QStringLiteral("buyingPowerValue"));
    m_gross = addTile(tr("Gross exposure"), QStringLiteral("grossValue"));
    m_leverage = addTile(tr("Leverage"), QStringLiteral("leverageValue"));
    m_var = addTile(tr("1-day VaR 95%"), QStringLiteral("varValue"));
    m_bets = addTile(tr("Effective bets"), QStringLiteral("betsValue"));
    m_bets->setToolTip(tr("1 / sum of squared gross weights"));
    layout->addStretch(1);
}

QLabel* AccountHeader::addTile(const QString& caption, const QString& objectName)
{
    auto* tile = new QWidget(this);
    auto* column = new QVBoxLayout(tile);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    auto* captionLabel = new QLabel(caption.toUpper(), tile);
    QFont captionFont = captionLabel->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.8);
    captionFont.setLetterSpacing(QFont::PercentageSpacing, 106);
    captionLabel->setFont(captionFont);
    captionLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    auto* value = new QLabel(format::missing(), tile);
    value->setObjectName(objectName);
    QFont valueFont = value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.6);
    valueFont.setWeight(QFont::DemiBold);
    value->setFont(valueFont);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(captionLabel);
    column->addWidget(value);
    layout()->addWidget(tile);
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
}

QString AccountHeader::leverageText() const
{
    return m_leverage->text();
}

} // namespace kelly::ui
