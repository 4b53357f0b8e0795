// report.json, report.md and the curves of a run (run_report.h).
#include "core/train/run_report.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/io/atomic_file.h"
#include "core/report/line_chart.h"
#include "core/run/run_curves.h"
#include "core/run/run_folder.h"
#include "core/run/run_report_file.h"

namespace fs = std::filesystem;

namespace tb::train {
namespace {

std::string fixed(double x, int digits = 3) {
  if (!std::isfinite(x)) return "–";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

std::string signed_fixed(double x, int digits = 3) { return (x >= 0 ? "+" : "") + fixed(x, digits); }

nlohmann::json loss_json(const std::optional<LossEval>& e) {
  if (!e) return nullptr;
  run::LossFigures f;
  f.present = true;
  f.loss = e->loss;
  f.perplexity = e->perplexity;
  f.examples = e->examples;
  f.trained_tokens = e->trained_tokens;
  f.per_task = e->per_task;
  return run::loss_figures_json(f);
}

nlohmann::json scores_json(const std::optional<GenerationEval>& g) {
  if (!g) return nullptr;
  const auto& s = g->scores;
  run::ScoreFigures f;
  f.present = true;
  f.count = s.count;
  f.exact_match = s.exact_match;
  f.token_f1 = s.token_f1;
  f.rouge_l = s.rouge_l;
  f.bleu = s.bleu;
  f.mean_answer_words = s.mean_prediction_words;
  f.mean_reference_words = s.mean_reference_words;
  f.seconds = g->seconds;
  return run::score_figures_json(f);
}

// Markdown table cells cannot hold newlines or pipes.
std::string cell(std::string text, std::size_t limit = 400) {
  for (auto& ch : text) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  std::string out;
  for (const char ch : text) {
    if (ch == '|') out += "\\|";
    else out += ch;
  }
  if (out.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
    out = out.substr(0, cut) + "…";
  }
  return out;
}

// The run's curves (one x axis across stages, run/run_curves.h) with the stages' starts and
// each stage's best step marked.
std::vector<ChartMarker> report_markers(const run::RunCurves& c, const RunResult& result) {
  std::vector<ChartMarker> markers;
  for (const auto& start : c.stage_starts()) markers.push_back({start.x, start.stage});
  for (const auto& s : result.stages) {
    if (s.best_step >= 0) markers.push_back({c.axis.offset(s.name) + static_cast<double>(s.best_step), "best"});
  }
  return markers;
}

std::vector<std::string> write_curves(const fs::path& dir, const run::RunCurves& c, const std::vector<ChartMarker>& markers) {
  std::vector<std::string> files;
  const auto write = [&](const std::string& file, const char* title, const char* y_label, std::vector<ChartSeries> series,
                         std::vector<ChartMarker> markers) {
    LineChart chart;
    chart.title = title;
    chart.x_label = "step";
    chart.y_label = y_label;
    chart.series = std::move(series);
    chart.markers = std::move(markers);
    write_line_chart_png(dir / file, chart);
    files.push_back(file);
  };
  const std::array<std::uint8_t, 3> blue{31, 119, 180}, grey{170, 190, 210}, orange{230, 120, 20}, green{44, 160, 44};
  write("loss.png", "Loss", "loss (nats per token)",
        {{"training (raw)", c.step, c.loss, grey, false}, {"training (smoothed)", c.step, c.smoothed_loss, blue, false},
         {"validation", c.eval_step, c.eval_loss, orange, true}},
        markers);
  write("learning_rate.png", "Learning rate", "learning rate", {{"learning rate", c.step, c.learning_rate, green, false}}, {});
  write("grad_norm.png", "Gradient norm (before clipping)", "L2 norm", {{"gradient norm", c.step, c.grad_norm, blue, false}}, {});
  if (!c.task_eval.empty()) {
    const std::array<std::array<std::uint8_t, 3>, 6> palette{{{31, 119, 180}, {230, 120, 20}, {44, 160, 44},
                                                               {214, 39, 40}, {148, 103, 189}, {140, 86, 75}}};
    std::vector<ChartSeries> series;
    for (const auto& [task, xy] : c.task_eval) {
      series.push_back({task.empty() ? "(no task)" : task, xy.step, xy.loss, palette[series.size() % palette.size()], true});
    }
    write("tasks.png", "Validation loss per task", "loss", std::move(series), markers);
  }
  return files;
}

}  // namespace

nlohmann::json run_report_json(const RunSpec& spec, const RunResult& r) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : r.stages) {
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : s.warnings) warnings.push_back(warning_json(w));
    stages.push_back({{"name", s.name}, {"status", to_string(s.status)}, {"steps", s.steps},
                      {"total_steps", s.total_steps}, {"best_step", s.best_step},
                      {"best_val_loss", run::figure_json(s.best_val_loss)}, {"seconds", s.seconds},
                      {"trainable_params", s.trainable_params}, {"warnings", warnings}});
  }
  nlohmann::json names = nlohmann::json::array();
  for (const auto& s : spec.stages) names.push_back(s.name);
  nlohmann::json matrix = nlohmann::json::array();
  for (const auto& row : r.forgetting) {
    nlohmann::json out = nlohmann::json::array();
    for (const double x : row) out.push_back(run::figure_json(x));
    matrix.push_back(out);
  }
  nlohmann::json before = nlohmann::json::array();
  for (const double x : r.forgetting_before) before.push_back(run::figure_json(x));
  nlohmann::json answers = nlohmann::json::array();
  if (r.generations_base && r.generations_tuned) {
    const auto n = std::min(r.generations_base->answers.size(), r.generations_tuned->answers.size());
    for (std::size_t i = 0; i < n; ++i) {
      answers.push_back(run::answer_json({r.generations_base->answers[i].prompt, r.generations_base->answers[i].reference,
                                          r.generations_base->answers[i].output, r.generations_tuned->answers[i].output}));
    }
  }
  return {{"format", run::kReportFormat},
          {"version", 1},
          {"status", to_string(r.status)},
          {"model", spec.model->source()},
          {"stages", stages},
          {"test", {{"base", loss_json(r.test_base)}, {"tuned", loss_json(r.test_tuned)}}},
          {"generation", {{"base", scores_json(r.generations_base)}, {"tuned", scores_json(r.generations_tuned)}, {"answers", answers}}},
          {"probe", {{"name", spec.probe_name}, {"base", loss_json(r.probe_base)}, {"tuned", loss_json(r.probe_tuned)}}},
          {"forgetting", {{"stages", names}, {"before", before}, {"after_stage", matrix}}}};
}

void write_run_report(const RunSpec& spec, const RunResult& r, const std::vector<nlohmann::json>& metrics) {
  const fs::path dir = spec.run_dir;
  const auto run_curves = run::curves_from_metrics(metrics);
  const auto curves = write_curves(dir, run_curves, report_markers(run_curves, r));
  auto json = run_report_json(spec, r);
  json["curves"] = curves;
  write_file_atomic(dir / (spec.report_name + ".json"), json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");

  // report.md, for a person.
  std::string md = spec.evaluate_only ? "# Evaluation report\n\n" : "# Training report\n\n";
  if (spec.evaluate_only) {
    md += "Measured again on demand" +
          (spec.evaluate_step >= 0 ? " at the checkpoint of step " + std::to_string(spec.evaluate_step) : std::string(" on the final weights")) +
          ".\n\n";
  }
  md += "Model: `" + spec.model->source() + "` · status: **" + std::string(to_string(r.status)) + "**\n\n";
  for (const auto& s : r.stages) {
    const auto& cfg = spec.stages.at(static_cast<std::size_t>(&s - r.stages.data())).config;
    md += "- " + (s.name.empty() ? std::string("Run") : "Stage **" + s.name + "**") + ": " + to_string(cfg.method) +
          ", " + to_string(cfg.precision) + ", lr " + fixed(cfg.learning_rate, 6) + ", " + std::to_string(s.steps) + "/" +
          std::to_string(s.total_steps) + " steps (" + to_string(s.status) + "), " + std::to_string(s.trainable_params) +
          " trainable parameters, " + fixed(s.seconds, 1) + " s; best validation loss " + fixed(s.best_val_loss) +
          (s.best_step >= 0 ? " at step " + std::to_string(s.best_step) : std::string()) + "\n";
  }
  md += "\n## Base vs tuned on the test split\n\n";
  if (r.test_base && r.test_tuned) {
    md += "| metric | base | tuned | change |\n|---|---:|---:|---:|\n";
    md += "| loss | " + fixed(r.test_base->loss) + " | " + fixed(r.test_tuned->loss) + " | " +
          signed_fixed(r.test_tuned->loss - r.test_base->loss) + " |\n";
    md += "| perplexity | " + fixed(r.test_base->perplexity, 2) + " | " + fixed(r.test_tuned->perplexity, 2) + " | " +
          signed_fixed(r.test_tuned->perplexity - r.test_base->perplexity, 2) + " |\n";
    if (r.generations_base && r.generations_tuned) {
      const auto& b = r.generations_base->scores;
      const auto& t = r.generations_tuned->scores;
      const auto row = [&](const char* name, double x, double y, int digits) {
        md += std::string("| ") + name + " | " + fixed(x, digits) + " | " + fixed(y, digits) + " | " +
              signed_fixed(y - x, digits) + " |\n";
      };
      row("exact match", b.exact_match, t.exact_match, 3);
      row("token F1", b.token_f1, t.token_f1, 3);
      row("ROUGE-L", b.rouge_l, t.rouge_l, 3);
      row("BLEU", b.bleu, t.bleu, 3);
      row("answer length (words)", b.mean_prediction_words, t.mean_prediction_words, 1);
      md += "\nGenerated greedily for " + std::to_string(t.count) + " test prompts; references average " +
            fixed(t.mean_reference_words, 1) + " words.\n";
    }
    if (r.test_tuned->per_task.size() > 1) {
      md += "\n| task | base loss | tuned loss |\n|---|---:|---:|\n";
      for (std::size_t i = 0; i < r.test_tuned->per_task.size(); ++i) {
        const double base = i < r.test_base->per_task.size() ? r.test_base->per_task[i].second : std::nan("");
        md += "| " + cell(r.test_tuned->per_task[i].first) + " | " + fixed(base) + " | " + fixed(r.test_tuned->per_task[i].second) + " |\n";
      }
    }
  } else {
    md += "No test split was given (or the run was cancelled before it).\n";
  }
  if (r.probe_base && r.probe_tuned) {
    md += "\n## Forgetting probe\n\nPerplexity on " + std::to_string(r.probe_tuned->examples) + " general texts (" +
          cell(spec.probe_name) + "): base " + fixed(r.probe_base->perplexity, 2) + ", tuned " +
          fixed(r.probe_tuned->perplexity, 2) + " (" +
          signed_fixed(100.0 * (r.probe_tuned->perplexity / r.probe_base->perplexity - 1.0), 1) +
          " %). A large rise means the fine-tune is overwriting general knowledge: fewer steps, a lower learning rate, "
          "LoRA, or mixing general data back in helps.\n";
  }
  if (!r.forgetting.empty()) {
    md += "\n## Forgetting matrix\n\nValidation loss of each stage's data (columns) before training and after each "
          "stage (rows).\n\n| after | ";
    for (const auto& s : spec.stages) md += cell(s.name) + " | ";
    md += "\n|---|";
    for (std::size_t j = 0; j < spec.stages.size(); ++j) md += "---:|";
    md += "\n| (base) | ";
    for (const double x : r.forgetting_before) md += fixed(x) + " | ";
    md += "\n";
    for (std::size_t i = 0; i < r.forgetting.size(); ++i) {
      md += "| " + cell(spec.stages[i].name) + " | ";
      for (const double x : r.forgetting[i]) md += fixed(x) + " | ";
      md += "\n";
    }
  }
  bool any_warning = false;
  for (const auto& s : r.stages) {
    for (const auto& w : s.warnings) {
      if (!any_warning) md += "\n## Warnings\n\n";
      any_warning = true;
      md += "- **" + std::string(to_string(w.kind)) + "** at step " + std::to_string(w.step) + ": " + w.message + " " + w.action + "\n";
    }
  }
  md += "\n## Curves\n\n";
  for (const auto& f : curves) md += "![" + f + "](" + f + ")\n\n";
  if (r.generations_base && r.generations_tuned && !r.generations_tuned->answers.empty()) {
    md += "## Side by side\n\n| prompt | reference | base | tuned |\n|---|---|---|---|\n";
    const auto n = std::min<std::size_t>(5, std::min(r.generations_base->answers.size(), r.generations_tuned->answers.size()));
    for (std::size_t i = 0; i < n; ++i) {
      md += "| " + cell(r.generations_base->answers[i].prompt, 200) + " | " + cell(r.generations_base->answers[i].reference) +
            " | " + cell(r.generations_base->answers[i].output) + " | " + cell(r.generations_tuned->answers[i].output) + " |\n";
    }
  }
  write_file_atomic(dir / (spec.report_name + ".md"), md);
}

}  // namespace tb::train
