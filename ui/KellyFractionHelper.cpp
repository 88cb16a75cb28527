#include "KellyFractionHelper.h"

#include "Format.h"
#include "Palette.h"
#include "sizing/KellyOdds.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>
#include <optional>

namespace kelly::ui {

namespace {

std::optional<double> numberIn(const QLineEdit* edit)
{
    if (!edit)
        return std::nullopt;
    bool ok = false;
    const double value = edit->text().trimmed().toDouble(&ok);
    return ok && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

} // namespace

KellyFractionHelper::KellyFractionHelper(QLineEdit* fraction, QLineEdit* intraday,
                                         double fallbackIntraday, QWidget* parent)
    : QWidget(parent), m_fraction(fraction), m_intraday(intraday),
      m_fallbackIntraday(fallbackIntraday), m_multiple(new QLabel(this)),
      m_toggle(new QPushButton(tr("From a drawdown budget..."), this)), m_budget(new QWidget(this)),
      m_drawdown(new QLineEdit(m_budget)), m_probability(new QLineEdit(m_budget)),
      m_budgetResult(new QLabel(m_budget))
{
    setObjectName(QStringLiteral("kellyFractionHelper"));
    m_multiple->setObjectName(QStringLiteral("kellyStockMultiple"));
    m_multiple->setWordWrap(true);
    m_toggle->setObjectName(QStringLiteral("kellyBudgetToggle"));
    m_toggle->setCheckable(true);
    m_toggle->setToolTip(tr("Which fraction keeps the odds of ever losing D at or under P "
                            "(SPEC 18, as kellyctl kelly --drawdown D --probability P)"));
    m_drawdown->setObjectName(QStringLiteral("kellyBudgetDrawdown"));
    m_drawdown->setPlaceholderText(QStringLiteral("0.2"));
    m_probability->setObjectName(QStringLiteral("kellyBudgetProbability"));
    m_probability->setPlaceholderText(QStringLiteral("0.05"));
    m_budgetResult->setObjectName(QStringLiteral("kellyBudgetResult"));
    m_budgetResult->setWordWrap(true);
    auto* fill = new QPushButton(tr("Fill in the fraction"), m_budget);
    fill->setObjectName(QStringLiteral("kellyBudgetFill"));

    auto* budgetForm = new QFormLayout(m_budget);
    budgetForm->setContentsMargins(12, 0, 0, 0);
    budgetForm->addRow(tr("Loss D (0.2 = 20%)"), m_drawdown);
    budgetForm->addRow(tr("Largest chance P (0.05 = 5%)"), m_probability);
    budgetForm->addRow(fill);
    budgetForm->addRow(m_budgetResult);
    m_budget->hide();

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(3);
    column->addWidget(m_multiple);
    column->addWidget(m_toggle, 0, Qt::AlignLeft);
    column->addWidget(m_budget);

    connect(m_toggle, &QPushButton::toggled, m_budget, &QWidget::setVisible);
    connect(fill, &QPushButton::clicked, this, &KellyFractionHelper::fillFromBudget);
    connect(m_fraction, &QLineEdit::textChanged, this, &KellyFractionHelper::updateMultiple);
    if (m_intraday)
        connect(m_intraday, &QLineEdit::textChanged, this, &KellyFractionHelper::updateMultiple);
    updateMultiple();
}

QString KellyFractionHelper::multipleText() const
{
    return m_multiple->text();
}

QString KellyFractionHelper::budgetText() const
{
    return m_budgetResult->text();
}

double KellyFractionHelper::intradayLimit() const
{
    const std::optional<double> typed = numberIn(m_intraday);
    return typed && *typed > 0.0 ? *typed : m_fallbackIntraday;
}

void KellyFractionHelper::updateMultiple()
{
    const std::optional<double> c = numberIn(m_fraction);
    if (!c || *c <= 0.0 || *c > 1.0) {
        m_multiple->setText(tr("A fraction above 0 and at most 1 (0.5 is half-Kelly)."));
        m_multiple->setStyleSheet(QString());
        return;
    }
    const double limit = intradayLimit();
    const double stock = *c * limit;
    const QString held = tr("A stock whose Kelly term binds is held at %1 x %2 = %3x full "
                            "Kelly; crypto at %4x. ")
                             .arg(*c, 0, 'g', 6)
                             .arg(limit, 0, 'g', 6)
                             .arg(stock, 0, 'f', 2)
                             .arg(*c, 0, 'g', 3);
    // SPEC 18: at 2x Kelly a right forecast grows nothing, and a halving comes in time.
    const QString odds =
        stock >= 2.0
            ? tr("At 2x and beyond, growth is zero or negative even if the forecast is right, "
                 "and a fall to half is certain in time.")
            : tr("If the forecast is right: a %1 chance to ever halve, %2 to ever be 20% down.")
                  .arg(format::chance(everFallsToProbability(stock, 0.5)),
                       format::chance(everFallsToProbability(stock, 0.8)));
    m_multiple->setText(held + odds);
    m_multiple->setStyleSheet(
        stock >= 2.0 ? QStringLiteral("color: %1;").arg(palette::over().name()) : QString());
}

bool KellyFractionHelper::fillFromBudget()
{
    const double drawdown = numberIn(m_drawdown).value_or(std::nan(""));
    const double probability = numberIn(m_probability).value_or(std::nan(""));
    const Result<DrawdownBudget> budget = kellyForDrawdownBudget(drawdown, probability);
    if (!budget) {
        m_budgetResult->setText(QString::fromStdString(budget.error().describe()));
        m_budgetResult->setStyleSheet(QStringLiteral("color: %1;").arg(palette::over().name()));
        return false;
    }
    const double limit = intradayLimit();
    const double setting = budget->effectiveFraction / limit;
    m_budgetResult->setText(
        tr("lambda %1, c* %2 (the largest Kelly multiple within the budget): the setting "
           "that holds a stock there at %3x is %4, filled in above.")
            .arg(budget->lambda, 0, 'f', 3)
            .arg(budget->effectiveFraction, 0, 'f', 4)
            .arg(limit, 0, 'g', 6)
            .arg(setting, 0, 'f', 4));
    m_budgetResult->setStyleSheet(QString());
    // c*/L exactly, as kellyctl kelly --apply stores it; Save writes it, audited.
    m_fraction->setText(QString::number(setting, 'g', 17));
    return true;
}

} // namespace kelly::ui
