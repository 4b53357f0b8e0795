// ComparePage (see compare_page.h).
#include "ui/pages/compare/compare_page.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include "ui/pages/compare/batch_compare_panel.h"
#include "ui/pages/compare/chat_compare_panel.h"
#include "ui/pages/compare/compare_widgets.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"

namespace tbui {
namespace {

bool hasReport(const QString& runDir) {
  return QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("report.json")));
}

}  // namespace

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
  QStringList runs;
  const QStringList all = session_->runs();
  for (auto it = all.crbegin(); it != all.crend(); ++it) {
    if (hasReport(*it) && !runs.contains(QDir::cleanPath(*it))) runs << QDir::cleanPath(*it);
  }
  // A run chosen from elsewhere stays listed.
  if (!run_.isEmpty() && !runs.contains(run_) && hasReport(run_)) runs.prepend(run_);
  runs_->clear();
  for (const QString& r : runs) {
    runs_->addItem(QDir(r).dirName(), r);
    runs_->setItemData(runs_->count() - 1, QDir::toNativeSeparators(r), Qt::ToolTipRole);
  }
  if (runs.isEmpty()) {
    runs_->addItem(tr("No finished run yet — train one on the Train step"), QString());
  }
  QString target = run_;
  if (!runs.contains(target)) target = runs.isEmpty() ? QString() : runs.front();
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
  int index = runs_->findData(dir);
  if (index < 0 && !dir.isEmpty()) {
    runs_->insertItem(0, QDir(dir).dirName(), dir);
    runs_->setItemData(0, QDir::toNativeSeparators(dir), Qt::ToolTipRole);
    const int placeholder = runs_->findData(QString());
    if (placeholder >= 0) runs_->removeItem(placeholder);
    index = runs_->findData(dir);
  }
  runs_->setCurrentIndex(index);  // -1 (none shown) for "" when runs exist
  batch_->setRun(dir);
  chat_->setRun(dir);  // stops a turn in progress; updates the controls and the chooser's lock
}

void ComparePage::updateRunChooser(bool busy) {
  runs_->setEnabled(!busy && runs_->count() > 0 && !runs_->itemData(0).toString().isEmpty());
}

}  // namespace tbui
