// DeviceStatusLabel (see device_status_label.h).
#include "ui/widgets/device_status_label.h"

#include <algorithm>

#include "core/common/units.h"
#include "ui/bridge/engine_bridge.h"

namespace tbui {

DeviceStatusLabel::DeviceStatusLabel(EngineBridge* bridge, QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("deviceStatus"));
  setText(tr("Detecting compute device…"));
  connect(bridge, &EngineBridge::deviceProbed, this, &DeviceStatusLabel::showDevice);
  if (bridge->device()) showDevice(*bridge->device());
}

void DeviceStatusLabel::showDevice(const tb::DeviceInfo& info) {
  setText(QString::fromStdString(info.summary()));
  QString tip = tr("libtorch %1").arg(QString::fromStdString(info.libtorch_version));
  tip += info.cuda_build_version.empty()
             ? tr(", CPU-only build")
             : tr(", built for CUDA %1").arg(QString::fromStdString(info.cuda_build_version));
  for (const tb::GpuInfo& gpu : info.gpus) {
    tip += tr("\nGPU %1: %2, %3 total").arg(gpu.index).arg(QString::fromStdString(gpu.name),
                                                        QString::fromStdString(tb::format_bytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, gpu.total_memory_bytes)))));
    if (gpu.free_memory_bytes >= 0) {
      tip += tr(", %1 free").arg(QString::fromStdString(tb::format_bytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, gpu.free_memory_bytes)))));
    }
  }
  if (!info.cuda_available) tip += tr("\nNo CUDA GPU found: training runs on the CPU.");
  setToolTip(tip);
}

}  // namespace tbui
