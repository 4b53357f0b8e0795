// libFuzzer target: the JSON Lines and JSON-array dataset readers on arbitrary bytes (written to
// a temporary file, since they read files; the first byte picks the reader), then column-mapping
// detection and mapping of every kept record. Traps if the row counts disagree, a kept row is
// not an object or has no line number, or a rejected row has no reason.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "core/common/error.h"
#include "core/data/dataset_format.h"
#include "core/data/dataset_reader.h"

namespace {

// The input file, one per process, removed when the fuzzer exits (libFuzzer returns through
// exit(), which runs this destructor; a crash leaves it for the artifact's sake).
struct InputFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("fuzz_jsonl_" + std::to_string(::getpid()) + ".data");
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const InputFile input;
  const std::filesystem::path& file = input.path;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  tb::data::ReadOptions options;
  options.format = (data[0] & 1) != 0 ? tb::data::SourceFormat::JsonArray : tb::data::SourceFormat::Jsonl;
  options.max_line_bytes = 1 << 16;
  try {
    const auto result = tb::data::read_dataset(file, options);
    const auto& report = result.report;
    if (report.rows_kept != static_cast<std::int64_t>(result.records.size())) __builtin_trap();
    if (report.rows_read != report.rows_kept + static_cast<std::int64_t>(report.rejected.size())) __builtin_trap();
    for (const auto& issue : report.rejected) {
      if (issue.reason.empty() || issue.kind.empty()) __builtin_trap();
    }
    for (const auto& record : result.records) {
      if (!record.fields.is_object() || record.line < 1) __builtin_trap();
    }
    const auto mapping = tb::data::detect_mapping(report.columns, result.records);
    for (const auto& record : result.records) {
      const auto mapped = tb::data::map_record(record, mapping, file.string());
      if (const auto* issue = std::get_if<tb::data::RowIssue>(&mapped); issue && issue->reason.empty()) {
        __builtin_trap();
      }
    }
  } catch (const tb::Error&) {
  }
  return 0;
}
