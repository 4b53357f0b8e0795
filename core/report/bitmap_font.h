// Tunebench's own 5x7 bitmap font for the charts in report.md (printable ASCII, with room for
// descenders), and the text measures the chart layout needs: width in pixels, cutting to fit.
// Text is drawn by chart_canvas.h; anything outside printable ASCII becomes '?' first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tb::report {

inline constexpr int kGlyphWidth = 5;
// Rows 0..6: capitals, digits and x-height letters; 7..8: descenders.
inline constexpr int kGlyphRows = 9;
inline constexpr int kBodyRows = 7;  // height of capitals and digits
inline constexpr int kAdvance = 6;   // glyph plus one blank column
inline constexpr int kLineHeight = 11;

// The kGlyphRows rows of a printable ASCII character's glyph, one row per byte, bit 4 the
// leftmost column. `ch` must be font text (to_font_text).
const std::uint8_t* glyph_rows(char ch);

// Printable ASCII stays; tabs become spaces; any other character (a UTF-8 code point, a control
// character) becomes one '?'.
std::string to_font_text(std::string_view text);

// The width in pixels of font text drawn at `scale` (1 = 5x7 glyphs).
int text_width(std::string_view text, int scale);

// Cuts text to max_width pixels, ending in "..." when something was cut.
std::string fit_text(std::string text, int max_width, int scale);

}  // namespace tb::report
