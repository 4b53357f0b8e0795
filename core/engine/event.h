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
#include "core/engine/chat_request.h"
#include "core/engine/device.h"
#include "core/model/model_config.h"
#include "core/model/model_inspect.h"
#include "core/train/run_events.h"
#include "core/train/sweep_summary.h"

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

// A model inspected for the Model step: inspect_model()'s facts, the device a run would use
// and the memory free on it now.
struct ModelInspected {
  JobId job = 0;
  std::string model;  // what was asked for ("demo" or a path)
  ModelInfo info;
  std::string device;  // "cpu", "cuda", "cuda:1"
  std::int64_t free_memory_bytes = 0;
};

// A sweep's end: its folder and its leaderboard and best settings (as sweep.json holds them).
struct SweepFinished {
  JobId job = 0;
  std::string folder;
  train::SweepSummary summary;
};

// A piece of a chat answer as it streams (whole UTF-8 characters).
struct ChatToken {
  JobId job = 0;
  ChatSide side = ChatSide::Base;
  std::string text;
};

// One side's answer is complete.
struct ChatFinished {
  JobId job = 0;
  ChatSide side = ChatSide::Base;
  std::string text;
  std::string stop_reason;   // "eos", "stop_string", "max_new_tokens", "cancelled"
  double tokens_per_s = 0;
};

using Event = std::variant<JobStateChanged, LogLine, DeviceProbed, JobProgress, DataAudited, TrainEvent, TrainFinished,
                           EvalFinished, ExportFinished, ModelInspected, ChatToken, ChatFinished, SweepFinished>;

// Called on the engine's worker thread, never on the caller's.
using EventSink = std::function<void(const Event&)>;

}  // namespace tb
