#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace kelly::ui {

// Issue 26 item 3: the banner shown while the store cannot be read. It says what happened
// in a trader's words; the driver's own text waits behind "Details" (and its tooltip).
class StaleBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit StaleBanner(QWidget* parent = nullptr);

    // `sinceText` is when the figures were last read ("11:00:00 ET"); `driverError` the
    // store's raw error. An empty error hides the banner.
    void setError(const QString& sinceText, const QString& driverError);
    QString text() const;
    QString details() const { return m_details; }

    // What a store error means for the trader, without the driver's words.
    static QString inTraderWords(const QString& driverError);

private:
    QLabel* m_text;
    QToolButton* m_detailsButton;
    QString m_details;
};

} // namespace kelly::ui
