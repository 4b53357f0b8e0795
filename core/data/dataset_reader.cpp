// Dataset readers (see dataset_reader.h).
#include "core/data/dataset_reader.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/data/csv_parser.h"
#include "core/data/utf8.h"
#include "core/io/atomic_file.h"

namespace tb::data {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kRawBytesInRejects = 4096;  // a rejected row's text kept in the rejects file

std::string mib(std::int64_t bytes) {
  std::ostringstream out;
  out.precision(bytes % (1 << 20) == 0 ? 0 : 1);
  out << std::fixed << static_cast<double>(bytes) / (1 << 20) << " MiB";
  return out.str();
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError("no such file", {path.string()});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open the file for reading", {path.string()});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("reading the file failed", {path.string()});
  return std::move(buffer).str();
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Everything one file's reading shares: the report, the policy, the rejects, progress.
class Reading {
 public:
  Reading(const std::filesystem::path& path, const ReadOptions& options, const std::function<bool(double)>& progress,
          std::size_t total_bytes)
      : options_(options), progress_(progress), total_(std::max<std::size_t>(total_bytes, 1)) {
    result.report.path = path.string();
  }

  ReadResult result;

  void keep(Record record) {
    ++result.report.rows_read;
    ++result.report.rows_kept;
    for (const auto& [key, value] : record.fields.items()) {
      if (seen_columns_.insert(key).second) result.report.columns.push_back(key);
    }
    result.records.push_back(std::move(record));
  }

  void reject(std::int64_t line, std::string kind, std::string reason, std::string_view raw) {
    ++result.report.rows_read;
    RowIssue issue{result.report.path, line, std::move(kind), std::move(reason),
                   std::string(raw.substr(0, kRawBytesInRejects))};
    reject_row(result.report, std::move(issue), options_.policy);
  }

  // False when the caller cancelled; checked every 1024 rows.
  bool tick(std::size_t offset) {
    if (!progress_ || (++ticks_ & 1023) != 0) return true;
    if (progress_(static_cast<double>(offset) / static_cast<double>(total_))) return true;
    result.report.warnings.push_back("the import was cancelled; the rows read so far are kept");
    return false;
  }

  void finish() {
    if (progress_) progress_(1.0);
    if (!options_.rejects_path.empty()) write_rejects(options_.rejects_path, result.report);
  }

  const ReadOptions& options() const { return options_; }

 private:
  const ReadOptions& options_;
  const std::function<bool(double)>& progress_;
  std::size_t total_;
  std::size_t ticks_ = 0;
  std::set<std::string> seen_columns_;
};

// Checks a row's raw text before parsing: length and UTF-8. False = rejected.
bool row_text_ok(Reading& r, std::int64_t line, std::string_view raw, const char* what) {
  if (static_cast<std::int64_t>(raw.size()) > r.options().max_line_bytes) {
    r.reject(line, "line_too_long",
             std::string(what) + " is " + mib(static_cast<std::int64_t>(raw.size())) + ", longer than the limit of " +
                 mib(r.options().max_line_bytes),
             raw);
    return false;
  }
  if (const auto bad = first_invalid_utf8(raw)) {
    r.reject(line, "invalid_utf8", "invalid UTF-8 at byte " + std::to_string(*bad) + " of the " + what, raw);
    return false;
  }
  return true;
}

// One JSON object (a JSONL line or an array element): parsed, with duplicate keys refused.
void parse_object_row(Reading& r, std::int64_t line, std::string_view raw, const char* what) {
  if (!row_text_ok(r, line, raw, what)) return;
  // 1. Parse, tracking the keys of every open object to catch duplicates (the JSON library
  //    would silently keep the last one).
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  const Json::parser_callback_t watch = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open.emplace_back();
    if (event == Json::parse_event_t::object_end && !open.empty()) open.pop_back();
    if (event == Json::parse_event_t::key && !open.empty() && duplicate.empty() &&
        !open.back().insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(raw.begin(), raw.end(), watch);
  } catch (const Json::parse_error& e) {
    std::string message = e.what();
    const auto cut = message.find("syntax error");
    if (cut != std::string::npos) message = message.substr(cut);
    r.reject(line, "bad_json", "not valid JSON (byte " + std::to_string(e.byte) + ": " + message + ")", raw);
    return;
  } catch (const Json::exception& e) {
    // A number too large for a double (e.g. 4e444) is out_of_range, not parse_error (found by fuzz_jsonl).
    std::string message = e.what();
    const auto cut = message.find("] ");
    if (cut != std::string::npos) message = message.substr(cut + 2);
    r.reject(line, "bad_json", "not valid JSON (" + message + ")", raw);
    return;
  }
  // 2. A row is an object of fields.
  if (!value.is_object()) {
    r.reject(line, "not_an_object", std::string("the ") + what + " is a JSON " + value.type_name() +
                                        ", not an object with fields",
             raw);
    return;
  }
  if (!duplicate.empty()) {
    r.reject(line, "duplicate_key", "the key \"" + duplicate + "\" appears twice in one object", raw);
    return;
  }
  r.keep({line, std::move(value)});
}

// Calls fn(line_number, line_text, offset) for every line ('\n' or "\r\n" ends one).
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t pos = 0;
  std::int64_t line = 1;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!fn(line, l, end)) return;
    pos = end + 1;
    ++line;
  }
}

void read_jsonl(Reading& r, std::string_view text) {
  for_each_line(text, [&](std::int64_t line, std::string_view l, std::size_t offset) {
    if (!is_blank(l)) parse_object_row(r, line, l, "line");
    return r.tick(offset);
  });
}

void read_json_array(Reading& r, std::string_view text) {
  // 1. The opening bracket. (`line` counts the newlines before offset `counted`.)
  std::size_t pos = text.find_first_not_of(" \t\r\n");
  std::int64_t line = 1;
  std::size_t counted = 0;
  auto advance_to = [&](std::size_t to) {
    line += std::count(text.begin() + static_cast<std::ptrdiff_t>(counted), text.begin() + static_cast<std::ptrdiff_t>(to),
                       '\n');
    counted = to;
  };
  if (pos == std::string_view::npos || text[pos] != '[') {
    throw FormatError("a .json dataset must be one JSON array of objects (or use JSON Lines, one object per line)",
                      {r.result.report.path, 1});
  }
  ++pos;
  // 2. Elements: scan to the next top-level ',' or ']' (strings and nesting respected), then
  //    parse the element on its own so that one bad element costs only itself.
  while (true) {
    const std::size_t start = text.find_first_not_of(" \t\r\n", pos);
    if (start == std::string_view::npos) {
      advance_to(text.size());
      r.reject(line, "bad_json", "the JSON array is never closed (a ']' is missing at the end of the file)", "");
      return;
    }
    advance_to(start);
    if (text[start] == ']') return;
    int depth = 0;
    bool in_string = false;
    std::size_t i = start;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    std::string_view element = text.substr(start, std::min(i, text.size()) - start);
    while (!element.empty() && (element.back() == ' ' || element.back() == '\n' || element.back() == '\r' ||
                                element.back() == '\t')) {
      element.remove_suffix(1);
    }
    parse_object_row(r, line, element, "array element");
    if (i >= text.size()) {
      advance_to(text.size());
      r.reject(line, "bad_json", "the JSON array is never closed (a ']' is missing at the end of the file)", "");
      return;
    }
    advance_to(i);
    if (!r.tick(i)) return;
    if (text[i] == ']') return;
    pos = i + 1;
  }
}

void read_text(Reading& r, std::string_view text) {
  // Documents are runs of non-blank lines; blank lines separate them.
  std::string doc;
  std::int64_t doc_line = 0;
  bool doc_bad = false;
  auto flush = [&] {
    if (doc_line == 0) return;
    if (!doc_bad && row_text_ok(r, doc_line, doc, "document")) r.keep({doc_line, Json{{"text", doc}}});
    doc.clear();
    doc_line = 0;
    doc_bad = false;
  };
  for_each_line(text, [&](std::int64_t line, std::string_view l, std::size_t offset) {
    if (is_blank(l)) {
      flush();
      return r.tick(offset);
    }
    if (doc_line == 0) doc_line = line;
    if (doc_bad) return true;
    if (static_cast<std::int64_t>(doc.size() + l.size()) > r.options().max_line_bytes) {
      r.reject(doc_line, "line_too_long",
               "document is longer than the limit of " + mib(r.options().max_line_bytes), doc);
      doc_bad = true;
      doc.clear();
      return true;
    }
    if (!doc.empty()) doc += '\n';
    doc.append(l);
    return true;
  });
  flush();
}

void read_csv(Reading& r, std::string_view text, char delimiter) {
  CsvParser parser(text, delimiter, static_cast<std::size_t>(r.options().max_line_bytes));
  CsvRow row;
  std::optional<CsvIssue> issue;
  // 1. The header row names the columns (blank names get column_N, repeats get _2, _3, ...).
  std::vector<std::string> columns;
  while (parser.next(row, issue)) {
    if (issue) throw FormatError("the header row cannot be read: " + issue->reason, {r.result.report.path, issue->line});
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      std::string name = row.fields[i];
      if (const auto bad = first_invalid_utf8(name)) {
        throw FormatError("invalid UTF-8 in the header row at byte " + std::to_string(*bad) + " of column " +
                              std::to_string(i + 1),
                          {r.result.report.path, row.line});
      }
      if (name.empty()) name = "column_" + std::to_string(i + 1);
      if (const int n = ++seen[name]; n > 1) {
        r.result.report.warnings.push_back("column \"" + name + "\" appears " + std::to_string(n) +
                                           " times in the header; this one is called \"" + name + "_" +
                                           std::to_string(n) + "\"");
        name += "_" + std::to_string(n);
      }
      columns.push_back(name);
    }
    break;
  }
  if (columns.empty()) throw FormatError("the file has no header row", {r.result.report.path, 1});
  // 2. Data rows: as many fields as the header, valid UTF-8 in each.
  while (parser.next(row, issue)) {
    if (issue) {
      const bool too_long = issue->reason.find("longer than the limit") != std::string::npos;
      r.reject(issue->line, too_long ? "line_too_long" : "csv_syntax", issue->reason, "");
      issue.reset();
    } else if (row.fields.size() != columns.size()) {
      std::string raw;
      for (const auto& f : row.fields) raw += (raw.empty() ? "" : std::string(1, delimiter)) + f;
      r.reject(row.line, "ragged_row",
               "the row has " + std::to_string(row.fields.size()) + " fields, the header has " +
                   std::to_string(columns.size()),
               raw);
    } else {
      Json fields = Json::object();
      bool ok = true;
      for (std::size_t i = 0; i < columns.size() && ok; ++i) {
        if (const auto bad = first_invalid_utf8(row.fields[i])) {
          r.reject(row.line, "invalid_utf8",
                   "invalid UTF-8 at byte " + std::to_string(*bad) + " of column \"" + columns[i] + "\"", "");
          ok = false;
        } else {
          fields[columns[i]] = std::move(row.fields[i]);
        }
      }
      if (ok) r.keep({row.line, std::move(fields)});
    }
    if (!r.tick(static_cast<std::size_t>(parser.progress() * static_cast<double>(text.size())))) return;
  }
  // Every column exists even when no row was kept.
  for (const auto& c : columns) {
    if (std::find(r.result.report.columns.begin(), r.result.report.columns.end(), c) == r.result.report.columns.end()) {
      r.result.report.columns.push_back(c);
    }
  }
}

SourceFormat detect_format(const std::filesystem::path& path, std::string_view text) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const char lead = first == std::string_view::npos ? '\0' : text[first];
  if (ext == ".jsonl" || ext == ".ndjson") return SourceFormat::Jsonl;
  if (ext == ".json") return lead == '[' ? SourceFormat::JsonArray : SourceFormat::Jsonl;
  if (ext == ".csv") return SourceFormat::Csv;
  if (ext == ".tsv" || ext == ".tab") return SourceFormat::Tsv;
  if (ext == ".txt" || ext == ".md" || ext == ".text") return SourceFormat::Text;
  if (lead == '{') return SourceFormat::Jsonl;
  if (lead == '[') return SourceFormat::JsonArray;
  const std::string_view head = text.substr(0, text.find('\n'));
  if (head.find('\t') != std::string_view::npos) return SourceFormat::Tsv;
  if (head.find(',') != std::string_view::npos || head.find(';') != std::string_view::npos) return SourceFormat::Csv;
  return SourceFormat::Text;
}

}  // namespace

const char* to_string(SourceFormat format) {
  switch (format) {
    case SourceFormat::Auto: return "auto";
    case SourceFormat::Jsonl: return "jsonl";
    case SourceFormat::JsonArray: return "json";
    case SourceFormat::Csv: return "csv";
    case SourceFormat::Tsv: return "tsv";
    case SourceFormat::Text: return "txt";
  }
  return "auto";
}

SourceFormat source_format_from_string(const std::string& name) {
  for (const auto f : {SourceFormat::Auto, SourceFormat::Jsonl, SourceFormat::JsonArray, SourceFormat::Csv,
                       SourceFormat::Tsv, SourceFormat::Text}) {
    if (name == to_string(f)) return f;
  }
  throw Error("unknown data format \"" + name + "\": use auto, jsonl, json, csv, tsv or txt", {"", 0, "format"});
}

void write_rejects(const std::filesystem::path& path, const ReadReport& report) {
  std::string out;
  for (const RowIssue& i : report.rejected) {
    const Json row = {{"file", i.file}, {"line", i.line}, {"kind", i.kind}, {"reason", i.reason}, {"raw", i.raw}};
    out += row.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  }
  write_file_atomic(path, out);
}

void reject_row(ReadReport& report, RowIssue issue, BadRowPolicy policy) {
  if (policy == BadRowPolicy::Abort) {
    throw FormatError(issue.reason + " (the import stops at the first bad row; choose skip-and-report to go on)",
                      {issue.file, issue.line});
  }
  ++report.rejected_by_kind[issue.kind];
  report.rejected.push_back(std::move(issue));
}

ReadResult read_dataset(const std::filesystem::path& path, const ReadOptions& options,
                        const std::function<bool(double)>& progress) {
  const std::string bytes = read_whole_file(path);
  std::string_view text = bytes;
  Reading r(path, options, progress, bytes.size());
  // 1. Encoding: UTF-8, with a byte-order mark dropped (and said so); UTF-16 refused.
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
    r.result.report.warnings.push_back("the file starts with a UTF-8 byte-order mark; it was ignored");
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    throw FormatError("the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8) and import it again", {path.string()});
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw FormatError("the file is empty: there are no rows to import", {path.string()});
  }
  // 2. The format, then its reader.
  const SourceFormat format = options.format == SourceFormat::Auto ? detect_format(path, text) : options.format;
  r.result.report.format = format;
  switch (format) {
    case SourceFormat::Jsonl: read_jsonl(r, text); break;
    case SourceFormat::JsonArray: read_json_array(r, text); break;
    case SourceFormat::Text: read_text(r, text); break;
    case SourceFormat::Tsv: read_csv(r, text, '\t'); break;
    case SourceFormat::Csv:
    case SourceFormat::Auto:
      read_csv(r, text, options.delimiter != 0 ? options.delimiter : sniff_delimiter(text.substr(0, 64 * 1024)));
      break;
  }
  r.finish();
  return std::move(r.result);
}

}  // namespace tb::data
