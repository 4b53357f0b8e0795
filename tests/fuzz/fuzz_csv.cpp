// libFuzzer target: delimiter sniffing and the CSV parser on arbitrary bytes, with a small row
// limit. Traps if parsing does not end, a line number goes back, or progress leaves [0, 1] or goes
// back. Not a check of the parsed values (the unit tests do that).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/data/csv_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const char delimiter = tb::data::sniff_delimiter(text);
  tb::data::CsvParser parser(text, delimiter, 4096);
  tb::data::CsvRow row;
  std::optional<tb::data::CsvIssue> issue;
  std::int64_t last_line = 0;
  double last_progress = parser.progress();
  if (last_progress < 0.0 || last_progress > 1.0) __builtin_trap();
  // Every call consumes at least one byte, so more calls than bytes means a loop.
  std::size_t calls = 0;
  while (parser.next(row, issue)) {
    if (++calls > size) __builtin_trap();
    const std::int64_t line = issue ? issue->line : row.line;
    if (line < 1 || line < last_line) __builtin_trap();
    if (issue && issue->reason.empty()) __builtin_trap();
    if (!issue && row.fields.empty()) __builtin_trap();
    const double progress = parser.progress();
    if (progress < 0.0 || progress > 1.0 || progress <= last_progress) __builtin_trap();
    last_line = line;
    last_progress = progress;
  }
  if (parser.progress() != 1.0) __builtin_trap();
  return 0;
}
