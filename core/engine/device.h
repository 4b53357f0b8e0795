// What this machine computes on: the libtorch build, CUDA GPUs (name, memory) or the CPU and
// its threads. Probed once through libtorch; the result is a plain copyable value, safe to hand
// to the GUI. Not for choosing where a job runs (the engine decides that from this).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tb {

struct GpuInfo {
  int index = 0;
  std::string name;
  std::int64_t total_memory_bytes = 0;
  std::int64_t free_memory_bytes = -1;  // -1 = could not be read
  int compute_major = 0;
  int compute_minor = 0;
};

struct DeviceInfo {
  std::string libtorch_version;    // e.g. "2.11.0"
  std::string cuda_build_version;  // CUDA runtime libtorch was built with; empty = CPU-only build
  bool cuda_available = false;     // a usable CUDA device is present
  std::vector<GpuInfo> gpus;
  std::string cpu_name;            // from /proc/cpuinfo where readable
  int cpu_threads = 0;             // hardware threads
  int torch_threads = 0;           // libtorch's intra-op threads

  // One line for a status bar: "CUDA · NVIDIA H100 80GB HBM3 · 79.1 GiB" or "CPU · 2 threads".
  std::string summary() const;
};

// Asks libtorch (and the CUDA runtime where present). Never throws: what cannot be read stays
// at its default.
DeviceInfo probe_device();

void to_json(nlohmann::json& out, const GpuInfo& gpu);
void to_json(nlohmann::json& out, const DeviceInfo& info);

// Memory this process uses on a device now: the CPU's resident set, or a CUDA device's used
// memory (total - free; all processes). -1 when it cannot be read.
std::int64_t memory_in_use_bytes(bool cuda, int device_index = 0);
// Free memory on a device: a CUDA device's free memory, or the CPU's MemAvailable. -1 = unknown.
std::int64_t memory_free_bytes(bool cuda, int device_index = 0);

// The memory a training run may use, what its estimate's verdict is against: `free_bytes` (the
// device's free memory, -1 = unknown) plus `held_bytes` (what this process already holds of the
// run's own model, loaded before the estimate). TUNEBENCH_RUN_MEMORY_BYTES, when set, is the
// answer instead: a fixed budget (tests, demos, leaving room for other programs). 0 = unknown.
std::uint64_t run_memory_bytes(std::int64_t free_bytes, std::int64_t held_bytes = 0);


}  // namespace tb
