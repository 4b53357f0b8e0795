// EventRecorder: collects what an Engine reports (on its worker thread) for tests, and waits
// for a job's final state. Shared by the engine tests (tests/core) and the engine-job parity
// tests (tests/parity).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine/event.h"

namespace tb::test {

class EventRecorder {
 public:
  tb::EventSink sink() {
    return [this](const tb::Event& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
      threads_.push_back(std::this_thread::get_id());
      changed_.notify_all();
    };
  }
  // The job's final state (finished, failed or cancelled); a test failure after `timeout`.
  tb::JobStateChanged wait_end(tb::JobId job, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    std::unique_lock lock(mutex_);
    tb::JobStateChanged out;
    const bool ok = changed_.wait_for(lock, timeout, [&] {
      for (const auto& e : events_) {
        const auto* s = std::get_if<tb::JobStateChanged>(&e);
        if (s != nullptr && s->job == job && s->state != tb::JobState::Running) {
          out = *s;
          return true;
        }
      }
      return false;
    });
    EXPECT_TRUE(ok) << "job " << job << " did not end";
    return out;
  }
  std::vector<tb::Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // The thread each event arrived on.
  std::vector<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }
  // The events of type T that `job` reported, in order.
  template <typename T>
  std::vector<T> of(tb::JobId job) {
    std::lock_guard lock(mutex_);
    std::vector<T> out;
    for (const auto& e : events_) {
      if (const auto* x = std::get_if<T>(&e); x != nullptr && x->job == job) out.push_back(*x);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<tb::Event> events_;
  std::vector<std::thread::id> threads_;
};

}  // namespace tb::test
