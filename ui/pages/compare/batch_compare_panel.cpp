// BatchComparePanel (see batch_compare_panel.h).
#include "ui/pages/compare/batch_compare_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/train/text_metrics.h"
#include "ui/pages/compare/batch_compare_model.h"
#include "ui/pages/compare/compare_widgets.h"
#include "ui/widgets/diff_view.h"

namespace tbui {

BatchComparePanel::BatchComparePanel(QWidget* parent)
    : QWidget(parent), model_(new BatchCompareModel(this)) {
  setObjectName(QStringLiteral("batchComparePanel"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 6, 0, 0);
  layout->addWidget(wrappedLabel(tr("The run's answers to its test prompts, given at the end of "
                                    "training (greedy). Choose a row to see each answer against "
                                    "the reference: <span style=\"background-color:#c6efce;"
                                    "color:#0b3d0b\">words the answer adds</span>, <span style=\""
                                    "background-color:#ffc7ce;color:#7a0b0b;text-decoration:"
                                    "line-through\">words of the reference it lacks</span>."),
                                 this));
  empty_ = plainLabel(this, QStringLiteral("batchEmpty"));
  layout->addWidget(empty_);
  auto* split = new QSplitter(Qt::Vertical, this);
  table_ = new QTableView(split);
  table_->setObjectName(QStringLiteral("batchTable"));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  auto* details = new QWidget(split);
  auto* detailsLayout = new QVBoxLayout(details);
  detailsLayout->setContentsMargins(0, 0, 0, 0);
  prompt_ = plainLabel(details, QStringLiteral("batchPrompt"));
  prompt_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  detailsLayout->addWidget(prompt_);
  auto* answers = new QHBoxLayout;
  auto column = [&](const QString& title, QTextBrowser* view, const QString& name) {
    view->setObjectName(name);
    auto* box = new QVBoxLayout;
    box->addWidget(new QLabel(title, details));
    box->addWidget(view, 1);
    answers->addLayout(box, 1);
  };
  reference_ = new QTextBrowser(details);
  base_ = new DiffView(details);
  tuned_ = new DiffView(details);
  column(tr("Reference"), reference_, QStringLiteral("batchReference"));
  column(tr("Base model"), base_, QStringLiteral("batchBase"));
  column(tr("Tuned model"), tuned_, QStringLiteral("batchTuned"));
  detailsLayout->addLayout(answers, 1);
  scores_ = plainLabel(details, QStringLiteral("batchScores"));
  detailsLayout->addWidget(scores_);
  split->addWidget(table_);
  split->addWidget(details);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showRow(current.isValid() ? current.row() : -1); });
}

void BatchComparePanel::setRun(const QString& runDir) {
  if (runDir.isEmpty()) {
    model_->clear();
  } else {
    model_->load(runDir);  // an error shows as the table's empty text
  }
  empty_->setText(model_->emptyText());
  empty_->setVisible(model_->rowCount() == 0);
  showRow(model_->rowCount() > 0 ? 0 : -1);
  if (model_->rowCount() > 0) table_->selectRow(0);
}

void BatchComparePanel::showRow(int row) {
  if (row < 0 || row >= model_->rowCount()) {
    prompt_->setText(model_->rowCount() > 0 ? tr("Choose a row to see its answers.") : QString());
    reference_->clear();
    base_->clear();
    tuned_->clear();
    scores_->clear();
    return;
  }
  const BatchCompareModel::Row& r = model_->row(row);
  prompt_->setText(tr("Prompt %1: %2").arg(row + 1).arg(visibleModelText(r.prompt)));
  reference_->setPlainText(visibleModelText(r.reference));
  base_->setTexts(r.reference, r.base);
  tuned_->setTexts(r.reference, r.tuned);
  const std::string ref = r.reference.toStdString();
  auto yesNo = [](bool b) { return b ? tr("yes") : tr("no"); };
  scores_->setText(
      tr("Against the reference — token F1: base %1, tuned %2 · exact match: base %3, tuned %4")
          .arg(QString::number(tb::train::token_f1(r.base.toStdString(), ref), 'f', 2),
               QString::number(tb::train::token_f1(r.tuned.toStdString(), ref), 'f', 2),
               yesNo(tb::train::exact_match(r.base.toStdString(), ref)),
               yesNo(tb::train::exact_match(r.tuned.toStdString(), ref))));
}

}  // namespace tbui
