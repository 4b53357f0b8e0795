// libFuzzer target: a run folder's report.json and metrics.jsonl as core/run/ reads them (the
// Runs, Evaluate and Compare pages and the CLI read runs only through it), and a sweep folder's
// sweep.json (sweep_summary.h). Only tb::Error may leave the readers: a cut, damaged or odd file
// is named, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/run/run_curves.h"
#include "core/run/run_report_file.h"
#include "core/train/sweep_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto report = tb::run::parse_run_report_text(text, "/fuzz/report.json");
    for (const auto& s : report.stages) (void)(s.steps + s.best_step);
    (void)tb::run::loss_figures_json(report.test_tuned).dump();
  } catch (const tb::Error&) {
  }
  try {
    const auto curves = tb::run::parse_run_curves(text, "/fuzz/metrics.jsonl");
    if (curves.step.size() != curves.loss.size() || curves.eval_step.size() != curves.eval_loss.size()) __builtin_trap();
  } catch (const tb::Error&) {
  }
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) {
    try {
      const auto sweep = tb::train::sweep_summary_from_json(json, "/fuzz/sweep.json");
      for (const auto& r : sweep.leaderboard) (void)(r.status.size() + r.error.size());
      if (sweep.best) sweep.best->validate();  // what was read is always valid
    } catch (const tb::Error&) {
    }
  }
  return 0;
}
