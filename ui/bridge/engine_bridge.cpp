// EngineBridge (see engine_bridge.h).
#include "ui/bridge/engine_bridge.h"

#include <QMetaObject>

#include "core/common/overloaded.h"
#include "core/engine/engine.h"

namespace tbui {

namespace {
// Generated text may hold broken UTF-8; dump it with replacement characters, never throw.
QString jsonText(const nlohmann::json& json) {
  return QString::fromStdString(json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}
}  // namespace

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<tb::DeviceInfo>();
  qRegisterMetaType<std::shared_ptr<tb::data::DataSnapshot>>();
  qRegisterMetaType<tb::train::RunEvent>();
  qRegisterMetaType<tb::ModelConfig>();
  qRegisterMetaType<tbui::JobEnd>();
  // Runs on the worker: copy the event and hand it to the GUI thread. If the bridge is gone
  // before the call runs, Qt drops it (the bridge is the call's context object).
  engine_ = std::make_unique<tb::Engine>([this](const tb::Event& event) {
    QMetaObject::invokeMethod(this, [this, event] { dispatch(event); }, Qt::QueuedConnection);
  });
}

EngineBridge::~EngineBridge() { engine_.reset(); }

void EngineBridge::probeDevice() { engine_->submit_device_probe(); }

JobHandle* EngineBridge::track(quint64 job) {
  auto* handle = new JobHandle(job, this, this);
  jobs_[job] = handle;
  return handle;
}

JobHandle* EngineBridge::runSelfTest() { return track(engine_->submit_self_test()); }

JobHandle* EngineBridge::importDataset(const tb::data::DataJobSettings& settings) {
  return track(engine_->submit_data_job(settings));
}

void EngineBridge::cancelJob(quint64 job) { engine_->cancel(job); }

JobHandle* EngineBridge::startTraining(const tb::Project& project, const tb::RunSetupOptions& options) {
  return track(engine_->submit_train_job(project, options));
}

JobHandle* EngineBridge::evaluateRun(const QString& runDir, const tb::EvalOptions& options) {
  return track(engine_->submit_eval_job(runDir.toStdString(), options));
}

JobHandle* EngineBridge::exportRun(const QString& runDir, const QString& out, const tb::ExportRunOptions& options) {
  return track(engine_->submit_export_job(runDir.toStdString(), out.toStdString(), options));
}

JobHandle* EngineBridge::inspectModel(const QString& model) {
  return track(engine_->submit_model_inspect_job(model.toStdString()));
}

JobHandle* EngineBridge::startChat(const tb::ChatRequest& request) { return track(engine_->submit_chat_job(request)); }

JobHandle* EngineBridge::startSweep(const tb::Project& project, const tb::train::SweepSpace& space,
                                    const tb::train::SweepOptions& options) {
  return track(engine_->submit_sweep_job(project, space, options));
}

void EngineBridge::pauseJob(quint64 job, bool paused) { engine_->pause(job, paused); }
void EngineBridge::stopKeepBest(quint64 job) { engine_->stop_keep_best(job); }
void EngineBridge::saveNow(quint64 job) { engine_->save_now(job); }

void EngineBridge::dispatch(const tb::Event& event) {
  if (const auto* probed = std::get_if<tb::DeviceProbed>(&event)) {
    device_ = probed->info;
    Q_EMIT deviceProbed(probed->info);
    return;
  }
  // 1. The handle of the event's job; a job the GUI did not start (a probe) has none.
  const quint64 id = std::visit([](const auto& e) -> quint64 { return e.job; }, event);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  JobHandle* job = it->second.data();
  if (job == nullptr) {
    jobs_.erase(it);
    return;
  }
  // 2. The event as the handle's typed signal.
  std::visit(tb::Overloaded{
                 [](const tb::DeviceProbed&) {},
                 [&](const tb::JobStateChanged& e) {
                   if (e.state == tb::JobState::Running) {
                     Q_EMIT job->started();
                     return;
                   }
                   // 3. The end: the handle's last signal, then it goes.
                   jobs_.erase(it);
                   const JobEnd how = e.state == tb::JobState::Finished ? JobEnd::Finished
                                      : e.state == tb::JobState::Failed ? JobEnd::Failed
                                                                         : JobEnd::Cancelled;
                   Q_EMIT job->ended(how, QString::fromStdString(e.message));
                   job->deleteLater();
                 },
                 [&](const tb::LogLine& e) { Q_EMIT job->logLine(QString::fromStdString(e.text)); },
                 [&](const tb::JobProgress& e) { Q_EMIT job->progress(e.fraction, QString::fromStdString(e.what)); },
                 [&](const tb::DataAudited& e) { Q_EMIT job->dataAudited(e.snapshot); },
                 [&](const tb::TrainEvent& e) { Q_EMIT job->trainEvent(e.event); },
                 [&](const tb::TrainFinished& e) {
                   Q_EMIT job->trainFinished(QString::fromStdString(e.run_dir), QString::fromStdString(e.status),
                                             jsonText(e.report));
                 },
                 [&](const tb::EvalFinished& e) {
                   Q_EMIT job->evalFinished(QString::fromStdString(e.report_md), jsonText(e.report));
                 },
                 [&](const tb::ExportFinished& e) {
                   Q_EMIT job->exportFinished(QString::fromStdString(e.folder), QString::fromStdString(e.message));
                 },
                 [&](const tb::ModelInspected& e) { Q_EMIT job->modelInspected(e); },
                 [&](const tb::ChatToken& e) {
                   Q_EMIT job->chatToken(static_cast<int>(e.side), QString::fromStdString(e.text));
                 },
                 [&](const tb::ChatFinished& e) {
                   Q_EMIT job->chatFinished(static_cast<int>(e.side), QString::fromStdString(e.text),
                                            QString::fromStdString(e.stop_reason), e.tokens_per_s);
                 },
                 [&](const tb::SweepFinished& e) {
                   Q_EMIT job->sweepFinished(QString::fromStdString(e.folder), e.summary);
                 },
             },
             event);
}

}  // namespace tbui
