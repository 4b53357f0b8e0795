// JobHandle (see job_handle.h).
#include "ui/bridge/job_handle.h"

#include "ui/bridge/engine_bridge.h"

namespace tbui {

JobHandle::JobHandle(quint64 id, EngineBridge* bridge, QObject* parent) : QObject(parent), id_(id), bridge_(bridge) {}

void JobHandle::cancel() {
  if (bridge_) bridge_->cancelJob(id_);
}

void JobHandle::pause(bool paused) {
  if (bridge_) bridge_->pauseJob(id_, paused);
}

void JobHandle::stopKeepBest() {
  if (bridge_) bridge_->stopKeepBest(id_);
}

void JobHandle::saveNow() {
  if (bridge_) bridge_->saveNow(id_);
}

void releaseJob(QPointer<JobHandle>& job, QObject* receiver) {
  if (job) job->disconnect(receiver);
  job = nullptr;
}

}  // namespace tbui
