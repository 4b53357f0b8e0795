// `tunebench-cli audit DATA [--format F] [--template T] [--model M] [--json]`: reads a dataset,
// maps it to examples, splits it and prints the audit (rejected rows, duplicates, near-
// duplicates, leakage across splits, short completions, lengths, labels, PII).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

#include "app/cli/commands.h"
#include "core/data/data_job.h"
#include "core/data/data_report.h"

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
    if (!a->template_name.empty()) s.mapping.prompt_template = data::load_prompt_template(a->template_name);
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
    if (a->json) {
      std::cout << data::data_report_json(*snapshot).dump(2) << "\n";
    } else {
      std::cout << data::data_report_text(*snapshot);
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
