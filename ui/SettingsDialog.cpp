#include "SettingsDialog.h"

#include "DeskSession.h"
#include "KellyFractionHelper.h"
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
#include <algorithm>

namespace kelly::ui {

SettingsDialog::SettingsDialog(DeskSession& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_status(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
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
        if (spec.key == store::SettingKey::KellyFraction) {
            m_kellyHelper = new KellyFractionHelper(
                edit, m_fields.value(store::SettingKey::MaxIntradayLeverage),
                settings.limits.intradayLeverage, content);
            column->addWidget(m_kellyHelper);
        }
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
    auto* buttons = m_buttons;
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_session, &DeskSession::writeFinished, this, &SettingsDialog::onWriteFinished);
    connect(&m_session, &DeskSession::writeWaiting, this, [this](DeskWrite kind) {
        if (kind != DeskWrite::Settings || !saving())
            return;
        setStatus(tr("Store busy: a bot holds its write lock. The save is waiting and keeps "
                     "trying; Close leaves it trying (the status bar says how it ended)."),
                  false);
        m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    });
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

QString SettingsDialog::statusText() const
{
    return m_status->text();
}

void SettingsDialog::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(
        QStringLiteral("color: %1;").arg((error ? palette::over() : palette::muted()).name()));
}

void SettingsDialog::markField(store::SettingKey key, const QString& error)
{
    m_fields.value(key)->setStyleSheet(
        QStringLiteral("QLineEdit { border: 2px solid %1; }").arg(palette::over().name()));
    QLabel* label = m_errors.value(key);
    label->setText(error);
    label->show();
}

std::optional<QString> SettingsDialog::crossFieldRefusal(const SettingChanges& changes)
{
    // Issue 26 item 7: the store's rule says "stored" of every value; here one was typed.
    // Say which, and mark both limits, since changing either one fixes it.
    const auto valueOf = [&](store::SettingKey key) {
        for (const auto& [changed, value] : changes)
            if (changed == key)
                return std::pair{value, tr("typed")};
        const store::EffectiveSetting& entry = m_session.state().settings.entry(key);
        return entry.lockedByEnv
                   ? std::pair{entry.value, tr("set by %1").arg(store::settingSpec(key).envVar)}
                   : std::pair{entry.storedValue, tr("saved")};
    };
    const auto [overnight, overnightFrom] = valueOf(store::SettingKey::MaxOvernightLeverage);
    const auto [intraday, intradayFrom] = valueOf(store::SettingKey::MaxIntradayLeverage);
    if (overnight.toDouble() <= intraday.toDouble())
        return std::nullopt;
    const QString overnightName = store::settingSpec(store::SettingKey::MaxOvernightLeverage).name;
    const QString intradayName = store::settingSpec(store::SettingKey::MaxIntradayLeverage).name;
    const QString message =
        tr("%1 (%2, %3) must be at most %4 (%5, %6): the overnight limit cannot exceed the "
           "intraday limit. Lower %1 or raise %4.")
            .arg(overnightName, overnight, overnightFrom, intradayName, intraday, intradayFrom);
    markField(store::SettingKey::MaxOvernightLeverage, message);
    markField(store::SettingKey::MaxIntradayLeverage, message);
    return message;
}

bool SettingsDialog::apply()
{
    if (saving())
        return false;
    SettingChanges changes;
    bool valid = true;
    for (const store::SettingSpec& spec : store::settingRegistry()) {
        QLineEdit* edit = m_fields.value(spec.key);
        if (!edit || !edit->isEnabled())
            continue;
        edit->setStyleSheet(QString());
        m_errors.value(spec.key)->hide();
        if (edit->text() == m_initial.value(spec.key))
            continue;
        QString why;
        const std::optional<QString> canonical =
            store::canonicalSettingValue(spec.key, edit->text(), &why);
        if (!canonical) {
            valid = false;
            markField(spec.key, why);
            continue;
        }
        changes.emplace_back(spec.key, *canonical);
    }
    if (!valid) {
        setStatus(tr("Nothing was saved: fix the marked fields."), true);
        return false;
    }
    if (changes.empty()) {
        accept();
        return true;
    }
    // SPEC 7 (issue 12): the changes together must keep the rules across settings (overnight
    // <= intraday), checked before anything is saved. The store checks each write again
    // against what is stored then (DeskWriter writes them in an order that keeps the rules).
    QHash<QString, QString> candidate;
    for (const store::EffectiveSetting& entry : m_session.state().settings.entries)
        candidate.insert(store::settingSpec(entry.key).name, entry.storedValue);
    for (const auto& [key, value] : changes)
        candidate.insert(store::settingSpec(key).name, value);
    QString why;
    if (!store::resolveSettings(candidate, m_session.environment(), &why)) {
        setStatus(tr("Nothing was saved: %1").arg(crossFieldRefusal(changes).value_or(why)), true);
        return false;
    }
    m_sent = changes;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    setStatus(tr("Saving..."), false);
    m_session.writeSettings(std::move(changes)); // before start() the outcome comes at once
    return true;
}

void SettingsDialog::onWriteFinished(const DeskWriteOutcome& outcome)
{
    if (outcome.kind != DeskWrite::Settings || !saving())
        return;
    const SettingChanges sent = std::exchange(m_sent, {});
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));
    QStringList saved;
    for (const auto& [key, value] : sent) {
        if (std::find(outcome.savedSettings.begin(), outcome.savedSettings.end(), key) ==
            outcome.savedSettings.end())
            continue;
        m_initial.insert(key, value);
        m_fields.value(key)->setText(value);
        saved << store::settingSpec(key).name;
    }
    if (outcome.written) {
        setStatus(QString(), false);
        accept();
        return;
    }
    // The store's own refusal (a cross-field rule), in full, at the field and below.
    const QString savedNote =
        saved.isEmpty() ? QString() : tr(" (saved: %1)").arg(saved.join(QStringLiteral(", ")));
    if (outcome.refusedSetting) {
        markField(*outcome.refusedSetting, outcome.error);
        setStatus(
            tr("Could not save %1: %2%3")
                .arg(store::settingSpec(*outcome.refusedSetting).name, outcome.error, savedNote),
            true);
        return;
    }
    setStatus(tr("Could not save: %1%2").arg(outcome.error, savedNote), true);
}

} // namespace kelly::ui
