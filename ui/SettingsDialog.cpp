#include "SettingsDialog.h"

#include "DeskSession.h"
#include "Palette.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace kelly::ui {

SettingsDialog::SettingsDialog(DeskSession& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_status(new QLabel(this))
{
    setWindowTitle(tr("KellyDesk settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    const store::EffectiveSettings& settings = session.state().settings;
    for (const store::SettingSpec& spec : store::settingRegistry()) {
        if (spec.key == store::SettingKey::Mode)
            continue;
        auto* edit = new QLineEdit(this);
        edit->setObjectName(QStringLiteral("setting_") + spec.name);
        edit->setMinimumWidth(360);
        edit->setToolTip(spec.description);
        const store::EffectiveSetting* entry = nullptr;
        for (const store::EffectiveSetting& e : settings.entries)
            if (e.key == spec.key)
                entry = &e;
        const QString value = entry ? entry->storedValue : spec.defaultValue;
        edit->setText(value);
        m_initial.insert(spec.key, value);
        auto* error = new QLabel(this);
        error->setStyleSheet(QStringLiteral("color: %1;").arg(palette::over().name()));
        error->setWordWrap(true);
        error->hide();
        if (entry && entry->lockedByEnv) {
            edit->setText(entry->value);
            edit->setReadOnly(true);
            edit->setEnabled(false);
            error->setText(tr("Locked by the environment variable %1").arg(spec.envVar));
            error->setStyleSheet(QStringLiteral("color: %1;").arg(palette::muted().name()));
            error->show();
        }
        auto* field = new QWidget(this);
        auto* column = new QVBoxLayout(field);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        column->addWidget(edit);
        column->addWidget(error);
        auto* caption = new QLabel(spec.name, this);
        caption->setToolTip(spec.description);
        form->addRow(caption, field);
        m_fields.insert(spec.key, edit);
        m_errors.insert(spec.key, error);
    }
    m_status->setWordWrap(true);
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
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
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
            m_status->setText(tr("Could not save %1: %2")
                                  .arg(store::settingSpec(changes.cbegin().key()).name, error));
            return false;
        }
    }
    return true;
}

} // namespace kelly::ui
