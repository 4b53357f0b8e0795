// CSV/TSV parsing for dataset import: RFC 4180 records (quoted fields, doubled quotes, LF / CRLF /
// CR line ends) read one at a time from text already in memory, with a per-row issue instead of
// an exception so that one bad row never loses the rest of the file; plus delimiter sniffing.
// Not for writing CSV, type inference or UTF-8 validation: fields are returned byte for byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb::data {

// The delimiters sniff_delimiter() chooses among, in order of preference on a tie.
inline constexpr std::array<char, 4> kSniffDelimiters = {',', ';', '\t', '|'};
// How many records of the sample sniff_delimiter() looks at.
inline constexpr std::size_t kSniffRecords = 20;
inline constexpr std::size_t kDefaultMaxRowBytes = std::size_t{16} << 20;

// The delimiter among kSniffDelimiters that gives the same field count (> 1) on the most of the
// first kSniffRecords records of `sample`, ties going to the earlier one; ',' when none fits.
// Quote-aware: a delimiter inside a quoted field does not count, and a record whose quotes are
// misplaced for a candidate (a quote inside an unquoted field, text after a closing quote) does
// not count for that candidate.
char sniff_delimiter(std::string_view sample);

struct CsvRow {
  std::int64_t line = 0;  // 1-based line on which the row starts
  std::vector<std::string> fields;
};

// A row that cannot be parsed; `line` is the line on which it starts.
struct CsvIssue {
  std::int64_t line = 0;
  std::string reason;
};

// Reads `text` (which must outlive the parser) row by row. Each next() yields a row or an issue;
// after an issue parsing resumes at a following line:
//   - "text after a closing quote in field N": after the line where that text is;
//   - "a quoted field is never closed (it opens on line L)": after line L;
//   - "row longer than the limit of X MiB": after the end of that row (never buffered whole).
//     A row's size is its bytes in the text plus sizeof(std::string) per field, which bounds the
//     memory a row holds; a limit that is not whole MiB is stated in bytes.
// Completely empty lines are skipped; a quote inside an unquoted field is kept literally.
// Linear time in the size of the text, whatever it holds (binary and NUL bytes included).
class CsvParser {
 public:
  // Throws std::invalid_argument if `delimiter` is '"', '\r' or '\n'.
  CsvParser(std::string_view text, char delimiter, std::size_t max_row_bytes = kDefaultMaxRowBytes);

  // False at the end of the text. Otherwise either fills `row` and resets `issue`, or sets
  // `issue` and leaves `row` with the issue's line and no fields. `row`'s strings are reused.
  bool next(CsvRow& row, std::optional<CsvIssue>& issue);

  // Bytes consumed / total bytes, in [0, 1]; 1 for an empty text.
  double progress() const;

 private:
  // The position just after the line end of the physical line that contains `from`.
  std::size_t after_physical_line(std::size_t from) const;
  // The position just after the line end (LF, CRLF or a lone CR) at `at`.
  std::size_t after_line_end(std::size_t at) const;
  // How many line ends lie in [from, to) (a CRLF counts once).
  std::int64_t count_line_ends(std::size_t from, std::size_t to) const;

  std::string_view text_;
  char delimiter_;
  std::size_t max_row_bytes_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

}  // namespace tb::data
