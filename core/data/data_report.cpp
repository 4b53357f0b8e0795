// The import-and-audit report (see data_report.h).
#include "core/data/data_report.h"

#include <sstream>

namespace tb::data {

std::string data_report_text(const DataSnapshot& s) {
  const auto& rr = s.dataset.report;
  const auto& report = s.audit;
  const auto& o = s.settings.audit;
  std::ostringstream out;
  out << rr.path << ": " << to_string(rr.format) << ", " << to_string(s.dataset.mapping.format) << "; " << rr.rows_read
      << " rows read, " << rr.rows_kept << " kept, " << rr.rejected.size() << " rejected\n";
  for (const auto& w : rr.warnings) out << "  warning: " << w << "\n";
  if (s.test_report) {
    const auto& t = *s.test_report;
    out << t.path << " (fixed test set): " << t.rows_read << " rows read, " << t.rows_kept << " kept, "
        << t.rejected.size() << " rejected\n";
    for (const auto& i : t.rejected) out << "  " << i.file << ":" << i.line << ": " << i.reason << "\n";
  }
  for (std::size_t i = 0; i < rr.rejected.size() && i < 20; ++i) {
    out << "  " << rr.rejected[i].file << ":" << rr.rejected[i].line << ": " << rr.rejected[i].reason << "\n";
  }
  if (rr.rejected.size() > 20) out << "  ... and " << rr.rejected.size() - 20 << " more (use --json or --rejects)\n";
  out << "splits: " << report.per_split[0] << " train, " << report.per_split[1] << " validation, "
      << report.per_split[2] << " test\n"
      << "exact duplicates: " << report.exact_duplicates << " extra copies in " << report.exact_duplicate_groups.size()
      << " groups\n"
      << "near-duplicates (Jaccard >= " << o.near.threshold << "): " << report.near_duplicates.size() << " pairs\n"
      << "leakage across splits: " << report.leaking_exact_groups << " exact groups, "
      << report.leaking_near_pairs.size() << " near pairs; dropping " << report.leak_drop.size()
      << " validation/test examples removes it\n"
      << "completions: " << report.empty_completions.size() << " empty, " << report.short_completions.size()
      << " shorter than " << o.min_completion_words << " words\n"
      << "length (" << report.lengths.unit << "): mean " << report.lengths.mean << ", max " << report.lengths.max_length
      << ", " << report.lengths.over_max << " over " << o.max_tokens << "\n";
  for (const auto& [kind, count] : report.pii_counts) out << "PII " << kind << ": " << count << "\n";
  for (const auto& [label, count] : report.label_counts) out << "label " << label << ": " << count << "\n";
  return out.str();
}

nlohmann::ordered_json data_report_json(const DataSnapshot& s) {
  const auto& rr = s.dataset.report;
  nlohmann::ordered_json out = {{"file", rr.path},
                                {"format", to_string(rr.format)},
                                {"shape", to_string(s.dataset.mapping.format)},
                                {"rows_read", rr.rows_read},
                                {"rows_kept", rr.rows_kept},
                                {"rejected_by_kind", rr.rejected_by_kind},
                                {"warnings", rr.warnings}};
  auto rejected = nlohmann::ordered_json::array();
  for (const auto& i : rr.rejected) {
    rejected.push_back({{"file", i.file}, {"line", i.line}, {"kind", i.kind}, {"reason", i.reason}});
  }
  out["rejected"] = rejected;
  const auto audit = audit_to_json(s.audit, s.dataset.examples, s.splits);
  for (const auto& [k, v] : audit.items()) out[k] = v;
  return out;
}

}  // namespace tb::data
