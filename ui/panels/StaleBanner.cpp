#include "StaleBanner.h"

#include "store/Store.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QToolButton>
#include <algorithm>

namespace kelly::ui {

StaleBanner::StaleBanner(QWidget* parent)
    : QFrame(parent), m_text(new QLabel(this)), m_detailsButton(new QToolButton(this))
{
    setObjectName(QStringLiteral("staleBannerFrame"));
    setStyleSheet(QStringLiteral(
        "#staleBannerFrame { background: #fde8e8; border: 1px solid #a91f1f; border-radius: 4px; }"
        " QLabel { color: #7f1515; font-weight: 600; }"));
    m_text->setObjectName(QStringLiteral("staleBanner"));
    m_text->setWordWrap(true);
    m_detailsButton->setObjectName(QStringLiteral("staleDetailsButton"));
    m_detailsButton->setText(tr("Details"));
    m_detailsButton->setAutoRaise(true);
    connect(m_detailsButton, &QToolButton::clicked, this, [this] {
        QMessageBox::information(this, tr("Why the store cannot be read"), m_details);
    });
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 4, 4, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_detailsButton, 0, Qt::AlignTop);
    m_text->hide();
    hide();
}

QString StaleBanner::inTraderWords(const QString& driverError)
{
    const QString e = driverError.toLower();
    const auto has = [&e](std::initializer_list<const char*> words) {
        return std::any_of(words.begin(), words.end(),
                           [&e](const char* word) { return e.contains(QLatin1String(word)); });
    };
    if (has({"locking protocol", "database is locked", "busy"}))
        return tr("another program holds the store locked (the bot writing, or a copy or backup "
                  "of the file)");
    if (has({"moved", "replaced", "no such file", "unable to open", "disk i/o", "readonly",
             "read-only"}))
        return tr("the store file is missing, was moved or replaced, or its disk cannot be read");
    if (has({"password", "authentication", "permission denied", "role"}))
        return tr("the database server refused this login");
    if (has({"connect", "server closed", "timeout", "timed out", "network", "host"}))
        return tr("the database server does not answer");
    if (has({"no such table", "no such column", "does not exist", "schema", "malformed"}))
        return tr("the store's contents are not what this version expects");
    return tr("the store could not be read");
}

void StaleBanner::setError(const QString& sinceText, const QString& driverError)
{
    if (driverError.isEmpty()) {
        m_details.clear();
        m_text->hide();
        hide();
        return;
    }
    // Tabs and line breaks in a driver's message read as spaces, not as escapes.
    QString raw = driverError;
    raw.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    m_details = store::printable(raw.simplified());
    m_text->setText(tr("Store unreachable since %1: %2. The figures below are frozen at that "
                       "time; the desk keeps trying.")
                        .arg(sinceText, inTraderWords(driverError)));
    m_detailsButton->setToolTip(m_details);
    m_text->show();
    show();
}

QString StaleBanner::text() const
{
    return m_text->isHidden() ? QString() : m_text->text();
}

} // namespace kelly::ui
