// `tunebench-cli audit DATA [--format F] [--template T] [--model M] [--json]`: reads a dataset,
// maps it to examples, splits it and prints the audit (rejected rows, duplicates, near-
// duplicates, leakage across splits, short completions, lengths, labels, PII).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/data/data_job.h"
#include "core/io/json_file.h"

namespace tb::cli {
namespace {

struct AuditArgs {
  std::string data, format = "auto", shape, template_name, model, rejects, stratify = "none", test_file;
  std::optional<std::string> label_column, task_column, group_column;
  std::vector<double> split = {0.8, 0.1, 0.1};
  std::uint64_t seed = 42;
  bool json = false, abort_on_bad_row = false, by_group = false;
  data::AuditOptions audit;
};

// A preset's name, or a JSON file {"system", "prompt", "completion"}.
data::PromptTemplate template_from(const std::string& name) {
  if (const auto* preset = data::find_template_preset(name)) return *preset;
  const auto j = read_json_file(name);
  data::PromptTemplate t;
  t.name = name;
  t.system = j.value("system", "");
  t.prompt = j.value("prompt", "");
  t.completion = j.value("completion", "");
  return t;
}

}  // namespace

void add_audit_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("audit", "Check a dataset: bad rows, duplicates, leakage across splits, lengths, PII");
  auto a = std::make_shared<AuditArgs>();
  cmd->add_option("data", a->data, "JSONL, JSON, CSV, TSV or TXT file")->required();
  cmd->add_option("--format", a->format, "File format")->check(CLI::IsMember({"auto", "jsonl", "json", "csv", "tsv", "txt"}));
  cmd->add_option("--shape", a->shape, "Dataset shape (default: detected)")
      ->check(CLI::IsMember({"prompt_completion", "alpaca", "messages", "sharegpt", "text", "columns"}));
  cmd->add_option("--template", a->template_name, "Prompt template: a preset name or a JSON file");
  cmd->add_option("--model", a->model, "Model folder or .gguf: lengths in its tokens, rendered by its chat format");
  cmd->add_option("--max-tokens", a->audit.max_tokens, "Training length limit for the truncation share")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threshold", a->audit.near.threshold, "Near-duplicate Jaccard threshold")->check(CLI::Range(0.05, 1.0));
  cmd->add_option("--split", a->split, "Train, validation and test ratios")->expected(3);
  cmd->add_option("--seed", a->seed, "Split seed");
  cmd->add_option("--stratify", a->stratify, "Keep label or task shares in every split")
      ->check(CLI::IsMember({"none", "label", "task"}));
  cmd->add_flag("--by-group", a->by_group, "Keep examples of one group in one split");
  cmd->add_option("--rejects", a->rejects, "Write rejected rows to this JSONL file");
  cmd->add_flag("--abort-on-bad-row", a->abort_on_bad_row, "Stop at the first bad row instead of skipping it");
  cmd->add_flag("--json", a->json, "Print the report as JSON");
  cmd->add_option("--test-file", a->test_file, "A fixed test set: every example of this file goes to test");
  cmd->add_option("--label-column", a->label_column, "The column with each example's label (\"\" = none)");
  cmd->add_option("--task-column", a->task_column, "The column with each example's task (\"\" = none)");
  cmd->add_option("--group-column", a->group_column, "The column grouping examples, e.g. a source id (\"\" = none)");
  cmd->callback([a, &exit_code] {
    data::DataJobSettings s;
    s.path = a->data;
    s.read.format = data::source_format_from_string(a->format);
    s.read.policy = a->abort_on_bad_row ? data::BadRowPolicy::Abort : data::BadRowPolicy::SkipAndReport;
    s.read.rejects_path = a->rejects;
    if (!a->shape.empty()) s.mapping.shape = data::dataset_format_from_string(a->shape);
    if (!a->template_name.empty()) s.mapping.prompt_template = template_from(a->template_name);
    s.mapping.label_column = a->label_column;
    s.mapping.task_column = a->task_column;
    s.mapping.group_column = a->group_column;
    s.split.train = a->split[0];
    s.split.validation = a->split[1];
    s.split.test = a->split[2];
    s.split.seed = a->seed;
    s.split.stratify = a->stratify == "label" ? data::StratifyBy::Label
                       : a->stratify == "task" ? data::StratifyBy::Task
                                               : data::StratifyBy::None;
    s.split.by_group = a->by_group;
    s.audit = a->audit;
    s.audit.near = data::lsh_params_for(a->audit.near.threshold);  // bands suited to the threshold
    s.test_path = a->test_file;
    s.tokenizer_model = a->model;
    const std::atomic<bool> never{false};
    const auto snapshot = data::run_data_job(s, [](double, const std::string&) {}, never);
    const auto& loaded = snapshot->dataset;
    const auto& splits = snapshot->splits;
    const auto& report = snapshot->audit;
    const auto& rr = loaded.report;
    if (a->json) {
      nlohmann::ordered_json out = {{"file", rr.path},
                                    {"format", data::to_string(rr.format)},
                                    {"shape", data::to_string(loaded.mapping.format)},
                                    {"rows_read", rr.rows_read},
                                    {"rows_kept", rr.rows_kept},
                                    {"rejected_by_kind", rr.rejected_by_kind},
                                    {"warnings", rr.warnings}};
      auto rejected = nlohmann::ordered_json::array();
      for (const auto& i : rr.rejected) rejected.push_back({{"file", i.file}, {"line", i.line}, {"kind", i.kind}, {"reason", i.reason}});
      out["rejected"] = rejected;
      const auto audit = data::audit_to_json(report, loaded.examples, splits);
      for (const auto& [k, v] : audit.items()) out[k] = v;
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << rr.path << ": " << data::to_string(rr.format) << ", " << data::to_string(loaded.mapping.format)
                << "; " << rr.rows_read << " rows read, " << rr.rows_kept << " kept, " << rr.rejected.size()
                << " rejected\n";
      for (const auto& w : rr.warnings) std::cout << "  warning: " << w << "\n";
      if (snapshot->test_report) {
        const auto& t = *snapshot->test_report;
        std::cout << t.path << " (fixed test set): " << t.rows_read << " rows read, " << t.rows_kept << " kept, "
                  << t.rejected.size() << " rejected\n";
        for (const auto& i : t.rejected) std::cout << "  " << i.file << ":" << i.line << ": " << i.reason << "\n";
      }
      for (std::size_t i = 0; i < rr.rejected.size() && i < 20; ++i) {
        std::cout << "  " << rr.rejected[i].file << ":" << rr.rejected[i].line << ": " << rr.rejected[i].reason << "\n";
      }
      if (rr.rejected.size() > 20) std::cout << "  ... and " << rr.rejected.size() - 20 << " more (use --json or --rejects)\n";
      std::cout << "splits: " << report.per_split[0] << " train, " << report.per_split[1] << " validation, "
                << report.per_split[2] << " test\n"
                << "exact duplicates: " << report.exact_duplicates << " extra copies in "
                << report.exact_duplicate_groups.size() << " groups\n"
                << "near-duplicates (Jaccard >= " << a->audit.near.threshold << "): " << report.near_duplicates.size()
                << " pairs\n"
                << "leakage across splits: " << report.leaking_exact_groups << " exact groups, "
                << report.leaking_near_pairs.size() << " near pairs; dropping " << report.leak_drop.size()
                << " validation/test examples removes it\n"
                << "completions: " << report.empty_completions.size() << " empty, " << report.short_completions.size()
                << " shorter than " << a->audit.min_completion_words << " words\n"
                << "length (" << report.lengths.unit << "): mean " << report.lengths.mean << ", max "
                << report.lengths.max_length << ", " << report.lengths.over_max << " over " << a->audit.max_tokens << "\n";
      for (const auto& [kind, count] : report.pii_counts) std::cout << "PII " << kind << ": " << count << "\n";
      for (const auto& [label, count] : report.label_counts) std::cout << "label " << label << ": " << count << "\n";
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
