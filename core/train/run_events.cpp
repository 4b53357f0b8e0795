// JSON lines for run events (run_events.h).
#include "core/train/run_events.h"

#include <cmath>

#include "core/common/overloaded.h"

namespace tb::train {
namespace {

// JSON has no NaN or Inf: those become null.
nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json warning_json(const TrainingWarning& w) {
  nlohmann::json numbers = nlohmann::json::object();
  for (const auto& [k, v] : w.numbers) numbers[k] = number(v);
  return {{"kind", to_string(w.kind)}, {"step", w.step}, {"message", w.message}, {"action", w.action},
          {"numbers", numbers}};
}

nlohmann::json to_json_line(const RunEvent& event) {
  return std::visit(
      Overloaded{
          [](const StepMetrics& m) {
            return nlohmann::json{{"type", "step"}, {"stage", m.stage}, {"step", m.step}, {"total_steps", m.total_steps},
                                  {"loss", number(m.loss)}, {"smoothed_loss", number(m.smoothed_loss)},
                                  {"lr", m.learning_rate}, {"grad_norm", number(m.grad_norm)}, {"epoch", m.epoch},
                                  {"trained_tokens", m.trained_tokens}, {"tokens", m.tokens},
                                  {"tokens_per_s", number(m.tokens_per_s)}, {"elapsed_s", m.elapsed_s},
                                  {"eta_s", number(m.eta_s)}, {"memory_bytes", m.device_memory_bytes},
                                  {"applied", m.applied}};
          },
          [](const EvalMetrics& m) {
            nlohmann::json tasks = nlohmann::json::object();
            for (const auto& [k, v] : m.per_task) tasks[k] = number(v);
            return nlohmann::json{{"type", "eval"}, {"stage", m.stage}, {"step", m.step}, {"loss", number(m.loss)},
                                  {"perplexity", number(m.perplexity)}, {"per_task", tasks}, {"best", m.best},
                                  {"examples", m.examples}};
          },
          [](const WarningRaised& w) {
            auto j = warning_json(w.warning);
            j["type"] = "warning";
            j["stage"] = w.stage;
            return j;
          },
          [](const CheckpointSaved& c) {
            return nlohmann::json{{"type", "checkpoint"}, {"stage", c.stage}, {"step", c.step}, {"folder", c.folder},
                                  {"best", c.best}};
          },
          [](const SampleGenerated& s) {
            return nlohmann::json{{"type", "sample"}, {"stage", s.stage}, {"step", s.step}, {"index", s.index},
                                  {"prompt", s.prompt}, {"reference", s.reference}, {"output", s.output}};
          },
          [](const RunNote& n) { return nlohmann::json{{"type", "note"}, {"text", n.text}}; },
      },
      event);
}

}  // namespace tb::train
