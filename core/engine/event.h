// Events: what jobs on the engine's worker thread report to whoever listens (the CLI prints
// them; the GUI's EngineBridge re-posts them as queued signals). Copyable values only — never
// tensors or pointers into live core state. A large result (an imported dataset) travels as a
// shared pointer to data its job built and never touches again: a hand-over, so that 100,000
// examples are moved, not copied, on the GUI thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include <memory>

#include "core/data/data_job.h"
#include "core/engine/device.h"
#include "core/train/run_events.h"

namespace tb {

using JobId = std::uint64_t;

enum class JobState { Running, Finished, Failed, Cancelled };

const char* to_string(JobState state);

struct JobStateChanged {
  JobId job = 0;
  std::string name;     // what the job is, e.g. "probe device"
  JobState state = JobState::Running;
  std::string message;  // the reason when Failed; empty otherwise
};

struct LogLine {
  JobId job = 0;
  std::string text;
};

struct DeviceProbed {
  JobId job = 0;
  DeviceInfo info;
};

struct JobProgress {
  JobId job = 0;
  double fraction = 0;  // 0..1
  std::string what;     // "reading", "auditing", ...
};

struct DataAudited {
  JobId job = 0;
  std::shared_ptr<data::DataSnapshot> snapshot;  // handed over: the job keeps no reference
};

// Something a training run reported (step metrics, an evaluation, a warning, ...).
struct TrainEvent {
  JobId job = 0;
  train::RunEvent event;
};

// A training job's end: where the run is and its report (report.json's content).
struct TrainFinished {
  JobId job = 0;
  std::string run_dir;
  std::string status;    // RunStatus as text: "finished", "early_stopped", ...
  nlohmann::json report;
};

// An evaluation on demand's end: its report (eval.md) and figures.
struct EvalFinished {
  JobId job = 0;
  std::string report_md;
  nlohmann::json report;
};

// An export's end: where the files went, in a sentence.
struct ExportFinished {
  JobId job = 0;
  std::string folder;
  std::string message;
};

using Event = std::variant<JobStateChanged, LogLine, DeviceProbed, JobProgress, DataAudited, TrainEvent, TrainFinished,
                           EvalFinished, ExportFinished>;

// Called on the engine's worker thread, never on the caller's.
using EventSink = std::function<void(const Event&)>;

}  // namespace tb
