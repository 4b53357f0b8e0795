// EvaluatePage, showing the result: a report's figures (base vs tuned on the test split, the
// forgetting probe, per task, the forgetting matrix) and the curves the run folder holds. The
// choice of run, report and weights to evaluate is in evaluate_page.cpp.
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QPixmap>
#include <QPushButton>
#include <QTableWidget>

#include <cmath>

#include "ui/pages/evaluate/evaluate_page.h"

namespace tbui {
namespace {

enum class ResultBetter { Lower, Higher, Neither };

const QColor kResultBetterColour(26, 127, 55);
const QColor kResultWorseColour(192, 57, 43);

QTableWidgetItem* resultNumberItem(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

// The change from base to tuned, green when it is better and red when it is worse.
QTableWidgetItem* resultChangeItem(double base, double tuned, ResultBetter better, int digits) {
  const double change = tuned - base;
  auto* item = resultNumberItem(changeText(change, digits));
  if (!std::isfinite(change) || better == ResultBetter::Neither ||
      std::abs(change) < 0.5 * std::pow(10.0, -digits)) {
    return item;
  }
  const bool good = (better == ResultBetter::Lower) == (change < 0);
  item->setForeground(good ? kResultBetterColour : kResultWorseColour);
  item->setToolTip(good ? QObject::tr("better than the base model")
                        : QObject::tr("worse than the base model"));
  return item;
}

}  // namespace

void EvaluatePage::showReport(const RunReport& r) {
  report_ = r;
  content_->setVisible(true);
  saveMd_->setEnabled(QFileInfo::exists(reportMd_));
  savePdf_->setEnabled(QFileInfo::exists(reportMd_));
  // 1. The run in a line.
  QString info;
  if (summary_) {
    info = tr("<b>%1</b> · %2 · %3")
               .arg(qtext(summary_->name).toHtmlEscaped(), qtext(r.status).toHtmlEscaped(),
                    settingsText(*summary_).toHtmlEscaped());
    if (std::isfinite(summary_->best_val_loss) &&
        summary_->best_step >= 0) {  // from training, not re-evaluation
      info += tr(" · best validation loss %1 at step %2")
                  .arg(figureText(summary_->best_val_loss))
                  .arg(summary_->best_step);
    }
  }
  runInfo_->setText(info);
  // 2. Base vs tuned on the test split.
  struct Row {
    QString name;
    double base, tuned;
    ResultBetter better;
    int digits;
  };
  QVector<Row> rows;
  if (r.test_base.present && r.test_tuned.present) {
    rows.push_back({tr("loss"), r.test_base.loss, r.test_tuned.loss, ResultBetter::Lower, 3});
    rows.push_back(
        {tr("perplexity"), r.test_base.perplexity, r.test_tuned.perplexity, ResultBetter::Lower, 2});
  }
  const auto& gb = r.generation_base;
  const auto& gt = r.generation_tuned;
  if (gb.present && gt.present) {
    rows.push_back({tr("exact match"), gb.exact_match, gt.exact_match, ResultBetter::Higher, 3});
    rows.push_back({tr("token F1"), gb.token_f1, gt.token_f1, ResultBetter::Higher, 3});
    rows.push_back({tr("ROUGE-L"), gb.rouge_l, gt.rouge_l, ResultBetter::Higher, 3});
    rows.push_back({tr("BLEU"), gb.bleu, gt.bleu, ResultBetter::Higher, 3});
    rows.push_back(
        {tr("answer length (words)"), gb.mean_answer_words, gt.mean_answer_words, ResultBetter::Neither, 1});
  }
  test_->setRowCount(static_cast<int>(rows.size()));
  QStringList names;
  for (int i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    names << row.name;
    test_->setItem(i, 0, resultNumberItem(figureText(row.base, row.digits)));
    test_->setItem(i, 1, resultNumberItem(figureText(row.tuned, row.digits)));
    test_->setItem(i, 2, resultChangeItem(row.base, row.tuned, row.better, row.digits));
  }
  test_->setVerticalHeaderLabels(names);
  test_->setVisible(!rows.isEmpty());
  QString note;
  if (rows.isEmpty()) {
    note =
        tr("No test split was measured (the data has no test share, or the run was cancelled "
           "before it).");
  } else {
    note =
        tr("Loss and perplexity over %1 test examples: lower is better.").arg(r.test_tuned.examples);
    if (gt.present) {
      note += QLatin1Char(' ') +
              tr("Answers generated greedily for %1 test prompts and scored against the references "
                 "(average %2 words): higher is better.")
                  .arg(gt.count)
                  .arg(figureText(gt.mean_reference_words, 1));
    }
  }
  testNote_->setText(note);
  // 3. Forgetting.
  forgetting_->setText(forgettingSentence(r));
  // 4. Per task, when there is more than one task.
  const auto& taskLoss = r.test_tuned.per_task;
  tasks_->setRowCount(0);
  if (taskLoss.size() > 1) {
    tasks_->setRowCount(static_cast<int>(taskLoss.size()));
    for (int i = 0; i < static_cast<int>(taskLoss.size()); ++i) {
      const auto& tuned = taskLoss[static_cast<std::size_t>(i)];
      double base = tb::run::not_measured();
      for (const auto& [task, loss] : r.test_base.per_task) {
        if (task == tuned.first) base = loss;
      }
      tasks_->setItem(
          i, 0,
          new QTableWidgetItem(tuned.first.empty() ? tr("(no task)") : qtext(tuned.first)));
      tasks_->setItem(i, 1, resultNumberItem(figureText(base)));
      tasks_->setItem(i, 2, resultNumberItem(figureText(tuned.second)));
      tasks_->setItem(i, 3, resultChangeItem(base, tuned.second, ResultBetter::Lower, 3));
    }
  }
  tasksTitle_->setVisible(taskLoss.size() > 1);
  tasks_->setVisible(taskLoss.size() > 1);
  // 5. The forgetting matrix of a sequential run.
  const int afterRows = static_cast<int>(r.forgetting_after.size());
  const bool sequential = afterRows > 0;
  matrix_->clear();
  matrix_->setColumnCount(static_cast<int>(r.forgetting_stages.size()));
  matrix_->setRowCount(sequential ? afterRows + 1 : 0);
  if (sequential) {
    QStringList stageNames;
    for (const auto& name : r.forgetting_stages) stageNames << qtext(name);
    matrix_->setHorizontalHeaderLabels(stageNames);
    QStringList rowNames{tr("before training")};
    for (int i = 0; i < afterRows; ++i) {
      rowNames << tr("after %1").arg(stageNames.value(i, QString::number(i + 1)));
    }
    matrix_->setVerticalHeaderLabels(rowNames);
    const QVector<double> before = chartData(r.forgetting_before);
    for (int j = 0; j < before.size() && j < matrix_->columnCount(); ++j) {
      matrix_->setItem(0, j, resultNumberItem(figureText(before[j])));
    }
    for (int i = 0; i < afterRows; ++i) {
      const QVector<double> row = chartData(r.forgetting_after[static_cast<std::size_t>(i)]);
      for (int j = 0; j < row.size() && j < matrix_->columnCount(); ++j) {
        auto* item = resultNumberItem(figureText(row[j]));
        // An earlier stage's data, coloured against the row above: did this stage make it worse?
        if (i > 0 && j < i) {
          const QVector<double> above = chartData(r.forgetting_after[static_cast<std::size_t>(i - 1)]);
          const auto* change =
              resultChangeItem(above.value(j, tb::run::not_measured()), row[j], ResultBetter::Lower, 3);
          item->setForeground(change->foreground());
          item->setToolTip(change->toolTip());
          delete change;
        }
        matrix_->setItem(i + 1, j, item);
      }
    }
  }
  matrixTitle_->setVisible(sequential);
  matrix_->setVisible(sequential);
  // 6. The curves the run folder holds.
  QStringList curves;
  for (const auto& name : r.curves) curves << qtext(name);
  if (curves.isEmpty()) {
    for (const char* f : {"loss.png", "learning_rate.png", "grad_norm.png", "tasks.png"})
      curves << QLatin1String(f);
  }
  showCurves(curves);
}


void EvaluatePage::showCurves(const QStringList& files) {
  while (QLayoutItem* item = curvesLayout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  curveCount_ = 0;
  const QDir dir(runDir_);
  for (const QString& f : files) {
    const QPixmap picture(dir.filePath(f));
    if (picture.isNull()) continue;
    auto* label = new QLabel(curves_);
    label->setObjectName(QStringLiteral("curve"));
    label->setPixmap(picture.width() > 800 ? picture.scaledToWidth(800, Qt::SmoothTransformation)
                                           : picture);
    label->setToolTip(dir.filePath(f));
    curvesLayout_->addWidget(label);
    ++curveCount_;
  }
  if (curveCount_ == 0) {
    auto* none = new QLabel(
        tr("The run folder holds no curve images yet; they are drawn when a run ends."), curves_);
    curvesLayout_->addWidget(none);
  }
}


QString EvaluatePage::metricText(const QString& metric, int column) const {
  for (int i = 0; i < test_->rowCount(); ++i) {
    const auto* header = test_->verticalHeaderItem(i);
    if (header != nullptr && header->text() == metric && test_->item(i, column) != nullptr) {
      return test_->item(i, column)->text();
    }
  }
  return {};
}


QString EvaluatePage::forgettingText() const { return report_ ? forgetting_->text() : QString(); }

}  // namespace tbui
