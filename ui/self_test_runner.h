// `tunebench --self-test`: for installers and support. Builds the main window (Qt, the charts,
// the icons and the pages load), then runs the engine's installation self-test on its worker
// thread (one tiny training step, one generation: core/engine/self_test.h) and prints each
// check. The process exits 0 when everything required passed.
#pragma once

#include <QObject>

namespace tbui {

class EngineBridge;
class MainWindow;

class SelfTestRunner : public QObject {
  Q_OBJECT

 public:
  SelfTestRunner(EngineBridge* bridge, MainWindow* window, QObject* parent = nullptr);
  // Starts the checks; the application quits with 0 (passed) or 1 when they end, or with 1
  // after `timeoutMs`.
  void start(int timeoutMs = 300000);

 private:
  void finish(int code, const QString& why);

  EngineBridge* bridge_;
  MainWindow* window_;
  bool done_ = false;
};

}  // namespace tbui
