// Run folders for people, on core/run/'s types (see run_summary.h).
#include "ui/pages/runs/run_summary.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSignalBlocker>

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/run/run_folder.h"

namespace tbui {
namespace {

// What core returns, or nullopt with its error's text in `error`.
template <typename Read>
auto askRunFolder(Read read, QString* error) -> std::optional<decltype(read())> {
  try {
    return read();
  } catch (const tb::Error& e) {
    if (error != nullptr) *error = QString::fromStdString(e.what());
    return std::nullopt;
  }
}

}  // namespace

std::filesystem::path runPath(const QString& path) { return std::filesystem::path(path.toStdString()); }

QString runPathText(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

QVector<double> chartData(const std::vector<double>& values) {
  return QVector<double>(values.begin(), values.end());
}

std::optional<QByteArray> readRunFile(const QString& file, QString* error) {
  const auto text = askRunFolder([&] { return tb::run::read_run_file(runPath(file)); }, error);
  if (!text) return std::nullopt;
  return QByteArray(text->data(), static_cast<qsizetype>(text->size()));
}

std::optional<RunSummary> readRunSummary(const QString& runDir, QString* error) {
  return askRunFolder([&] { return tb::run::read_run_summary(runPath(runDir)); }, error);
}

std::optional<RunReport> parseRunReport(const QString& json, const QString& source, QString* error) {
  return askRunFolder(
      [&] { return tb::run::parse_run_report_text(json.toStdString(), source.toStdString()); }, error);
}

std::optional<RunReport> readRunReport(const QString& file, QString* error) {
  return askRunFolder([&] { return tb::run::read_run_report(runPath(file)); }, error);
}

std::optional<RunCurves> readRunCurves(const QString& runDir, QString* error) {
  return askRunFolder([&] { return tb::run::read_run_curves(runPath(runDir)); }, error);
}

QVector<qint64> checkpointSteps(const QString& runDir) {
  QVector<qint64> out;
  for (const std::int64_t step : tb::run::checkpoint_steps(runPath(runDir))) out << step;
  return out;
}

QStringList reportFiles(const QString& runDir) {
  QStringList out;
  for (const auto& file : tb::run::report_files(runPath(runDir))) out << runPathText(file);
  return out;
}

QDateTime startedTime(const RunSummary& s) {
  if (s.started.empty()) return {};
  const QDateTime t = QDateTime::fromString(qtext(s.started), Qt::ISODate);
  return t.isValid() ? t.toLocalTime() : QDateTime();
}

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
  if (!r.probe_base.present || !r.probe_tuned.present) {
    return QObject::tr(
        "No forgetting probe in this report (the project's probe is set to none, or the run was "
        "cancelled before it).");
  }
  const double base = r.probe_base.perplexity, tuned = r.probe_tuned.perplexity;
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
             .arg(r.probe_tuned.examples)
             .arg(r.probe_name.empty() ? QObject::tr("the probe") : qtext(r.probe_name),
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

QString settingsText(const RunSummary& s) {
  QStringList parts;
  QString m = methodText(qtext(s.last_method));
  if (s.is_lora() && s.lora_rank > 0) m += QStringLiteral(" r%1").arg(s.lora_rank);
  if (!m.isEmpty()) parts << m;
  if (s.learning_rate > 0)
    parts << QObject::tr("lr %1").arg(QString::number(s.learning_rate, 'g', 3));
  if (s.epochs > 0)
    parts << (s.epochs == 1 ? QObject::tr("1 epoch") : QObject::tr("%1 epochs").arg(s.epochs));
  if (s.max_steps > 0) parts << QObject::tr("max %1 steps").arg(s.max_steps);
  if (s.micro_batch > 0)
    parts << QObject::tr("batch %1×%2").arg(s.micro_batch).arg(std::max<qint64>(1, s.grad_accum));
  if (!s.precision.empty()) parts << qtext(s.precision);
  if (s.stage_count > 1) parts << QObject::tr("%1 stages").arg(s.stage_count);
  return parts.join(QStringLiteral(" · "));
}

QString fillRunChoices(QComboBox* box, QStringList runs, const QString& current, const RunChoiceOptions& options) {
  // 1. Newest first, the current one kept, each once; only finished runs when asked.
  std::reverse(runs.begin(), runs.end());
  if (!current.isEmpty() && !runs.contains(current)) runs.prepend(current);
  runs.removeDuplicates();
  if (options.finishedOnly) {
    runs.erase(std::remove_if(runs.begin(), runs.end(),
                              [](const QString& run) {
                                return !QFileInfo::exists(QDir(run).filePath(QString::fromLatin1(tb::run::kReportFile)));
                              }),
               runs.end());
  }
  // 2. One item each, named with its method and status.
  const QSignalBlocker block(box);
  box->clear();
  for (const QString& run : runs) {
    const auto summary = readRunSummary(run);
    const QString name = QFileInfo(run).fileName();
    box->addItem(summary ? QStringLiteral("%1 — %2, %3").arg(name, methodText(qtext(summary->method)), qtext(summary->status))
                         : QObject::tr("%1 — cannot read").arg(name),
                 run);
    box->setItemData(box->count() - 1, QDir::toNativeSeparators(run), Qt::ToolTipRole);
  }
  if (runs.isEmpty() && !options.placeholder.isEmpty()) box->addItem(options.placeholder, QString());
  box->setCurrentIndex(current.isEmpty() ? 0 : std::max(0, box->findData(current)));
  return box->currentData().toString();
}

void fillCheckpointChoices(QComboBox* box, const std::optional<RunSummary>& summary, const QString& runDir,
                           std::optional<qint64> keepStep) {
  box->clear();
  if (!summary) return;
  if (summary->has_report) box->addItem(QObject::tr("Final weights"), qint64{-1});
  for (const qint64 step : checkpointSteps(runDir)) {
    box->addItem(QObject::tr("Checkpoint at step %1").arg(step), step);
  }
  const int keep = keepStep ? box->findData(*keepStep) : -1;
  box->setCurrentIndex(keep >= 0 ? keep : (summary->has_report ? 0 : box->count() - 1));
}

}  // namespace tbui
