// Reading run folders (see run_summary.h).
#include "ui/pages/runs/run_summary.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

namespace tbui {
namespace {

using Json = nlohmann::json;

void fail(QString* error, const QString& text) {
  if (error != nullptr) *error = text;
}

QString qs(const std::string& s) { return QString::fromStdString(s); }

// A number at `key`, NaN when missing, null or not a number.
double num(const Json& j, const char* key) {
  if (!j.is_object()) return notANumber();
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : notANumber();
}

qint64 integer(const Json& j, const char* key, qint64 fallback = 0) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? static_cast<qint64>(it->get<double>()) : fallback;
}

QString text(const Json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? qs(it->get<std::string>()) : QString();
}

const Json& at(const Json& j, const char* key) {
  static const Json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it != j.end() ? *it : null;
}

// The JSON of a file; nullopt with an error naming the file when it is missing or damaged.
std::optional<Json> readJson(const QString& file, const QString& what, QString* error) {
  QFile in(file);
  if (!in.exists()) {
    fail(error, QObject::tr("%1 is missing (%2).").arg(QDir::toNativeSeparators(file), what));
    return std::nullopt;
  }
  if (!in.open(QIODevice::ReadOnly)) {
    fail(error,
         QObject::tr("Cannot read %1: %2.").arg(QDir::toNativeSeparators(file), in.errorString()));
    return std::nullopt;
  }
  const QByteArray bytes = in.readAll();
  try {
    return Json::parse(bytes.constData(), bytes.constData() + bytes.size());
  } catch (const Json::parse_error& e) {
    fail(error, QObject::tr("%1 is not complete JSON: it is cut short or damaged (at byte %2).")
                    .arg(QDir::toNativeSeparators(file))
                    .arg(static_cast<qint64>(e.byte)));
    return std::nullopt;
  }
}

LossFigures lossFigures(const Json& j) {
  LossFigures f;
  if (!j.is_object()) return f;
  f.present = true;
  f.loss = num(j, "loss");
  f.perplexity = num(j, "perplexity");
  f.examples = integer(j, "examples");
  const Json& tasks = at(j, "per_task");
  if (tasks.is_object()) {
    for (const auto& [task, loss] : tasks.items()) {
      f.perTask.push_back({qs(task), loss.is_number() ? loss.get<double>() : notANumber()});
    }
  }
  return f;
}

ScoreFigures scoreFigures(const Json& j) {
  ScoreFigures s;
  if (!j.is_object()) return s;
  s.present = true;
  s.count = integer(j, "count");
  s.exactMatch = num(j, "exact_match");
  s.tokenF1 = num(j, "token_f1");
  s.rougeL = num(j, "rouge_l");
  s.bleu = num(j, "bleu");
  s.meanAnswerWords = num(j, "mean_answer_words");
  s.meanReferenceWords = num(j, "mean_reference_words");
  return s;
}

QVector<double> numbers(const Json& j) {
  QVector<double> out;
  if (!j.is_array()) return out;
  for (const auto& x : j) out.push_back(x.is_number() ? x.get<double>() : notANumber());
  return out;
}

// A run folder's name "20250101-120000" (UTC, run_setup's timestamp) as a time.
QDateTime timeFromName(const QString& name) {
  static const QRegularExpression stamp(QStringLiteral("^(\\d{8}-\\d{6})"));
  const auto match = stamp.match(name);
  if (!match.hasMatch()) return {};
  QDateTime t = QDateTime::fromString(match.captured(1), QStringLiteral("yyyyMMdd-HHmmss"));
  if (!t.isValid()) return {};
  t.setTimeZone(QTimeZone::utc());
  return t.toLocalTime();
}

// The last stage's checkpoint folder: checkpoints/ itself, or its highest "<k>-<stage>".
QString lastStageCheckpoints(const QString& runDir) {
  const QDir root(QDir(runDir).filePath(QStringLiteral("checkpoints")));
  if (!root.exists()) return {};
  static const QRegularExpression stageDir(QStringLiteral("^(\\d+)-"));
  qint64 best = -1;
  QString found;
  for (const QString& d : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    const auto m = stageDir.match(d);
    if (m.hasMatch() && m.captured(1).toLongLong() > best) {
      best = m.captured(1).toLongLong();
      found = root.filePath(d);
    }
  }
  return best >= 0 ? found : root.path();
}

}  // namespace

double notANumber() { return std::numeric_limits<double>::quiet_NaN(); }

QString figureText(double x, int digits) {
  return std::isfinite(x) ? QString::number(x, 'f', digits) : QStringLiteral("–");
}

QString changeText(double x, int digits) {
  if (!std::isfinite(x)) return QStringLiteral("–");
  return (x >= 0 ? QStringLiteral("+") : QString()) + QString::number(x, 'f', digits);
}

QString methodText(const QString& method) {
  if (method.contains(QStringLiteral(" → "))) {  // a sequential run's stages
    QStringList parts = method.split(QStringLiteral(" → "));
    for (QString& part : parts) part = methodText(part);
    return parts.join(QStringLiteral(" → "));
  }
  if (method == QLatin1String("lora")) return QStringLiteral("LoRA");
  if (method == QLatin1String("full")) return QObject::tr("full fine-tuning");
  if (method == QLatin1String("freeze")) return QObject::tr("freeze");
  return method;
}

// The forgetting probe in a plain sentence.
QString forgettingSentence(const RunReport& r) {
  if (!r.probeBase.present || !r.probeTuned.present) {
    return QObject::tr(
        "No forgetting probe in this report (the project's probe is set to none, or the run was "
        "cancelled before it).");
  }
  const double base = r.probeBase.perplexity, tuned = r.probeTuned.perplexity;
  if (!std::isfinite(base) || !std::isfinite(tuned) || base <= 0) {
    return QObject::tr(
        "The forgetting probe could not be measured (its perplexity is not a number).");
  }
  const double percent = 100.0 * (tuned / base - 1.0);
  const QString amount = QString::number(std::abs(percent), 'f', 0);
  QString sentence;
  if (percent <= -1) {
    sentence =
        QObject::tr("The tuned model is %1 % better on general text: no forgetting.").arg(amount);
  } else if (percent < 1) {
    sentence =
        QObject::tr("The tuned model is as good on general text as the base model: no forgetting.");
  } else if (percent < 10) {
    sentence = QObject::tr("The tuned model is %1 % worse on general text: little forgetting.")
                   .arg(amount);
  } else if (percent < 30) {
    sentence =
        QObject::tr(
            "The tuned model is %1 % worse on general text: some forgetting. Fewer steps, a lower "
            "learning rate or LoRA keep more of what the base model knew.")
            .arg(amount);
  } else {
    sentence =
        QObject::tr(
            "The tuned model is %1 % worse on general text: strong forgetting — the fine-tune is "
            "overwriting general knowledge. Try fewer steps, a lower learning rate, LoRA, or mix "
            "general text back into the data.")
            .arg(amount);
  }
  return sentence + QStringLiteral("\n") +
         QObject::tr("Perplexity on %1 general texts (%2): base %3, tuned %4.")
             .arg(r.probeTuned.examples)
             .arg(r.probeName.isEmpty() ? QObject::tr("the probe") : r.probeName,
                  figureText(base, 2), figureText(tuned, 2));
}

QString reportLabel(const QString& file) {
  const QString name = QFileInfo(file).completeBaseName();
  if (name == QLatin1String("report")) return QObject::tr("At the end of training");
  if (name == QLatin1String("eval")) return QObject::tr("Evaluated again (final weights)");
  if (name.startsWith(QLatin1String("eval-step-"))) {
    return QObject::tr("Evaluated again at step %1").arg(name.mid(10));
  }
  return name;
}

QString RunSummary::settingsText() const {
  QStringList parts;
  QString m = methodText(lastMethod);
  if (isLora() && loraRank > 0) m += QStringLiteral(" r%1").arg(loraRank);
  if (!m.isEmpty()) parts << m;
  if (learningRate > 0) parts << QObject::tr("lr %1").arg(QString::number(learningRate, 'g', 3));
  if (epochs > 0)
    parts << (epochs == 1 ? QObject::tr("1 epoch") : QObject::tr("%1 epochs").arg(epochs));
  if (maxSteps > 0) parts << QObject::tr("max %1 steps").arg(maxSteps);
  if (microBatch > 0)
    parts << QObject::tr("batch %1×%2").arg(microBatch).arg(std::max<qint64>(1, gradAccum));
  if (!precision.isEmpty()) parts << precision;
  if (stageCount > 1) parts << QObject::tr("%1 stages").arg(stageCount);
  return parts.join(QStringLiteral(" · "));
}

std::optional<RunReport> parseRunReport(const QByteArray& bytes, const QString& source,
                                        QString* error) {
  Json j;
  try {
    j = Json::parse(bytes.constData(), bytes.constData() + bytes.size());
  } catch (const Json::parse_error& e) {
    fail(error, QObject::tr("%1 is not complete JSON: it is cut short or damaged (at byte %2).")
                    .arg(source)
                    .arg(static_cast<qint64>(e.byte)));
    return std::nullopt;
  }
  if (!j.is_object() || text(j, "format") != QLatin1String("tunebench-report")) {
    fail(error,
         QObject::tr("%1 is not a Tunebench report (\"format\": \"tunebench-report\" is missing).")
             .arg(source));
    return std::nullopt;
  }
  RunReport r;
  r.status = text(j, "status");
  r.model = text(j, "model");
  for (const auto& s : at(j, "stages")) {
    if (!s.is_object()) continue;
    StageFigures f;
    f.name = text(s, "name");
    f.status = text(s, "status");
    f.steps = integer(s, "steps");
    f.totalSteps = integer(s, "total_steps");
    f.bestStep = integer(s, "best_step", -1);
    f.bestValLoss = num(s, "best_val_loss");
    f.seconds = num(s, "seconds");
    f.trainableParams = integer(s, "trainable_params");
    f.warnings = at(s, "warnings").is_array() ? static_cast<qint64>(at(s, "warnings").size()) : 0;
    r.stages.push_back(f);
  }
  r.testBase = lossFigures(at(at(j, "test"), "base"));
  r.testTuned = lossFigures(at(at(j, "test"), "tuned"));
  const Json& probe = at(j, "probe");
  r.probeName = text(probe, "name");
  r.probeBase = lossFigures(at(probe, "base"));
  r.probeTuned = lossFigures(at(probe, "tuned"));
  const Json& generation = at(j, "generation");
  r.generationBase = scoreFigures(at(generation, "base"));
  r.generationTuned = scoreFigures(at(generation, "tuned"));
  r.answers = at(generation, "answers").is_array()
                  ? static_cast<qint64>(at(generation, "answers").size())
                  : 0;
  const Json& forgetting = at(j, "forgetting");
  for (const auto& s : at(forgetting, "stages"))
    r.forgettingStages << (s.is_string() ? qs(s.get<std::string>()) : QString());
  r.forgettingBefore = numbers(at(forgetting, "before"));
  for (const auto& row : at(forgetting, "after_stage")) r.forgettingAfter.push_back(numbers(row));
  for (const auto& c : at(j, "curves")) {
    if (c.is_string()) r.curves << qs(c.get<std::string>());
  }
  return r;
}

std::optional<QByteArray> readRunFile(const QString& file, QString* error) {
  QFile in(file);
  if (!in.exists()) {
    fail(error, QObject::tr("%1 is missing.").arg(QDir::toNativeSeparators(file)));
    return std::nullopt;
  }
  if (!in.open(QIODevice::ReadOnly)) {
    fail(error,
         QObject::tr("Cannot read %1: %2.").arg(QDir::toNativeSeparators(file), in.errorString()));
    return std::nullopt;
  }
  return in.readAll();
}

std::optional<RunReport> readRunReport(const QString& file, QString* error) {
  const auto bytes = readRunFile(file, error);
  if (!bytes) return std::nullopt;
  auto report = parseRunReport(*bytes, QDir::toNativeSeparators(file), error);
  if (report) report->file = QFileInfo(file).absoluteFilePath();
  return report;
}

std::optional<RunSummary> readRunSummary(const QString& runDir, QString* error) {
  const QDir dir(runDir);
  const QString runFile = dir.filePath(QStringLiteral("run.json"));
  const auto run = readJson(runFile, QObject::tr("is this a Tunebench run folder?"), error);
  if (!run) return std::nullopt;
  if (!run->is_object() || text(*run, "format") != QLatin1String("tunebench-run")) {
    fail(error, QObject::tr("%1 is not a Tunebench run (\"format\": \"tunebench-run\" is missing).")
                    .arg(QDir::toNativeSeparators(runFile)));
    return std::nullopt;
  }
  RunSummary s;
  s.path = QFileInfo(runDir).absoluteFilePath();
  s.name = QFileInfo(s.path).fileName();
  s.model = text(*run, "model");
  s.testExamples = integer(*run, "test_examples");
  // 1. When it started: run.json's own note, else the folder's time stamp, else run.json's date.
  if (const QString started = text(*run, "started"); !started.isEmpty()) {
    s.started = QDateTime::fromString(started, Qt::ISODate).toLocalTime();
  }
  if (!s.started.isValid()) s.started = timeFromName(s.name);
  if (!s.started.isValid()) s.started = QFileInfo(runFile).lastModified();
  // 2. The settings, per stage (the last stage's decide what an export gets).
  QStringList methods;
  for (const auto& stage : at(*run, "stages")) {
    const Json& c = at(stage, "config");
    if (!c.is_object()) continue;
    ++s.stageCount;
    s.lastMethod = text(c, "method");
    if (methods.isEmpty() || methods.last() != s.lastMethod) methods << s.lastMethod;
    s.precision = text(c, "precision");
    s.learningRate = num(c, "learning_rate");
    s.epochs = integer(c, "epochs");
    s.maxSteps = integer(c, "max_steps");
    s.microBatch = integer(c, "micro_batch");
    s.gradAccum = integer(c, "grad_accum");
    s.loraRank = integer(at(c, "lora"), "rank");
  }
  s.method = methods.join(QStringLiteral(" → "));
  s.bestValLoss = notANumber();
  // 3. The report, when the run got that far.
  const QString reportFile = dir.filePath(QStringLiteral("report.json"));
  if (QFileInfo::exists(reportFile)) {
    auto report = readRunReport(reportFile, error);
    if (!report) return std::nullopt;
    s.hasReport = true;
    s.report = *report;
    s.status = report->status;
    if (!report->model.isEmpty()) s.model = report->model;
    for (const auto& st : report->stages) {
      s.steps += st.steps;
      s.totalSteps += st.totalSteps;
    }
    if (!report->stages.isEmpty()) {
      s.bestStep = report->stages.last().bestStep;
      s.bestValLoss = report->stages.last().bestValLoss;
    }
    return s;
  }
  // 4. No report yet (still training, or stopped hard): what metrics.jsonl says so far.
  s.status = QStringLiteral("unfinished");
  if (QFileInfo::exists(dir.filePath(QStringLiteral("metrics.jsonl")))) {
    const auto curves = readRunCurves(runDir, error);
    if (!curves) return std::nullopt;
    s.steps = curves->step.size();
    for (int i = 0; i < curves->evalLoss.size(); ++i) {
      if (std::isfinite(curves->evalLoss[i]) && !(curves->evalLoss[i] >= s.bestValLoss)) {
        s.bestValLoss = curves->evalLoss[i];
        s.bestStep = static_cast<qint64>(curves->evalStep[i]);
      }
    }
  }
  return s;
}

std::optional<RunCurves> readRunCurves(const QString& runDir, QString* error) {
  const QString file = QDir(runDir).filePath(QStringLiteral("metrics.jsonl"));
  QFile in(file);
  if (!in.exists()) {
    fail(error, QObject::tr("%1 is missing: the run has logged no steps yet.")
                    .arg(QDir::toNativeSeparators(file)));
    return std::nullopt;
  }
  if (!in.open(QIODevice::ReadOnly)) {
    fail(error,
         QObject::tr("Cannot read %1: %2.").arg(QDir::toNativeSeparators(file), in.errorString()));
    return std::nullopt;
  }
  RunCurves c;
  std::map<QString, double> offset;  // stage -> x of its step 0 (as run_report.cpp draws them)
  double nextOffset = 0;
  qint64 lineNumber = 0;
  while (!in.atEnd()) {
    const QByteArray line = in.readLine().trimmed();
    ++lineNumber;
    if (line.isEmpty()) continue;
    const Json j = Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      fail(error,
           QObject::tr("%1, line %2, is not complete JSON: the file is cut short or damaged.")
               .arg(QDir::toNativeSeparators(file))
               .arg(lineNumber));
      return std::nullopt;
    }
    const QString stage = text(j, "stage");
    if (offset.count(stage) == 0) {
      offset[stage] = nextOffset;
      if (!stage.isEmpty()) c.stageStarts.push_back({nextOffset, stage});
    }
    const double x = offset[stage] + num(j, "step");
    const QString type = text(j, "type");
    if (type == QLatin1String("step")) {
      c.step.push_back(x);
      c.loss.push_back(num(j, "loss"));
      c.smoothedLoss.push_back(num(j, "smoothed_loss"));
      if (std::isfinite(x)) nextOffset = std::max(nextOffset, x);
    } else if (type == QLatin1String("eval")) {
      c.evalStep.push_back(x);
      c.evalLoss.push_back(num(j, "loss"));
    }
  }
  return c;
}

QVector<qint64> checkpointSteps(const QString& runDir) {
  QVector<qint64> steps;
  const QString folder = lastStageCheckpoints(runDir);
  if (folder.isEmpty()) return steps;
  static const QRegularExpression stepDir(QStringLiteral("^step-(\\d+)$"));
  for (const QString& d : QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    const auto m = stepDir.match(d);
    if (m.hasMatch()) steps.push_back(m.captured(1).toLongLong());
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

QStringList reportFiles(const QString& runDir) {
  const QDir dir(runDir);
  QStringList out;
  for (const char* name : {"report.json", "eval.json"}) {
    if (dir.exists(QLatin1String(name))) out << dir.filePath(QLatin1String(name));
  }
  static const QRegularExpression stepReport(QStringLiteral("^eval-step-(\\d+)\\.json$"));
  QVector<QPair<qint64, QString>> steps;
  for (const QString& f : dir.entryList({QStringLiteral("eval-step-*.json")}, QDir::Files)) {
    const auto m = stepReport.match(f);
    if (m.hasMatch()) steps.push_back({m.captured(1).toLongLong(), dir.filePath(f)});
  }
  std::sort(steps.begin(), steps.end());
  for (const auto& [step, file] : steps) out << file;
  return out;
}

void fillRunChoices(QComboBox* box, QStringList runs, const QString& current) {
  std::reverse(runs.begin(), runs.end());  // newest first
  if (!current.isEmpty() && !runs.contains(current)) runs.prepend(current);
  const QSignalBlocker block(box);
  box->clear();
  for (const QString& run : runs) {
    const auto summary = readRunSummary(run);
    const QString name = QFileInfo(run).fileName();
    box->addItem(summary ? QStringLiteral("%1 — %2, %3").arg(name, methodText(summary->method), summary->status)
                         : QObject::tr("%1 — cannot read").arg(name),
                 run);
    box->setItemData(box->count() - 1, run, Qt::ToolTipRole);
  }
  box->setCurrentIndex(current.isEmpty() ? 0 : std::max(0, box->findData(current)));
}

}  // namespace tbui
