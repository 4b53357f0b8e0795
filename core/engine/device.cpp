// Device probe through libtorch (see device.h).
#include "core/engine/device.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/common/build_info.h"
#include "core/common/units.h"

#if TB_WITH_CUDA_RUNTIME
#include <cuda_runtime_api.h>
#endif

namespace tb {
namespace {

std::string read_cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        const auto start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? std::string() : line.substr(start);
      }
    }
  }
  return {};
}

std::string cuda_version_string(long version) {
  // CUDA encodes 13.0 as 13000, 12.8 as 12080.
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

}  // namespace

std::string DeviceInfo::summary() const {
  if (cuda_available && !gpus.empty()) {
    const GpuInfo& gpu = gpus.front();
    std::string text = "CUDA · " + (gpu.name.empty() ? "GPU 0" : gpu.name);
    if (gpu.total_memory_bytes > 0) text += " · " + format_bytes(static_cast<std::uint64_t>(gpu.total_memory_bytes));
    if (gpus.size() > 1) text += " (+" + std::to_string(gpus.size() - 1) + " more)";
    return text;
  }
  std::string text = "CPU · " + std::to_string(cpu_threads) + " threads";
  if (!cpu_name.empty()) text += " · " + cpu_name;
  return text;
}

DeviceInfo probe_device() {
  DeviceInfo info;
  info.libtorch_version = TORCH_VERSION;
  info.cpu_name = read_cpu_name();
  info.cpu_threads = static_cast<int>(std::thread::hardware_concurrency());
  info.torch_threads = at::get_num_threads();
  try {
    if (at::detail::getCUDAHooks().hasCUDART()) {
      info.cuda_build_version = cuda_version_string(at::detail::getCUDAHooks().versionCUDART());
    }
  } catch (const std::exception&) {
    // A CPU-only libtorch: no CUDA runtime to report.
  }
  try {
    info.cuda_available = torch::cuda::is_available();
  } catch (const std::exception&) {
    info.cuda_available = false;
  }
  if (!info.cuda_available) return info;

  const int count = static_cast<int>(torch::cuda::device_count());
  for (int i = 0; i < count; ++i) {
    GpuInfo gpu;
    gpu.index = i;
#if TB_WITH_CUDA_RUNTIME
    cudaDeviceProp props{};
    if (cudaGetDeviceProperties(&props, i) == cudaSuccess) {
      gpu.name = props.name;
      gpu.total_memory_bytes = static_cast<std::int64_t>(props.totalGlobalMem);
      gpu.compute_major = props.major;
      gpu.compute_minor = props.minor;
    }
    int previous = 0;
    std::size_t free_bytes = 0, total_bytes = 0;
    if (cudaGetDevice(&previous) == cudaSuccess && cudaSetDevice(i) == cudaSuccess &&
        cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess) {
      gpu.free_memory_bytes = static_cast<std::int64_t>(free_bytes);
    }
    cudaSetDevice(previous);
#endif
    info.gpus.push_back(gpu);
  }
  return info;
}

void to_json(nlohmann::json& out, const GpuInfo& gpu) {
  out = {{"index", gpu.index},
         {"name", gpu.name},
         {"total_memory_bytes", gpu.total_memory_bytes},
         {"free_memory_bytes", gpu.free_memory_bytes},
         {"compute_capability", std::to_string(gpu.compute_major) + "." +
                                    std::to_string(gpu.compute_minor)}};
}

void to_json(nlohmann::json& out, const DeviceInfo& info) {
  out = {{"libtorch_version", info.libtorch_version},
         {"cuda_build_version", info.cuda_build_version},
         {"cuda_available", info.cuda_available},
         {"gpus", info.gpus},
         {"cpu_name", info.cpu_name},
         {"cpu_threads", info.cpu_threads},
         {"torch_threads", info.torch_threads},
         {"summary", info.summary()}};
}

namespace {

// A CUDA device's free and total bytes (all processes); false when they cannot be read.
bool cuda_memory(int device_index, std::int64_t& free_bytes, std::int64_t& total_bytes) {
#if TB_WITH_CUDA_RUNTIME
  int previous = 0;
  std::size_t free_now = 0, total = 0;
  if (cudaGetDevice(&previous) != cudaSuccess || cudaSetDevice(device_index) != cudaSuccess) return false;
  const bool ok = cudaMemGetInfo(&free_now, &total) == cudaSuccess;
  cudaSetDevice(previous);
  free_bytes = static_cast<std::int64_t>(free_now);
  total_bytes = static_cast<std::int64_t>(total);
  return ok;
#else
  (void)device_index;
  (void)free_bytes;
  (void)total_bytes;
  return false;
#endif
}

}  // namespace

std::int64_t memory_in_use_bytes(bool cuda, int device_index) {
  if (cuda) {
    std::int64_t free_bytes = 0, total_bytes = 0;
    return cuda_memory(device_index, free_bytes, total_bytes) ? total_bytes - free_bytes : -1;
  }
  // /proc/self/statm: size resident ... in pages.
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return -1;
  return resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

std::int64_t memory_free_bytes(bool cuda, int device_index) {
  if (cuda) {
    std::int64_t free_bytes = 0, total_bytes = 0;
    return cuda_memory(device_index, free_bytes, total_bytes) ? free_bytes : -1;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::int64_t value = 0;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemAvailable:") return value * 1024;
  }
  return -1;
}

std::uint64_t run_memory_bytes(std::int64_t free_bytes, std::int64_t held_bytes) {
  if (const char* cap = std::getenv("TUNEBENCH_RUN_MEMORY_BYTES"); cap != nullptr && *cap != '\0') {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(cap, &end, 10);
    if (end != nullptr && *end == '\0') return v;
  }
  if (free_bytes <= 0) return 0;
  return static_cast<std::uint64_t>(free_bytes) + static_cast<std::uint64_t>(std::max<std::int64_t>(0, held_bytes));
}

}  // namespace tb
