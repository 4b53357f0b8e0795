// Status-bar label for the compute device: "Detecting compute device…" until the engine's
// probe arrives, then the CUDA GPU and its memory, or the CPU and its thread count.
#pragma once

#include <QLabel>

#include "core/engine/device.h"

namespace tbui {

class EngineBridge;

class DeviceStatusLabel : public QLabel {
  Q_OBJECT

 public:
  DeviceStatusLabel(EngineBridge* bridge, QWidget* parent);

 private:
  void showDevice(const tb::DeviceInfo& info);
};

}  // namespace tbui
