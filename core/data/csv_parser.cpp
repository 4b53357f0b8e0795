// CSV/TSV parsing (see csv_parser.h). One forward scan: quoted fields are found with memchr and
// copied in spans, and every kind of resynchronisation moves forward, so the work stays linear
// even for hostile input. Not a streaming reader: the whole text is in memory.
#include "core/data/csv_parser.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace tb::data {

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

// The limit as the issue states it: whole MiB when it is, bytes otherwise.
std::string describe_limit(std::size_t bytes) {
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// The position of the first '"' at or after `from`, or text.size().
std::size_t find_quote(std::string_view text, std::size_t from) {
  const void* hit = std::memchr(text.data() + from, '"', text.size() - from);
  return hit == nullptr ? text.size()
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
}

// The field count of each of the first kSniffRecords records of `text` read with `delimiter`;
// 0 for a record whose quotes are misplaced for that delimiter. A last record that the text cuts
// inside a quoted field is left out.
std::vector<std::size_t> sniff_field_counts(std::string_view text, char delimiter) {
  std::vector<std::size_t> counts;
  const std::size_t n = text.size();
  std::size_t p = 0;
  while (counts.size() < kSniffRecords) {
    // 1. Skip line ends and empty lines; stop at the end.
    while (p < n && is_line_end(text[p])) ++p;
    if (p >= n) break;
    // 2. Fields up to the end of the record.
    std::size_t fields = 1;
    bool clean = true;
    for (;;) {
      if (p < n && text[p] == '"') {
        ++p;
        for (;;) {
          const std::size_t q = find_quote(text, p);
          if (q == n) return counts;
          if (q + 1 < n && text[q + 1] == '"') {
            p = q + 2;
            continue;
          }
          p = q + 1;
          break;
        }
        if (p < n && text[p] != delimiter && !is_line_end(text[p])) {
          clean = false;
          while (p < n && !is_line_end(text[p])) ++p;
        }
      } else {
        for (; p < n && text[p] != delimiter && !is_line_end(text[p]); ++p) {
          if (text[p] == '"') clean = false;
        }
      }
      if (p < n && text[p] == delimiter) {
        ++fields;
        ++p;
        continue;
      }
      break;
    }
    counts.push_back(clean ? fields : 0);
  }
  return counts;
}

}  // namespace

char sniff_delimiter(std::string_view sample) {
  char best = ',';
  std::size_t best_score = 0;
  for (const char candidate : kSniffDelimiters) {
    // 1. Field counts of the first records with this candidate.
    std::vector<std::size_t> counts = sniff_field_counts(sample, candidate);
    // 2. Score: how many records share the most common field count above 1.
    std::sort(counts.begin(), counts.end());
    std::size_t score = 0;
    for (std::size_t i = 0; i < counts.size();) {
      std::size_t j = i;
      while (j < counts.size() && counts[j] == counts[i]) ++j;
      if (counts[i] > 1) score = std::max(score, j - i);
      i = j;
    }
    // 3. Strictly better only, so that ties keep the earlier candidate.
    if (score > best_score) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

CsvParser::CsvParser(std::string_view text, char delimiter, std::size_t max_row_bytes)
    : text_(text), delimiter_(delimiter), max_row_bytes_(max_row_bytes) {
  if (delimiter == '"' || is_line_end(delimiter)) {
    throw std::invalid_argument("CsvParser: the delimiter cannot be a quote or a line end");
  }
}

std::size_t CsvParser::after_line_end(std::size_t at) const {
  if (text_[at] == '\r' && at + 1 < text_.size() && text_[at + 1] == '\n') return at + 2;
  return at + 1;
}

std::size_t CsvParser::after_physical_line(std::size_t from) const {
  std::size_t p = from;
  while (p < text_.size() && !is_line_end(text_[p])) ++p;
  return p < text_.size() ? after_line_end(p) : p;
}

std::int64_t CsvParser::count_line_ends(std::size_t from, std::size_t to) const {
  std::int64_t count = 0;
  for (std::size_t i = from; i < to; ++i) {
    if (text_[i] == '\n') {
      ++count;
    } else if (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n')) {
      ++count;
    }
  }
  return count;
}

bool CsvParser::next(CsvRow& row, std::optional<CsvIssue>& issue) {
  issue.reset();
  const std::size_t n = text_.size();

  // 1. Skip completely empty lines; the end of the text ends the rows.
  while (pos_ < n && is_line_end(text_[pos_])) {
    pos_ = after_line_end(pos_);
    ++line_;
  }
  if (pos_ >= n) return false;

  const std::size_t row_start = pos_;
  const std::int64_t row_line = line_;
  std::int64_t at_line = line_;  // the physical line the scan is on
  std::size_t p = pos_;
  std::size_t field_number = 0;  // 1-based number of the field being read
  std::size_t filled = 0;        // fields written into row.fields
  bool too_long = false;         // past max_row_bytes_: scan on to the row's end, keep nothing

  // An issue for this row; parsing resumes at `resume_at`, on line `resume_line`.
  auto fail = [&](std::string reason, std::size_t resume_at, std::int64_t resume_line) {
    issue = CsvIssue{row_line, std::move(reason)};
    row.line = row_line;
    row.fields.clear();
    pos_ = std::max(resume_at, row_start + 1);
    line_ = std::max(resume_line, row_line + 1);
    return true;
  };
  // Whether the row may hold its text up to `end`; the first time it may not, drop what it holds.
  // Each field also costs its string, so that a row of many empty fields is bounded too.
  auto fits = [&](std::size_t end) {
    if (!too_long && end - row_start + filled * sizeof(std::string) > max_row_bytes_) {
      too_long = true;
      row.fields.clear();
    }
    return !too_long;
  };

  for (;;) {
    // 2. The next field, reusing row's strings.
    ++field_number;
    std::string* out = nullptr;
    if (!too_long) {
      if (filled < row.fields.size()) {
        row.fields[filled].clear();
      } else {
        row.fields.emplace_back();
      }
      out = &row.fields[filled++];
    }

    if (p < n && text_[p] == '"') {
      // 3. A quoted field: spans up to each quote; "" is a quote, a single one closes.
      const std::size_t open = p;
      const std::int64_t open_line = at_line;
      ++p;
      for (;;) {
        const std::size_t q = find_quote(text_, p);
        if (q == n) {
          return fail(
              "a quoted field is never closed (it opens on line " + std::to_string(open_line) + ")",
              after_physical_line(open + 1), open_line + 1);
        }
        at_line += count_line_ends(p, q);
        const bool doubled = q + 1 < n && text_[q + 1] == '"';
        if (fits(q + (doubled ? 2 : 1))) out->append(text_.data() + p, q - p + (doubled ? 1 : 0));
        p = q + (doubled ? 2 : 1);
        if (!doubled) break;
      }
      if (p < n && text_[p] != delimiter_ && !is_line_end(text_[p])) {
        return fail("text after a closing quote in field " + std::to_string(field_number),
                    after_physical_line(p), at_line + 1);
      }
    } else {
      // 4. An unquoted field: up to the delimiter or the line end, quotes kept as they are.
      const std::size_t start = p;
      while (p < n && text_[p] != delimiter_ && !is_line_end(text_[p])) ++p;
      if (fits(p)) out->assign(text_.data() + start, p - start);
    }

    // 5. A delimiter starts another field; a line end or the end of the text ends the row.
    if (p < n && text_[p] == delimiter_) {
      ++p;
      continue;
    }
    if (p < n) {
      p = after_line_end(p);
      ++at_line;
    }
    break;
  }

  // 6. A row over the limit is skipped whole; otherwise it is the result.
  if (too_long) {
    return fail("row longer than the limit of " + describe_limit(max_row_bytes_), p, at_line);
  }
  row.line = row_line;
  row.fields.resize(filled);
  pos_ = p;
  line_ = at_line;
  return true;
}

double CsvParser::progress() const {
  if (text_.empty()) return 1.0;
  return static_cast<double>(pos_) / static_cast<double>(text_.size());
}

}  // namespace tb::data
