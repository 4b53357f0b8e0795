// JobHandle: one job the GUI started on the engine, as a QObject with typed signals. The bridge
// routes each of the engine's events to the handle of its job, so a page connects to the jobs it
// started and hears nothing else: no filtering by job id, no comparing state names. A handle
// lives until its job has ended (ended() is its last signal), then deletes itself; hold it in a
// QPointer. Tests make handles of their own and emit on them to drive a page.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

#include "core/data/data_job.h"
#include "core/engine/event.h"
#include "core/train/run_events.h"

namespace tbui {

class EngineBridge;

// How a job ended.
enum class JobEnd { Finished, Failed, Cancelled };

class JobHandle : public QObject {
  Q_OBJECT

 public:
  // `bridge` carries the controls to the engine; without one (a test's handle) they do nothing.
  explicit JobHandle(quint64 id, EngineBridge* bridge = nullptr, QObject* parent = nullptr);

  quint64 id() const { return id_; }

  // Controls: they reach the job on the engine's worker.
  void cancel();
  void pause(bool paused);
  void stopKeepBest();  // training: stop now and keep the best checkpoint
  void saveNow();       // training: write a checkpoint at the next step

 Q_SIGNALS:
  void started();  // the worker took the job
  void logLine(const QString& text);
  void progress(double fraction, const QString& what);
  // The end, once: finished, failed (with the reason) or cancelled. Results come before it.
  void ended(tbui::JobEnd how, const QString& message);

  // Results, by the kind of job.
  void dataAudited(std::shared_ptr<tb::data::DataSnapshot> snapshot);  // handed over
  void trainEvent(const tb::train::RunEvent& event);
  void trainFinished(const QString& runDir, const QString& status, const QString& report);  // report.json's text
  void evalFinished(const QString& reportMd, const QString& report);
  void exportFinished(const QString& folder, const QString& message);
  void modelInspected(const tb::ModelInspected& result);
  void sweepFinished(const QString& folder, const tb::train::SweepSummary& summary);
  // side: 0 = base, 1 = tuned (tb::ChatSide).
  void chatToken(int side, const QString& text);
  void chatFinished(int side, const QString& text, const QString& stopReason, double tokensPerS);

 private:
  quint64 id_;
  QPointer<EngineBridge> bridge_;
};

// Lets go of a job a page was showing: `receiver` hears none of its later signals (its end, say)
// and `job` is cleared. Nothing happens to the job itself.
void releaseJob(QPointer<JobHandle>& job, QObject* receiver);

}  // namespace tbui

Q_DECLARE_METATYPE(tbui::JobEnd)
