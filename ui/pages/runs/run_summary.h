// Run folders for people: asks core/run/ for a run's summary, report figures, curves and
// checkpoints (core reads every file it writes; nothing here parses one) and words them — figures,
// changes, methods, the forgetting probe, report labels — for the Runs, Evaluate and Export pages.
// The ask* functions turn core's tb::Error into nullopt and a message naming the file.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>
#include <filesystem>
#include <optional>

#include "core/run/run_checkpoints.h"
#include "core/run/run_curves.h"
#include "core/run/run_report_file.h"
#include "core/run/run_summary.h"

class QComboBox;
class QDateTime;

namespace tbui {

using RunSummary = tb::run::RunSummary;
using RunReport = tb::run::RunReport;
using RunCurves = tb::run::RunCurves;

// A path of a run folder for core (UTF-8), and back for a widget.
std::filesystem::path runPath(const QString& path);
QString runPathText(const std::filesystem::path& path);
// std::string → QString where a text is shown.
inline QString qtext(const std::string& s) { return QString::fromStdString(s); }
// std::vector<double> → QVector<double> for a chart.
QVector<double> chartData(const std::vector<double>& values);

// core/run/'s readers; nullopt with `error` (naming the file) when it throws tb::Error.
std::optional<QByteArray> readRunFile(const QString& file, QString* error = nullptr);
std::optional<RunSummary> readRunSummary(const QString& runDir, QString* error = nullptr);
// A report's JSON text (a finished job's); `source` names it in errors.
std::optional<RunReport> parseRunReport(const QString& json, const QString& source,
                                        QString* error = nullptr);
std::optional<RunReport> readRunReport(const QString& file, QString* error = nullptr);
std::optional<RunCurves> readRunCurves(const QString& runDir, QString* error = nullptr);
QVector<qint64> checkpointSteps(const QString& runDir);
QStringList reportFiles(const QString& runDir);

// When the run started, in local time (invalid when unknown).
QDateTime startedTime(const RunSummary& summary);
// "LoRA r8 · lr 0.0002 · 1 epoch · max 30 steps · batch 4×1".
QString settingsText(const RunSummary& summary);
// "0.412", or "–" for NaN.
QString figureText(double x, int digits = 3);
// "+0.120" / "-0.120", or "–" for NaN.
QString changeText(double x, int digits = 3);
// A method for people: "LoRA", "full fine-tuning", "freeze".
QString methodText(const QString& method);
// The forgetting probe in plain words: "The tuned model is 3 % worse on general text: little
// forgetting." and the perplexities on a second line.
QString forgettingSentence(const RunReport& report);
// A report file for people: "At the end of training", "Evaluated again at step 20".
QString reportLabel(const QString& file);

// The one run chooser of the Evaluate, Export and Compare steps. Fills `box` with `runs` (oldest
// first, as the project lists them) newest first, each as "name — method, status" with the
// folder as item data and tooltip; `current` chosen (added when it is not among them), else the
// newest. `finishedOnly` keeps the runs with a report (Compare needs a tuned model's answers);
// with none left, `placeholder` (when given) is the one item, with empty data. Signals of `box`
// are blocked while it fills. Returns the folder chosen (empty when none).
struct RunChoiceOptions {
  bool finishedOnly = false;
  QString placeholder;
};
QString fillRunChoices(QComboBox* box, QStringList runs, const QString& current, const RunChoiceOptions& options = {});
// The weights chooser beside it: "Final weights" (item data -1) when the run finished, then
// "Checkpoint at step N" (data N) for each checkpoint; `keepStep` chosen when listed, else the
// final weights, else the last checkpoint. Empty for a run that cannot be read.
void fillCheckpointChoices(QComboBox* box, const std::optional<RunSummary>& summary, const QString& runDir,
                           std::optional<qint64> keepStep = std::nullopt);

}  // namespace tbui
