#include "PageScroll.h"

#include <QEvent>
#include <QScrollArea>

namespace kelly::ui {

namespace {

// Holds the page at its own size without a layout: a QScrollArea sizes a widget whose
// layout has height-for-width to its preferred height, so wrapped text would make every
// such page scroll. This holder reports the page's minimum and fills itself with it.
class PageHolder final : public QWidget
{
public:
    explicit PageHolder(QWidget* page) : m_page(page)
    {
        page->setParent(this);
        page->installEventFilter(this);
    }

    QSize sizeHint() const override { return m_page->sizeHint(); }
    QSize minimumSizeHint() const override { return m_page->minimumSizeHint(); }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        m_page->setGeometry(rect());
        QWidget::resizeEvent(event);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // The page's minimum changed (a row appeared, a text grew): the scroll area asks again.
        if (watched == m_page && event->type() == QEvent::LayoutRequest)
            updateGeometry();
        return QWidget::eventFilter(watched, event);
    }

private:
    QWidget* m_page;
};

} // namespace

QScrollArea* scrollablePage(QWidget* page)
{
    auto* area = new QScrollArea;
    area->setObjectName(QStringLiteral("pageScroll"));
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setWidget(new PageHolder(page));
    return area;
}

} // namespace kelly::ui
