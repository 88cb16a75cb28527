#include "Text.h"

#include <cstdio>

namespace kelly {

namespace {

bool isHiddenFormatting(unsigned codePoint)
{
    return codePoint == 0x200E || codePoint == 0x200F ||
           (codePoint >= 0x202A && codePoint <= 0x202E) ||
           (codePoint >= 0x2066 && codePoint <= 0x2069);
}

} // namespace

std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    char escaped[16];
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7F) {
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
            continue;
        }
        // C1 controls are two UTF-8 bytes (C2 80-9F); the formatting marks three (E2 80/81 ..).
        if (byte == 0xC2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                std::snprintf(escaped, sizeof escaped, "\\u{%04X}", next);
                out += escaped;
                ++i;
                continue;
            }
        }
        if (byte == 0xE2 && i + 2 < text.size() &&
            (static_cast<unsigned char>(text[i + 1]) & 0xC0u) == 0x80u &&
            (static_cast<unsigned char>(text[i + 2]) & 0xC0u) == 0x80u) {
            const unsigned codePoint = ((byte & 0x0Fu) << 12) |
                                       ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                                       (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
            if (isHiddenFormatting(codePoint)) {
                std::snprintf(escaped, sizeof escaped, "\\u{%04X}", codePoint);
                out += escaped;
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

} // namespace kelly
