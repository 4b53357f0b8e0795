// Progress lines and the closing summary of training (train_progress.h).
#include "app/cli/train_progress.h"

#include <cmath>
#include <cstdio>
#include <ostream>
#include <utility>

#include "core/common/overloaded.h"
#include "core/common/units.h"

namespace tb::cli {
namespace {

std::string num(double x, int digits = 3) {
  if (!std::isfinite(x)) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, x);
  return buffer;
}

}  // namespace

void TrainProgress::finish_line() {
  if (line_open_) out_ << "\n";
  line_open_ = false;
}

void TrainProgress::on_log(const std::string& line) {
  finish_line();
  out_ << line << "\n" << std::flush;
}

void TrainProgress::on_event(const train::RunEvent& event) {
  std::visit(Overloaded{
                 [&](const train::StepMetrics& m) {
                   char buffer[256];
                   std::snprintf(buffer, sizeof buffer, "%s%sstep %lld/%lld  loss %.4f  val %s  %.0f tok/s  ETA %s",
                                 m.stage.c_str(), m.stage.empty() ? "" : ": ", static_cast<long long>(m.step),
                                 static_cast<long long>(m.total_steps), m.loss,
                                 last_val_ >= 0 ? num(last_val_, 4).c_str() : "–", m.tokens_per_s, format_elapsed(m.eta_s).c_str());
                   if (terminal_) {
                     out_ << "\r\033[K" << buffer << std::flush;
                     line_open_ = true;
                   } else if (m.step == 1 || m.step == m.total_steps || m.step - last_printed_step_ >= 10) {
                     out_ << buffer << "\n" << std::flush;
                     last_printed_step_ = m.step;
                   }
                 },
                 [&](const train::EvalMetrics& m) {
                   last_val_ = m.loss;
                   finish_line();
                   out_ << "  validation at step " << m.step << ": loss " << num(m.loss, 4) << ", perplexity "
                        << num(m.perplexity, 2) << (m.best ? " (best so far)" : "");
                   for (const auto& [task, loss] : m.per_task) {
                     if (m.per_task.size() > 1) out_ << "; " << (task.empty() ? "(no task)" : task) << " " << num(loss, 4);
                   }
                   out_ << "\n" << std::flush;
                 },
                 [&](const train::WarningRaised& w) {
                   finish_line();
                   out_ << "WARNING (" << train::to_string(w.warning.kind) << ", step " << w.warning.step
                        << "): " << w.warning.message << "\n  -> " << w.warning.action << "\n" << std::flush;
                 },
                 [&](const train::CheckpointSaved&) {},
                 [&](const train::SampleGenerated& s) {
                   finish_line();
                   std::string answer = s.output.substr(0, 160);
                   for (auto& ch : answer) {
                     if (ch == '\n') ch = ' ';
                   }
                   out_ << "  sample " << s.index + 1 << ": " << answer << (s.output.size() > 160 ? "…" : "") << "\n";
                 },
                 [&](const train::RunNote& n) { on_log("  " + n.text); },
             },
             event);
}

std::string report_summary(const run::RunReport& r, const std::string& run_dir) {
  std::string out = "\nstatus: " + (r.status.empty() ? std::string("?") : r.status) + "\n";
  if (r.test_base.present && r.test_tuned.present) {
    out += "test split          base      tuned\n";
    out += "  loss          " + num(r.test_base.loss) + "     " + num(r.test_tuned.loss) + "\n";
    out += "  perplexity    " + num(r.test_base.perplexity, 2) + "     " + num(r.test_tuned.perplexity, 2) + "\n";
  }
  const auto& base = r.generation_base;
  const auto& tuned = r.generation_tuned;
  if (base.present && tuned.present) {
    const std::pair<const char*, double run::ScoreFigures::*> scores[] = {
        {"exact_match", &run::ScoreFigures::exact_match}, {"token_f1", &run::ScoreFigures::token_f1},
        {"rouge_l", &run::ScoreFigures::rouge_l}, {"bleu", &run::ScoreFigures::bleu}};
    for (const auto& [k, score] : scores) {
      char line[96];
      std::snprintf(line, sizeof line, "  %-12s  %s     %s\n", k, num(base.*score).c_str(), num(tuned.*score).c_str());
      out += line;
    }
  }
  if (r.probe_base.present && r.probe_tuned.present) {
    out += "forgetting probe perplexity: base " + num(r.probe_base.perplexity, 2) + ", tuned " +
           num(r.probe_tuned.perplexity, 2) + "\n";
  }
  out += "report: " + run_dir + "/report.md\n";
  return out;
}

}  // namespace tb::cli
