// Reading a finished (or unfinished) run folder for the GUI: run.json's settings, the figures of
// report.json / eval.json (test split base vs tuned, forgetting probe and matrix, per task) and
// metrics.jsonl's curves. Plain JSON on the GUI thread — no torch. A missing or damaged file is
// an error naming the file, never a crash. Not for writing anything: runs are written by core.
#pragma once

#include <QDateTime>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

class QComboBox;

namespace tbui {

// Loss on a set of examples (report.json's "test"/"probe" base or tuned). NaN = not measured.
struct LossFigures {
  bool present = false;
  double loss = 0, perplexity = 0;
  qint64 examples = 0;
  QVector<QPair<QString, double>> perTask;  // task -> loss, in the report's order
};

// Scores of generated answers (report.json's "generation" base or tuned).
struct ScoreFigures {
  bool present = false;
  qint64 count = 0;
  double exactMatch = 0, tokenF1 = 0, rougeL = 0, bleu = 0;
  double meanAnswerWords = 0, meanReferenceWords = 0;
};

struct StageFigures {
  QString name, status;
  qint64 steps = 0, totalSteps = 0, bestStep = -1, trainableParams = 0, warnings = 0;
  double bestValLoss = 0, seconds = 0;
};

// The figures of one report file (report.json, eval.json or eval-step-N.json).
struct RunReport {
  QString file;    // absolute path it was read from ("" = from a job's text)
  QString status;  // finished, early_stopped, stopped_by_user, diverged, cancelled
  QString model;
  QVector<StageFigures> stages;
  LossFigures testBase, testTuned, probeBase, probeTuned;
  QString probeName;
  ScoreFigures generationBase, generationTuned;
  qint64 answers = 0;  // side-by-side answers in the report
  QStringList forgettingStages;
  QVector<double> forgettingBefore;          // each stage's validation loss before training
  QVector<QVector<double>> forgettingAfter;  // row i: after stage i; NaN = not yet trained
  QStringList curves;                        // PNG file names in the run folder
};

struct RunSummary {
  QString path;       // the run folder, absolute
  QString name;       // the folder's name
  QString status;     // the report's, or "unfinished" when there is no report yet
  QDateTime started;  // invalid when unknown
  QString model;
  QString method;      // "lora", "full", "freeze"; stages joined by " → "
  QString lastMethod;  // the last stage's method (what an export gets)
  QString precision;
  double learningRate = 0;
  qint64 epochs = 0, maxSteps = 0, microBatch = 0, gradAccum = 0, loraRank = 0;
  qint64 stageCount = 0, testExamples = 0;
  // From the report (or metrics.jsonl when there is none yet).
  qint64 steps = 0, totalSteps = 0, bestStep = -1;
  double bestValLoss = 0;  // NaN = none
  bool hasReport = false;
  RunReport report;  // report.json's figures when hasReport

  bool isLora() const { return lastMethod == QLatin1String("lora"); }
  // "LoRA r8 · lr 0.0002 · 1 epoch · max 30 steps · batch 4×1".
  QString settingsText() const;
};

// A run's curves from metrics.jsonl; later stages continue after earlier ones on the x axis.
struct RunCurves {
  QVector<double> step, loss, smoothedLoss;
  QVector<double> evalStep, evalLoss;
  QVector<QPair<double, QString>> stageStarts;  // x where each named stage begins
};

// Reads run.json and, when present, report.json. nullopt with `error` naming the file when the
// folder holds no run or a file is damaged (a half-written report.json is an error, not a crash).
// A file of a run folder read whole; nullopt with `error` naming the file when it is missing or
// unreadable.
std::optional<QByteArray> readRunFile(const QString& file, QString* error = nullptr);

std::optional<RunSummary> readRunSummary(const QString& runDir, QString* error = nullptr);
// A report file's figures; `source` names it in errors.
std::optional<RunReport> parseRunReport(const QByteArray& json, const QString& source,
                                        QString* error = nullptr);
std::optional<RunReport> readRunReport(const QString& file, QString* error = nullptr);
// metrics.jsonl's step and evaluation lines.
std::optional<RunCurves> readRunCurves(const QString& runDir, QString* error = nullptr);
// Steps of the last stage's checkpoints (checkpoints/step-N or checkpoints/<k>-<stage>/step-N),
// ascending: what evaluation and export may restore.
QVector<qint64> checkpointSteps(const QString& runDir);
// Report files in the run folder: report.json first, then eval.json, then eval-step-N.json.
QStringList reportFiles(const QString& runDir);

// "0.412", or "–" for NaN.
QString figureText(double x, int digits = 3);
// "+0.120" / "-0.120", or "–" for NaN.
QString changeText(double x, int digits = 3);
// A method for people: "LoRA", "full fine-tuning", "freeze".
QString methodText(const QString& method);
double notANumber();
// The forgetting probe in plain words: "The tuned model is 3 % worse on general text: little
// forgetting." and the perplexities on a second line.
QString forgettingSentence(const RunReport& report);
// A report file for people: "At the end of training", "Evaluated again at step 20".
QString reportLabel(const QString& file);

// Fills a run chooser: `runs` (oldest first, as the project lists them) newest first, each as
// "name — method, status" with the folder as item data and tooltip; `current` chosen (added when
// it is not among them), else the newest. Signals of `box` are blocked while it fills.
void fillRunChoices(QComboBox* box, QStringList runs, const QString& current);

}  // namespace tbui
