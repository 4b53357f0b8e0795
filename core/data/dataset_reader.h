// Reads a dataset file into Records: JSONL, a JSON array, CSV, TSV or plain text (documents
// separated by blank lines). UTF-8 only. Each bad row is reported with its line and reason and
// skipped (or, by policy, stops the import); rejected rows can be written to a rejects file. The
// source file is only ever read. Not for mapping columns to prompts: see dataset_format.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data/record.h"

namespace tb::data {

enum class SourceFormat { Auto, Jsonl, JsonArray, Csv, Tsv, Text };
const char* to_string(SourceFormat format);
// "jsonl", "json", "csv", "tsv", "txt" (or "auto"); throws tb::Error listing them otherwise.
SourceFormat source_format_from_string(const std::string& name);

enum class BadRowPolicy { SkipAndReport, Abort };

struct ReadOptions {
  SourceFormat format = SourceFormat::Auto;  // Auto: by extension, then by content
  BadRowPolicy policy = BadRowPolicy::SkipAndReport;
  std::int64_t max_line_bytes = 16ll << 20;  // a longer line (or CSV row) is rejected
  char delimiter = 0;                        // CSV: 0 = sniff; TSV is always a tab
  std::filesystem::path rejects_path;        // empty = do not write one
};

struct ReadReport {
  std::string path;
  SourceFormat format = SourceFormat::Auto;  // the one actually read
  std::int64_t rows_read = 0;                // rows seen (kept + rejected)
  std::int64_t rows_kept = 0;
  std::vector<RowIssue> rejected;
  std::map<std::string, std::int64_t> rejected_by_kind;
  std::vector<std::string> warnings;   // e.g. a byte-order mark that was stripped
  std::vector<std::string> columns;    // in first-seen order
};

struct ReadResult {
  std::vector<Record> records;
  ReadReport report;
};

// progress(fraction) may return false to cancel: the result then holds what was read so far
// and a warning says the import was cancelled. Throws tb::IoError when the file cannot be read,
// tb::FormatError for a file-level problem (empty, UTF-16, not a JSON array) or, under
// BadRowPolicy::Abort, for the first bad row.
ReadResult read_dataset(const std::filesystem::path& path, const ReadOptions& options = {},
                        const std::function<bool(double)>& progress = {});

// The rejected rows as JSON Lines {file, line, kind, reason, raw}, written atomically.
void write_rejects(const std::filesystem::path& path, const ReadReport& report);

// Adds a rejected row to a report (counts by kind), or throws under BadRowPolicy::Abort.
void reject_row(ReadReport& report, RowIssue issue, BadRowPolicy policy);

}  // namespace tb::data
