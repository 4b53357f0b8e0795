// Events: what jobs on the engine's worker thread report to whoever listens (the CLI prints
// them; the GUI's EngineBridge re-posts them as queued signals). Plain copyable values only —
// never tensors or pointers into core.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "core/engine/device.h"

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

using Event = std::variant<JobStateChanged, LogLine, DeviceProbed>;

// Called on the engine's worker thread, never on the caller's.
using EventSink = std::function<void(const Event&)>;

}  // namespace tb
