// ComparePage (see compare_page.h).
#include "ui/pages/compare/compare_page.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QVBoxLayout>

#include "ui/pages/compare/batch_compare_panel.h"
#include "ui/pages/compare/chat_compare_panel.h"
#include "ui/pages/compare/compare_widgets.h"
#include "ui/pages/runs/run_summary.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"

namespace tbui {

ComparePage::ComparePage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
  setObjectName(QStringLiteral("comparePage"));
  auto* layout = pageLayout(
      this, tr("Compare"),
      tr("Ask the base model and your tuned model the same question and read the answers side "
         "by side, judge them blind, and turn a corrected answer into training data."));
  auto* runRow = new QHBoxLayout;
  runs_ = new QComboBox(this);
  runs_->setObjectName(QStringLiteral("runChooser"));
  runs_->setMinimumContentsLength(30);
  runs_->setToolTip(
      tr("The run whose tuned model answers: finished runs of this project, newest "
         "first"));
  runRow->addWidget(new QLabel(tr("Run"), this));
  runRow->addWidget(runs_);
  runRow->addStretch(1);
  layout->addLayout(runRow);

  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("compareTabs"));
  chat_ = new ChatComparePanel(bridge, session_, tabs_);
  batch_ = new BatchComparePanel(tabs_);
  tabs_->addTab(chat_, tr("Chat"));
  tabs_->addTab(batch_, tr("Batch compare"));
  layout->addWidget(tabs_, 1);

  connect(runs_, &QComboBox::activated, this,
          [this](int index) { setRun(runs_->itemData(index).toString()); });
  connect(session_, &ProjectSession::runsChanged, this, &ComparePage::refreshRuns);
  connect(session_, &ProjectSession::opened, this, [this] {
    setRun(QString());  // another project: its own runs
    refreshRuns();
  });
  connect(chat_, &ChatComparePanel::exampleCorrected, this, &ComparePage::exampleCorrected);
  connect(chat_, &ChatComparePanel::busyChanged, this, &ComparePage::updateRunChooser);
  refreshRuns();
  updateRunChooser(chat_->busy());
}

void ComparePage::refreshRuns() {
  const QString target = fillRuns(run_);
  if (target != run_) {
    setRun(target);  // also selects it
  } else {
    runs_->setCurrentIndex(std::max(0, runs_->findData(run_)));
    updateRunChooser(chat_->busy());
  }
}

void ComparePage::setRun(const QString& runDir) {
  const QString dir = runDir.isEmpty() ? QString() : QDir::cleanPath(runDir);
  run_ = dir;
  if (!dir.isEmpty() && runs_->findData(dir) < 0) fillRuns(dir);  // chosen from elsewhere: listed too
  {
    const QSignalBlocker block(runs_);
    runs_->setCurrentIndex(runs_->findData(dir));  // -1 (none shown) for "" when runs exist
  }
  batch_->setRun(dir);
  chat_->setRun(dir);  // stops a turn in progress; updates the controls and the chooser's lock
}

QString ComparePage::fillRuns(const QString& current) {
  // Finished runs only (the tuned model answers), newest first, `current` among them.
  QStringList runs;
  for (const QString& r : session_->runs()) runs << QDir::cleanPath(r);
  return fillRunChoices(runs_, runs, current, {true, tr("No finished run yet — train one on the Train step")});
}

void ComparePage::updateRunChooser(bool busy) {
  runs_->setEnabled(!busy && runs_->count() > 0 && !runs_->itemData(0).toString().isEmpty());
}

}  // namespace tbui
