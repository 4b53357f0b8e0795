// One row of a dataset as read from its file (its fields by column name and the line it starts
// on), and one rejected row (where and why). Readers produce these; templates, splits and the
// audit consume them. Not for tokenised data: that is an Example's job (example.h).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tb::data {

struct Record {
  std::int64_t line = 0;          // 1-based line of the row's first byte in its source file
  nlohmann::ordered_json fields;  // an object: column -> value (text for CSV, TSV and TXT)
};

struct RowIssue {
  std::string file;
  std::int64_t line = 0;  // 1-based; 0 = the whole file
  std::string kind;       // a short key for counting: "invalid_utf8", "bad_json", ...
  std::string reason;     // a sentence for people
  std::string raw;        // the row's text (at most 4 KiB), for the rejects file
};

}  // namespace tb::data
