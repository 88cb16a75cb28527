#pragma once

class QHeaderView;

namespace kelly::ui {

// Issue 26 item 7: Qt draws a descending sort as an upward arrow on Linux styles (it maps
// Qt::DescendingOrder to SortUp); a trader reads an upward arrow as "smallest first". After
// this call `header` points its arrow down over rows sorted largest first, up otherwise.
void useTraderSortArrows(QHeaderView* header);

} // namespace kelly::ui
