// StallMonitor: measures how long the GUI event loop goes without running while a test waits
// for the engine (training, answers, exports). A 5 ms timer ticks on the GUI thread; the
// longest gap between ticks while armed is the longest stall a person would have felt.
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>
#include <functional>

namespace tbtest {

class StallMonitor {
 public:
  StallMonitor() {
    timer_.setInterval(5);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      const qint64 now = clock_.elapsed();
      if (last_ >= 0) worst_ = std::max(worst_, now - last_);
      last_ = now;
    });
    clock_.start();
  }

  // Runs the event loop until `done` is true or `timeout_ms` passes; returns `done()`.
  bool waitUntil(const std::function<bool()>& done, int timeout_ms) {
    last_ = -1;
    timer_.start();
    QElapsedTimer waited;
    waited.start();
    while (!done() && waited.elapsed() < timeout_ms) {
      QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
      QTest::qSleep(1);
    }
    timer_.stop();
    return done();
  }

  // The longest gap between ticks seen so far, in milliseconds.
  qint64 worstStallMs() const { return worst_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1;
  qint64 worst_ = 0;
};

}  // namespace tbtest
