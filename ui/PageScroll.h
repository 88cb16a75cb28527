#pragma once

class QScrollArea;
class QWidget;

namespace kelly::ui {

// Issue 26: a tab's page in a scroll area. At 1024x640 (and 150% on 1600x1000) every page
// fits without scrolling (tst_ui_fit); a larger font or a smaller screen scrolls the page
// instead of pushing the window past the screen. The page keeps its own minimum: unlike a
// plain resizable scroll area, a page with wrapped text is not held to its preferred height.
QScrollArea* scrollablePage(QWidget* page);

} // namespace kelly::ui
