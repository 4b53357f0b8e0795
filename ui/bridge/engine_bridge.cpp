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
  // Runs on the worker: copy the event and hand it to the GUI thread. If the bridge is gone
  // before the call runs, Qt drops it (the bridge is the call's context object).
  engine_ = std::make_unique<tb::Engine>([this](const tb::Event& event) {
    QMetaObject::invokeMethod(this, [this, event] { dispatch(event); }, Qt::QueuedConnection);
  });
}

EngineBridge::~EngineBridge() { engine_.reset(); }

void EngineBridge::probeDevice() { engine_->submit_device_probe(); }

quint64 EngineBridge::runSelfTest() { return engine_->submit_self_test(); }

quint64 EngineBridge::importDataset(const tb::data::DataJobSettings& settings) {
  return engine_->submit_data_job(settings);
}

void EngineBridge::cancelJob(quint64 job) { engine_->cancel(job); }

quint64 EngineBridge::startTraining(const tb::Project& project, const tb::RunSetupOptions& options) {
  return engine_->submit_train_job(project, options);
}

quint64 EngineBridge::evaluateRun(const QString& runDir, const tb::EvalOptions& options) {
  return engine_->submit_eval_job(runDir.toStdString(), options);
}

quint64 EngineBridge::exportRun(const QString& runDir, const QString& out, const tb::ExportRunOptions& options) {
  return engine_->submit_export_job(runDir.toStdString(), out.toStdString(), options);
}

quint64 EngineBridge::inspectModel(const QString& model) {
  return engine_->submit_model_inspect_job(model.toStdString());
}

quint64 EngineBridge::startChat(const tb::ChatRequest& request) { return engine_->submit_chat_job(request); }

quint64 EngineBridge::startSweep(const tb::Project& project, const tb::train::SweepSpace& space,
                                 const tb::train::SweepOptions& options) {
  return engine_->submit_sweep_job(project, space, options);
}

void EngineBridge::pauseJob(quint64 job, bool paused) { engine_->pause(job, paused); }
void EngineBridge::stopKeepBest(quint64 job) { engine_->stop_keep_best(job); }
void EngineBridge::saveNow(quint64 job) { engine_->save_now(job); }

void EngineBridge::dispatch(const tb::Event& event) {
  std::visit(tb::Overloaded{
                 [this](const tb::DeviceProbed& e) {
                   device_ = e.info;
                   Q_EMIT deviceProbed(e.info);
                 },
                 [this](const tb::JobStateChanged& e) {
                   Q_EMIT jobStateChanged(e.job, QString::fromStdString(e.name),
                                          QString::fromLatin1(tb::to_string(e.state)),
                                          QString::fromStdString(e.message));
                 },
                 [this](const tb::LogLine& e) {
                   Q_EMIT logLine(e.job, QString::fromStdString(e.text));
                 },
                 [this](const tb::JobProgress& e) {
                   Q_EMIT jobProgress(e.job, e.fraction, QString::fromStdString(e.what));
                 },
                 [this](const tb::DataAudited& e) { Q_EMIT dataAudited(e.job, e.snapshot); },
                 [this](const tb::TrainEvent& e) { Q_EMIT trainEvent(e.job, e.event); },
                 [this](const tb::TrainFinished& e) {
                   Q_EMIT trainFinished(e.job, QString::fromStdString(e.run_dir), QString::fromStdString(e.status),
                                        jsonText(e.report));
                 },
                 [this](const tb::EvalFinished& e) {
                   Q_EMIT evalFinished(e.job, QString::fromStdString(e.report_md),
                                       jsonText(e.report));
                 },
                 [this](const tb::ExportFinished& e) {
                   Q_EMIT exportFinished(e.job, QString::fromStdString(e.folder), QString::fromStdString(e.message));
                 },
                 [this](const tb::ModelInspected& e) {
                   Q_EMIT modelInspected(e.job, QString::fromStdString(e.model), jsonText(e.info), e.config);
                 },
                 [this](const tb::ChatToken& e) {
                   Q_EMIT chatToken(e.job, static_cast<int>(e.side), QString::fromStdString(e.text));
                 },
                 [this](const tb::ChatFinished& e) {
                   Q_EMIT chatFinished(e.job, static_cast<int>(e.side), QString::fromStdString(e.text),
                                       QString::fromStdString(e.stop_reason), e.tokens_per_s);
                 },
                 [this](const tb::SweepFinished& e) {
                   Q_EMIT sweepFinished(e.job, QString::fromStdString(e.folder), jsonText(e.result));
                 },
             },
             event);
}

}  // namespace tbui
