// How a training job is started from a project: a bounded step count, the run folder, resume,
// overriding the memory estimate, where progress lines go. Plain values (no libtorch), so the
// GUI can fill them in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace tb {

struct RunSetupOptions {
  std::int64_t max_steps = 0;          // > 0: overrides every stage's length (bounded runs)
  std::filesystem::path run_dir;       // empty = <runs_dir>/<date-time>
  bool resume = false;                 // run_dir holds the run to continue (with its own settings)
  bool ignore_memory_estimate = false; // start even when the estimate says it will not fit
  std::function<void(const std::string&)> log;  // progress lines ("reading data/qa.jsonl: 320 examples")
};

}  // namespace tb
