// EngineBridge: owns the core Engine for the GUI. Core events arrive on the engine's worker
// thread; the bridge copies each one into a queued call and, on the GUI thread, hands it to the
// handle of its job (job_handle.h), whose signals carry only copyable values (never tensors or
// pointers into core).
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <map>
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
#include "ui/bridge/job_handle.h"

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
  // The last probe's result, if one has arrived.
  const std::optional<tb::DeviceInfo>& device() const { return device_; }

  // Each start returns the job's handle (job_handle.h), owned by the bridge: connect to it for
  // the job's log, progress, results and end.
  // The installation self-test: logLine() per check, then ended().
  JobHandle* runSelfTest();
  // Imports, splits and audits a dataset: progress() now and then, then dataAudited() (also
  // after cancel(), with what was read), or ended(Failed).
  JobHandle* importDataset(const tb::data::DataJobSettings& settings);
  // Trains a project: logLine() while it prepares, trainEvent() while it runs, trainFinished()
  // at the end (or ended(Failed) with the reason).
  JobHandle* startTraining(const tb::Project& project, const tb::RunSetupOptions& options = {});
  // Measures a finished run again: evalFinished() with eval.md's path and the report.
  JobHandle* evaluateRun(const QString& runDir, const tb::EvalOptions& options = {});
  // Writes a run's adapter or merged model: exportFinished() says where.
  JobHandle* exportRun(const QString& runDir, const QString& out, const tb::ExportRunOptions& options = {});
  // Reads a model's facts ("demo" or a path): modelInspected(), or ended(Failed).
  JobHandle* inspectModel(const QString& model);
  // Answers a conversation with the base model and, when request.run_dir names a run, its tuned
  // model, both streaming at once: chatToken() per piece, chatFinished() per side. The loaded
  // models stay cached on the worker for the next request with the same model and run.
  JobHandle* startChat(const tb::ChatRequest& request);
  // Tries the project's settings varied over `space` in short runs (sweep.h): logLine() per
  // trial, then sweepFinished() with the sweep folder and sweep.json's text.
  JobHandle* startSweep(const tb::Project& project, const tb::train::SweepSpace& space,
                        const tb::train::SweepOptions& options);

 Q_SIGNALS:
  void deviceProbed(const tb::DeviceInfo& info);

 private:
  friend class JobHandle;  // its controls
  void cancelJob(quint64 job);
  void pauseJob(quint64 job, bool paused);
  void stopKeepBest(quint64 job);
  void saveNow(quint64 job);

  JobHandle* track(quint64 job);
  void dispatch(const tb::Event& event);  // on the GUI thread

  std::optional<tb::DeviceInfo> device_;
  std::map<quint64, QPointer<JobHandle>> jobs_;  // the jobs not yet ended
  std::unique_ptr<tb::Engine> engine_;  // last: destroyed first
};

}  // namespace tbui

Q_DECLARE_METATYPE(tb::DeviceInfo)
Q_DECLARE_METATYPE(std::shared_ptr<tb::data::DataSnapshot>)
Q_DECLARE_METATYPE(tb::train::RunEvent)
Q_DECLARE_METATYPE(tb::ModelConfig)
