#pragma once

#include <QIcon>

namespace kelly::ui {

// The window and tray icon: resources/icons/kellydesk.svg (in kellydesk's .qrc) where Qt can
// read SVG, else the same drawing painted in code, since Debian's Qt installs no SVG image
// plugin by default.
QIcon appIcon();

} // namespace kelly::ui
