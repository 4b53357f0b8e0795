// Dataset loading (see dataset.h).
#include "core/data/dataset.h"

#include <algorithm>

#include "core/common/error.h"

namespace tb::data {

LoadedDataset load_dataset(const std::filesystem::path& path, const ReadOptions& options, const MappingChoice& choice,
                           const std::function<bool(double)>& progress) {
  // 1. Read (90 % of the progress bar), 2. map each record, 3. one report for both.
  const auto read_progress = [&](double f) { return !progress || progress(0.9 * f); };
  ReadOptions read_options = options;
  read_options.rejects_path.clear();  // written below, with the mapping's rejects too
  ReadResult read = read_dataset(path, read_options, read_progress);
  LoadedDataset out;
  out.report = std::move(read.report);
  if (choice.mapping) {
    out.mapping = *choice.mapping;
  } else {
    out.mapping = detect_mapping(out.report.columns, read.records);
    if (choice.shape) out.mapping.format = *choice.shape;
    if (choice.prompt_template) out.mapping.prompt_template = choice.prompt_template;
    if (choice.label_column) out.mapping.label = *choice.label_column;
    if (choice.task_column) out.mapping.task = *choice.task_column;
    if (choice.group_column) out.mapping.group = *choice.group_column;
  }
  out.sample.assign(read.records.begin(), read.records.begin() + static_cast<std::ptrdiff_t>(
                                                                   std::min<std::size_t>(read.records.size(), 20)));
  try {
    check_mapping(out.mapping, out.report.columns);
  } catch (const FormatError&) {
    throw;
  } catch (const Error& e) {  // name the file whose columns do not fit
    if (!choice.keep_going_on_mapping_error) throw Error(e.message(), {path.string(), 0, e.where().field});
    out.mapping_error = e.message();
    out.report.rows_kept = 0;
    return out;
  }
  out.examples.reserve(read.records.size());
  const std::string file = path.string();
  for (const Record& record : read.records) {
    auto mapped = map_record(record, out.mapping, file);
    if (auto* issue = std::get_if<RowIssue>(&mapped)) {
      issue->raw = record.fields.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).substr(0, 4096);
      --out.report.rows_kept;
      reject_row(out.report, std::move(*issue), options.policy);
    } else {
      out.examples.push_back(std::get<Example>(std::move(mapped)));
    }
  }
  // Rejected rows in file order, whichever step rejected them.
  std::stable_sort(out.report.rejected.begin(), out.report.rejected.end(),
                   [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
  if (!options.rejects_path.empty()) write_rejects(options.rejects_path, out.report);
  if (progress) progress(1.0);
  return out;
}

}  // namespace tb::data
