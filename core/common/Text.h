#pragma once

// Text from outside (price files, broker exports, a bot writing the store) on its way to a
// terminal, the screen or a log: control characters must not act there.

#include <string>
#include <string_view>

namespace kelly {

// `text` with every control character written out visibly: C0 (U+0000-U+001F, so also
// newlines and ESC), DEL, C1 (U+0080-U+009F), the invisible direction marks and the bidi
// embeddings, overrides and isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which
// can reorder what a reader sees. Bytes become \xHH, code points \u{HHHH}; everything else,
// including other UTF-8, is kept as it is.
std::string printable(std::string_view text);

} // namespace kelly
