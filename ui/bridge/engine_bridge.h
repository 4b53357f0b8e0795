// EngineBridge: owns the core Engine for the GUI. Core events arrive on the engine's worker
// thread; the bridge copies each one into a queued call, so its signals fire on the GUI thread
// and carry only copyable values (never tensors or pointers into core).
#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "core/data/data_job.h"
#include "core/engine/chat_request.h"
#include "core/engine/device.h"
#include "core/engine/event.h"
#include "core/engine/project.h"
#include "core/engine/run_eval.h"
#include "core/engine/run_setup_options.h"
#include "core/model/model_config.h"
#include "core/train/sweep_space.h"

namespace tb {
class Engine;
}

namespace tbui {

class EngineBridge : public QObject {
  Q_OBJECT

 public:
  explicit EngineBridge(QObject* parent = nullptr);
  ~EngineBridge() override;  // cancels and joins the worker before anything else goes

  // Starts a device probe on the worker; deviceProbed() follows.
  void probeDevice();
  // Runs the installation self-test on the worker: logLine() per check, then
  // jobStateChanged(Finished or Failed).
  quint64 runSelfTest();
  // The last probe's result, if one has arrived.
  const std::optional<tb::DeviceInfo>& device() const { return device_; }
  // Imports, splits and audits a dataset on the worker: jobProgress() now and then, then
  // dataAudited() (also after cancelJob, with what was read), or jobStateChanged(Failed).
  quint64 importDataset(const tb::data::DataJobSettings& settings);
  void cancelJob(quint64 job);
  // Trains a project on the worker: logLine() while it prepares, trainEvent() while it runs,
  // trainFinished() at the end (or jobStateChanged(Failed) with the reason).
  quint64 startTraining(const tb::Project& project, const tb::RunSetupOptions& options = {});
  // Measures a finished run again: evalFinished() with eval.md's path and the report.
  quint64 evaluateRun(const QString& runDir, const tb::EvalOptions& options = {});
  // Writes a run's adapter or merged model: exportFinished() says where.
  quint64 exportRun(const QString& runDir, const QString& out, const tb::ExportRunOptions& options = {});
  // Reads a model's facts on the worker ("demo" or a path): modelInspected() with
  // inspect_model()'s JSON plus "device" and "free_memory_bytes", or jobStateChanged(Failed).
  quint64 inspectModel(const QString& model);
  // Answers a conversation with the base model and, when request.run_dir names a run, its tuned
  // model, both streaming at once: chatToken() per piece, chatFinished() per side. The loaded
  // models stay cached on the worker for the next request with the same model and run.
  quint64 startChat(const tb::ChatRequest& request);
  // Tries the project's settings varied over `space` in short runs (sweep.h): logLine() per
  // trial, then sweepFinished() with the sweep folder and sweep.json's text.
  quint64 startSweep(const tb::Project& project, const tb::train::SweepSpace& space,
                     const tb::train::SweepOptions& options);
  void pauseJob(quint64 job, bool paused);
  void stopKeepBest(quint64 job);
  void saveNow(quint64 job);

 Q_SIGNALS:
  void deviceProbed(const tb::DeviceInfo& info);
  void jobStateChanged(quint64 job, const QString& name, const QString& state,
                       const QString& message);
  void logLine(quint64 job, const QString& text);
  void jobProgress(quint64 job, double fraction, const QString& what);
  // The snapshot is handed over: the receiver may move its contents out.
  void dataAudited(quint64 job, std::shared_ptr<tb::data::DataSnapshot> snapshot);
  void trainEvent(quint64 job, const tb::train::RunEvent& event);
  // report: report.json's text.
  void trainFinished(quint64 job, const QString& runDir, const QString& status, const QString& report);
  void evalFinished(quint64 job, const QString& reportMd, const QString& report);
  void exportFinished(quint64 job, const QString& folder, const QString& message);
  // info: JSON text (see inspectModel).
  void modelInspected(quint64 job, const QString& model, const QString& info, const tb::ModelConfig& config);
  void sweepFinished(quint64 job, const QString& folder, const QString& result);
  // side: 0 = base, 1 = tuned (tb::ChatSide).
  void chatToken(quint64 job, int side, const QString& text);
  void chatFinished(quint64 job, int side, const QString& text, const QString& stopReason, double tokensPerS);

 private:
  void dispatch(const tb::Event& event);  // on the GUI thread

  std::optional<tb::DeviceInfo> device_;
  std::unique_ptr<tb::Engine> engine_;  // last: destroyed first
};

}  // namespace tbui

Q_DECLARE_METATYPE(tb::DeviceInfo)
Q_DECLARE_METATYPE(std::shared_ptr<tb::data::DataSnapshot>)
Q_DECLARE_METATYPE(tb::train::RunEvent)
Q_DECLARE_METATYPE(tb::ModelConfig)
