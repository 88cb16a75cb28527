#include "OpenStoreDialog.h"

#include "StaleBanner.h"
#include "store/Store.h"
#include "store/StoreLocation.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace kelly::ui {

OpenStoreDialog::OpenStoreDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Open store"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("storeName"));
    m_name->setPlaceholderText(tr("a .sqlite file, or postgresql://user@host:5432/database"));
    m_name->setMinimumWidth(m_name->fontMetrics().averageCharWidth() * 60);
    auto* browse = new QPushButton(tr("File..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Open a SQLite store"), QString(), tr("KellyDesk stores (*.sqlite);;All (*)"));
        if (!file.isEmpty())
            m_name->setText(file);
    });
    // Issue 26: a password typed here is masked, as in any password field, and never kept.
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("storePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("PostgreSQL password (empty: ~/.pgpass or none)"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("openStoreError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #a91f1f;"));
    m_error->hide();
    auto* hint = new QLabel(tr("Type a password in the password field, not in the URL, or keep it "
                               "in ~/.pgpass. The store opens in a new window."),
                            this);
    hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &OpenStoreDialog::tryAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(m_name, 1);
    row->addWidget(browse);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_password);
    layout->addWidget(hint);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(buttons);
}

QString OpenStoreDialog::storeName() const
{
    const QString name = m_name->text().trimmed();
    if (m_password->text().isEmpty() || !store::isPostgresName(name))
        return name;
    QUrl url(name);
    url.setPassword(m_password->text()); // percent-encoded where it must be
    return url.toString(QUrl::FullyEncoded);
}

void OpenStoreDialog::tryAccept()
{
    // Open it here first: a typo or a refused login is said in the dialog, not by a window
    // that fails to start.
    store::Store probe;
    QString error;
    if (storeName().isEmpty() || !probe.open(storeName(), &error, true)) {
        // Issue 26: what happened in a trader's words, then what the server or file said.
        m_error->setText(storeName().isEmpty() ? tr("Give a file or a postgresql:// URL.")
                                               : tr("Not opened: %1.\n%2")
                                                     .arg(StaleBanner::inTraderWords(error),
                                                          store::printable(error)));
        m_error->show();
        // Grows to the error's lines rather than clipping it or covering the hint.
        adjustSize();
        return;
    }
    accept();
}

bool OpenStoreDialog::openInNewWindow(const QString& name, QString* error)
{
    QProcess process;
    process.setProgram(QCoreApplication::applicationFilePath());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KELLYDESK_DB"), name);
    process.setProcessEnvironment(environment);
    if (!process.startDetached()) {
        *error = process.errorString();
        return false;
    }
    return true;
}

} // namespace kelly::ui
