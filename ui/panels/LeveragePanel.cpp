#include "LeveragePanel.h"

#include "Format.h"
#include "LeverageGauge.h"
#include "MarginGauge.h"
#include "Palette.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace kelly::ui {

namespace {

QString colourStyle(LimitState state)
{
    return state == LimitState::Ok ? QString()
                                   : QStringLiteral("color: %1; font-weight: 600;")
                                         .arg(palette::forState(state).name());
}

} // namespace

LeveragePanel::LeveragePanel(QWidget* parent)
    : QWidget(parent), m_gauge(new LeverageGauge(this)), m_marginGauge(new MarginGauge(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4); // issue 26: every pixel counts at 1024x640
    auto* gauges = new QHBoxLayout;
    auto* gaugeBox = new QGroupBox(tr("Gross leverage against the limits"), this);
    auto* gaugeLayout = new QVBoxLayout(gaugeBox);
    gaugeLayout->addWidget(m_gauge);
    gaugeLayout->addStretch(1);
    gaugeBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    gauges->addWidget(gaugeBox, 1);

    // Issue 21: the broker's maintenance margin beside the trader's leverage limits.
    auto* marginBox = new QGroupBox(tr("Maintenance margin (the broker's line)"), this);
    auto* marginLayout = new QVBoxLayout(marginBox);
    marginLayout->setSpacing(2);
    m_marginHeadline = new QLabel(marginBox);
    m_marginHeadline->setObjectName(QStringLiteral("marginHeadline"));
    m_marginHeadline->setWordWrap(true);
    QFont bold = m_marginHeadline->font();
    bold.setWeight(QFont::DemiBold);
    m_marginHeadline->setFont(bold);
    m_marginFigures = new QLabel(marginBox);
    m_marginFigures->setObjectName(QStringLiteral("marginFigures"));
    m_marginFigures->setWordWrap(true);
    m_marginFigures->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    m_brokerCheck = new QLabel(marginBox);
    m_brokerCheck->setObjectName(QStringLiteral("brokerMarginCheck"));
    m_brokerCheck->setWordWrap(true);
    m_brokerCheck->setStyleSheet(colourStyle(LimitState::Near));
    m_brokerCheck->hide();
    marginLayout->addWidget(m_marginHeadline);
    marginLayout->addWidget(m_marginGauge);
    marginLayout->addWidget(m_marginFigures);
    marginLayout->addWidget(m_brokerCheck);
    marginBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    gauges->addWidget(marginBox, 1);
    layout->addLayout(gauges);

    auto* figures = new QGroupBox(tr("Before the close"), this);
    m_figureGrid = new QGridLayout(figures);
    m_figureGrid->setHorizontalSpacing(36);
    m_figureGrid->setVerticalSpacing(4);
    m_leverage = addFigure(0, 0, tr("Gross leverage"), QStringLiteral("leverageFigure"));
    m_intraday = addFigure(0, 1, tr("Intraday limit"), QStringLiteral("intradayFigure"));
    m_overnight = addFigure(0, 2, tr("Overnight limit"), QStringLiteral("overnightFigure"));
    m_borrowed = addFigure(0, 3, tr("Borrowed"), QStringLiteral("borrowedFigure"));
    m_reduceBy =
        addFigure(2, 0, tr("Reduce by before the close"), QStringLiteral("reduceByFigure"));
    m_closeIn = addFigure(2, 1, tr("US close in"), QStringLiteral("closeInFigure"));
    m_financingPerNight =
        addFigure(2, 2, tr("Financing per night"), QStringLiteral("financingPerNightFigure"));
    m_financingTonight =
        addFigure(2, 3, tr("Financing tonight"), QStringLiteral("financingTonightFigure"));
    m_financingPerNight->setToolTip(tr("Borrowed x annual rate / 360 (brokers' day count)"));
    figures->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    layout->addWidget(figures);
}

LimitState LeveragePanel::overnightColour(const ExposureReport& report)
{
    // Issue 26 (README, limit colours): the overnight limit binds at the close, so being over
    // it is amber during the day and red only in the close warning's last 30 minutes.
    return report.overnightState == LimitState::Over && !report.closeWarning
               ? LimitState::Near
               : report.overnightState;
}

QLabel* LeveragePanel::addFigure(int row, int column, const QString& caption,
                                 const QString& objectName)
{
    QGridLayout* grid = m_figureGrid;
    auto* captionLabel = new QLabel(caption, this);
    captionLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
    auto* value = new QLabel(format::missing(), this);
    value->setObjectName(objectName);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * 1.35);
    value->setFont(font);
    grid->addWidget(captionLabel, row, column);
    grid->addWidget(value, row + 1, column);
    return value;
}

void LeveragePanel::addBelow(QWidget* widget)
{
    static_cast<QVBoxLayout*>(layout())->addWidget(widget, 1);
}

void LeveragePanel::setMargin(const DeskMargin& margin)
{
    const MarginReport& report = margin.report;
    m_marginGauge->setMargin(margin);
    m_marginHeadline->setText(m_marginGauge->headline());
    const bool callNow = report.callFallPct && *report.callFallPct == 0.0;
    m_marginHeadline->setStyleSheet(callNow ? colourStyle(LimitState::Over) : QString());
    QString figures =
        tr("Requirement %1, excess %2")
            .arg(format::usd(report.book.maintenanceUsd), format::usd(report.book.excessUsd()));
    if (report.callRisePct && *report.callRisePct > 0.0) // 0 is the call now, said above
        figures += tr("; a %1 rise calls too").arg(format::pct(*report.callRisePct, 1));
    figures += margin.brokerMaintenanceUsd
                   ? tr("; the broker's figure %1").arg(format::usd(*margin.brokerMaintenanceUsd))
                   : tr("; no broker figure yet (sync)");
    m_marginFigures->setText(figures);
    const QString mismatch = margin.brokerMismatchText();
    m_brokerCheck->setText(mismatch.isEmpty() ? QString()
                                              : mismatch.left(1).toUpper() + mismatch.mid(1));
    m_brokerCheck->setVisible(!mismatch.isEmpty());
}

void LeveragePanel::setReport(const ExposureReport& report)
{
    m_gauge->setReport(report);
    m_leverage->setText(format::leverage(report.leverage));
    m_leverage->setStyleSheet(colourStyle(palette::bookState(report)));
    m_intraday->setText(format::leverage(report.intradayLimit) + QStringLiteral("  ") +
                        QString::fromLatin1(limitStateName(report.intradayState)));
    m_intraday->setStyleSheet(colourStyle(report.intradayState));
    m_overnight->setText(format::leverage(report.overnightLimit) + QStringLiteral("  ") +
                         QString::fromLatin1(limitStateName(report.overnightState)));
    m_overnight->setStyleSheet(colourStyle(overnightColour(report)));
    m_borrowed->setText(format::usd(report.borrowedUsd));
    m_reduceBy->setText(format::usd(report.reduceByUsd));
    m_reduceBy->setStyleSheet(report.reduceByUsd <= 0.0 ? QString()
                              : report.closeWarning     ? colourStyle(LimitState::Over)
                                                        : colourStyle(LimitState::Near));
    m_closeIn->setText(format::duration(report.timeToClose) + QStringLiteral("  (") +
                       format::newYorkTime(report.nextClose) + QLatin1Char(')'));
    m_closeIn->setStyleSheet(report.closeWarning ? colourStyle(LimitState::Over) : QString());
    m_financingPerNight->setText(format::usd(report.financingPerNightUsd, 2));
    m_financingTonight->setText(report.financedDaysTonight == 1
                                    ? format::usd(report.financingTonightUsd, 2)
                                    : tr("%1 (%2 nights)")
                                          .arg(format::usd(report.financingTonightUsd, 2))
                                          .arg(report.financedDaysTonight));
}

} // namespace kelly::ui
