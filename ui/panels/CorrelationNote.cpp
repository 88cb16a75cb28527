#include "CorrelationNote.h"

#include "Format.h"

#include <QCoreApplication>
#include <QStringList>
#include <cmath>

namespace kelly::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("CorrelationNote", text);
}

// Long books list a few uncovered symbols and count the rest.
constexpr qsizetype kUncoveredShown = 8;

QString reasonExplanation(CorrelationReason reason, const QString& symbol)
{
    switch (reason) {
    case CorrelationReason::SettingOff:
        return tr("Correlation-aware sizing is off (setting correlation_aware): the enhanced size "
                  "ignores what the book already holds.");
    case CorrelationReason::NoBuild:
        return tr("No correlation build yet: build one on the Correlation tab so the enhanced "
                  "size accounts for what the book already holds.");
    case CorrelationReason::StaleBuild:
        return tr("The correlation build's data (its last prices) is older than 7 days: the "
                  "enhanced size ignores correlation until it is rebuilt from newer prices "
                  "(Correlation tab).");
    case CorrelationReason::SymbolNotInBuild:
        return tr("%1 is not in the correlation build: the enhanced size ignores correlation. "
                  "Add its prices and rebuild to include it.")
            .arg(symbol);
    }
    return {};
}

} // namespace

QString bookCovText(double bookCov)
{
    if (!std::isfinite(bookCov))
        return format::missing();
    if (bookCov == 0.0)
        return QStringLiteral("0");
    const QString sign = bookCov > 0.0 ? QStringLiteral("+") : QStringLiteral("-");
    const double magnitude = std::abs(bookCov);
    // Five decimals read as a daily covariance; smaller figures keep two significant digits.
    return sign + (magnitude >= 5e-6 ? QString::number(magnitude, 'f', 5)
                                     : QString::number(magnitude, 'g', 2));
}

QString contributionText(const BookCovContribution& c)
{
    return QStringLiteral("%1 %2 (rho %3, weight %4)")
        .arg(QString::fromStdString(c.symbol), bookCovText(c.bookCov),
             QString::number(c.rho, 'f', 2), QString::number(c.weight, 'f', 2));
}

QString correlationExplanation(const SizingResult& r)
{
    const QString symbol = QString::fromStdString(r.symbol);
    if (r.method != SizingMode::Enhanced)
        return {};
    if (r.correlationReason)
        return reasonExplanation(*r.correlationReason, symbol);
    if (!r.correlationAware || !r.bookCov || !r.baseFractionUncorrelated || !r.qtyUncorrelated)
        return {};

    QStringList lines;
    const QString bookCov = bookCovText(*r.bookCov);
    if (*r.bookCov > 0.0)
        lines << tr("Correlation-aware: the book already moves with %1 (book_cov %2 a day per "
                    "unit of equity), which calls for a smaller add.")
                     .arg(symbol, bookCov);
    else if (*r.bookCov < 0.0)
        lines << tr("Correlation-aware: %1 hedges the book (book_cov %2 a day per unit of "
                    "equity), which allows a larger add.")
                     .arg(symbol, bookCov);
    else
        lines << tr("Correlation-aware: nothing held moves with %1 (book_cov 0).").arg(symbol);

    const QString qtyBefore = format::qty(*r.qtyUncorrelated, r.assetClass);
    const QString qtyAfter = format::qty(r.qty, r.assetClass);
    const QString baseBefore = format::fraction(r.baseFractionUncorrelated);
    const QString baseAfter = format::fraction(r.baseFraction);
    if (*r.qtyUncorrelated != r.qty)
        lines << tr("Kelly base %1 \u2192 %2, quantity %3 \u2192 %4.")
                     .arg(baseBefore, baseAfter, qtyBefore, qtyAfter);
    else if (baseBefore != baseAfter)
        lines << tr("Kelly base %1 \u2192 %2, but the %3 limit binds either way: quantity "
                    "%4 unchanged.")
                     .arg(baseBefore, baseAfter, QString::fromLatin1(bindingLimitName(r.binding)),
                          qtyAfter);
    else
        lines << tr("The Kelly base stays at %1 (it is capped at 1), quantity %2 unchanged.")
                     .arg(baseAfter, qtyAfter);
    if (!r.largestContributions.empty()) {
        QStringList parts;
        for (const BookCovContribution& c : r.largestContributions)
            parts << contributionText(c);
        lines << tr("Largest contributions: %1.").arg(parts.join(QStringLiteral("; ")));
    }
    if (!r.uncovered.empty()) {
        QStringList names;
        for (const std::string& name : r.uncovered) {
            if (names.size() == kUncoveredShown)
                break;
            names << QString::fromStdString(name);
        }
        const qsizetype more = static_cast<qsizetype>(r.uncovered.size()) - names.size();
        lines << tr("Read as uncorrelated (no correlation in the build): %1%2.")
                     .arg(names.join(QStringLiteral(", ")),
                          more > 0 ? tr(" and %1 more").arg(more) : QString());
    }
    return lines.join(QLatin1Char('\n'));
}

QString correlationLogCell(const SizingResult& r)
{
    if (r.correlationAware && r.qtyUncorrelated) {
        if (*r.qtyUncorrelated == r.qty)
            return tr("applied, no change");
        return format::qty(*r.qtyUncorrelated, r.assetClass) + QStringLiteral(" \u2192 ") +
               format::qty(r.qty, r.assetClass);
    }
    if (r.correlationReason)
        return tr("off: %1").arg(QString::fromLatin1(correlationReasonName(*r.correlationReason)));
    return {};
}

} // namespace kelly::ui
