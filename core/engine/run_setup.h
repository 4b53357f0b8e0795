// From a project to a runnable training run: resolve the device, load the model in the
// precision the settings ask for, read, map and split every data source, build the stages
// (one over all sources, or the project's sequential stages), tokenize each split with its
// stage's settings, load the forgetting probe, and estimate memory and time — refusing, with
// suggestions, a run that will not fit. What `tunebench-cli train` and the GUI's Train step do
// before run_training().
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/project.h"
#include "core/engine/run_data.h"
#include "core/engine/run_setup_options.h"
#include "core/train/memory_estimate.h"
#include "core/train/run_estimate.h"
#include "core/train/train_run.h"

namespace tb {



struct PreparedRun {
  train::RunSpec spec;
  std::vector<train::MemoryEstimate> estimates;  // one per stage
  std::string device;                            // "cpu" or "cuda:0"
};

// torch::Device for a setting: "auto" (CUDA when present), "cpu", "cuda", "cuda:N". Throws
// tb::Error for a CUDA device that is not there.
std::string resolve_device(const std::string& setting);

// Throws tb::Error for what the user must fix (a file, a column, an empty split, a model that
// is not there) and when the estimate says the run will not fit (its suggestions in the message).
PreparedRun prepare_run(const Project& project, const RunSetupOptions& options);

}  // namespace tb
