#include "SettingsDialog.h"

#include "DeskSession.h"
#include "Palette.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QVBoxLayout>

namespace kelly::ui {

SettingsDialog::SettingsDialog(DeskSession& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_status(new QLabel(this))
{
    setWindowTitle(tr("KellyDesk settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    // Issue 17: each setting in a trader's words with its unit, meaning and allowed values;
    // the store key stays visible (it is what `kellyctl get/set` takes). The form scrolls
    // instead of squashing a field when an error needs room.
    auto* content = new QWidget(this);
    auto* form = new QFormLayout(content);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setVerticalSpacing(12);
    const QString muted = QStringLiteral("color: %1;").arg(palette::muted().name());
    const store::EffectiveSettings& settings = session.state().settings;
    for (const store::SettingSpec& spec : store::settingRegistry()) {
        if (spec.key == store::SettingKey::Mode)
            continue;
        auto* edit = new QLineEdit(content);
        edit->setObjectName(QStringLiteral("setting_") + spec.name);
        edit->setMinimumWidth(spec.key == store::SettingKey::CryptoList ? 360 : 140);
        edit->setMinimumHeight(edit->sizeHint().height());
        edit->setToolTip(spec.description);
        edit->setPlaceholderText(spec.defaultValue.isEmpty() ? tr("empty = off") : QString());
        const store::EffectiveSetting& entry = settings.entry(spec.key);
        edit->setText(entry.storedValue);
        m_initial.insert(spec.key, entry.storedValue);
        auto* unit = new QLabel(spec.unit, content);
        unit->setStyleSheet(muted);
        auto* help = new QLabel(content);
        help->setObjectName(QStringLiteral("settingHelp_") + spec.name);
        help->setWordWrap(true);
        help->setStyleSheet(muted);
        QString helpText = spec.description;
        if (!spec.allowed.isEmpty())
            helpText += QStringLiteral(". ") + tr("Allowed: %1.").arg(spec.allowed);
        if (!spec.defaultValue.isEmpty() && spec.key != store::SettingKey::CryptoList)
            helpText += QLatin1Char(' ') + tr("Default %1.").arg(spec.defaultValue);
        help->setText(helpText.left(1).toUpper() + helpText.mid(1));
        auto* error = new QLabel(content);
        error->setObjectName(QStringLiteral("settingError_") + spec.name);
        error->setStyleSheet(QStringLiteral("color: %1;").arg(palette::over().name()));
        error->setWordWrap(true);
        error->setTextInteractionFlags(Qt::TextSelectableByMouse);
        error->hide();
        if (entry.lockedByEnv) {
            edit->setText(entry.value);
            edit->setReadOnly(true);
            edit->setEnabled(false);
            error->setText(tr("Locked by the environment variable %1 of this window (the store "
                              "holds %2)")
                               .arg(spec.envVar, entry.storedValue));
            error->setStyleSheet(muted);
            error->show();
        }
        auto* field = new QWidget(content);
        auto* column = new QVBoxLayout(field);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(3);
        auto* line = new QHBoxLayout;
        line->addWidget(edit, 1);
        line->addWidget(unit);
        column->addLayout(line);
        column->addWidget(help);
        column->addWidget(error);
        auto* caption = new QLabel(
            QStringLiteral("<b>%1</b><br><span style=\"%2\">%3</span>")
                .arg(spec.caption.isEmpty() ? spec.name : spec.caption, muted, spec.name),
            content);
        caption->setToolTip(spec.description);
        form->addRow(caption, field);
        m_fields.insert(spec.key, edit);
        m_errors.insert(spec.key, error);
    }
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setStyleSheet(QStringLiteral("color: %1;").arg(palette::over().name()));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Changes are written to the store with origin \"dashboard\" and "
                                "apply to the bot's next sizing call."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    // As tall as the form, but never taller than the screen (1024x640 at 150%).
    const QSize wanted(content->sizeHint().width() + 40, content->sizeHint().height() +
                                                             intro->sizeHint().height() +
                                                             buttons->sizeHint().height() + 60);
    const QRect available = (parent ? parent->screen() : screen())->availableGeometry();
    resize(wanted.boundedTo(available.size() * 0.9));
}

QString SettingsDialog::fieldError(store::SettingKey key) const
{
    const QLabel* label = m_errors.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

bool SettingsDialog::apply()
{
    QHash<store::SettingKey, QString> changes;
    bool valid = true;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        QLineEdit* edit = it.value();
        QLabel* error = m_errors.value(it.key());
        if (!edit->isEnabled())
            continue;
        edit->setStyleSheet(QString());
        error->hide();
        if (edit->text() == m_initial.value(it.key()))
            continue;
        QString why;
        const std::optional<QString> canonical =
            store::canonicalSettingValue(it.key(), edit->text(), &why);
        if (!canonical) {
            valid = false;
            edit->setStyleSheet(
                QStringLiteral("QLineEdit { border: 2px solid %1; }").arg(palette::over().name()));
            error->setText(why);
            error->show();
            continue;
        }
        changes.insert(it.key(), *canonical);
    }
    if (!valid) {
        m_status->setText(tr("Nothing was saved: fix the marked fields."));
        return false;
    }
    // SPEC 7 (issue 12): the changes together must keep the rules across settings (overnight
    // <= intraday), checked before anything is saved. Each write is checked again by the
    // store against what is stored then, so they go in an order that keeps the rules at
    // every step (a cash account lowers the overnight limit before the intraday one).
    QHash<QString, QString> candidate;
    for (const store::EffectiveSetting& entry : m_session.state().settings.entries)
        candidate.insert(store::settingSpec(entry.key).name, entry.storedValue);
    for (auto it = changes.cbegin(); it != changes.cend(); ++it)
        candidate.insert(store::settingSpec(it.key()).name, it.value());
    QString why;
    if (!store::resolveSettings(candidate, m_session.environment(), &why)) {
        m_status->setText(tr("Nothing was saved: %1").arg(why));
        return false;
    }
    while (!changes.isEmpty()) {
        QString error;
        bool wrote = false;
        for (auto it = changes.begin(); it != changes.end();) {
            if (!m_session.writeSetting(it.key(), it.value(), &error)) {
                ++it;
                continue;
            }
            m_initial.insert(it.key(), it.value());
            m_fields.value(it.key())->setText(it.value());
            it = changes.erase(it);
            wrote = true;
        }
        if (!wrote) {
            // The store's own refusal (a cross-field rule), in full, at the field and below.
            const store::SettingKey key = changes.cbegin().key();
            QLabel* label = m_errors.value(key);
            label->setText(error);
            label->show();
            m_fields.value(key)->setStyleSheet(
                QStringLiteral("QLineEdit { border: 2px solid %1; }").arg(palette::over().name()));
            m_status->setText(tr("Could not save %1: %2").arg(store::settingSpec(key).name, error));
            return false;
        }
    }
    return true;
}

} // namespace kelly::ui
