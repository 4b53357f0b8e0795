// The Data step's Problems tab: the rows that were not imported and the audit's findings (leaks
// across splits, exact and near duplicates, empty or very short completions, personal data) as
// a tree whose items point at source lines, and the button that drops the leaking examples.
#pragma once

#include <QWidget>
#include <vector>

#include "core/data/data_job.h"

class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace tbui {

class DataProblemsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DataProblemsPanel(QWidget* parent = nullptr);

  // Lists an import's rejected rows and audit findings, and remembers the leaking examples.
  void showFindings(const tb::data::DataSnapshot& s);
  // The source lines of the validation and test examples the audit says to drop.
  const std::vector<qint64>& leakLines() const { return leakLines_; }
  void setDropEnabled(bool on);
  QTreeWidget* tree() const { return tree_; }

 Q_SIGNALS:
  // An item that names a source line was clicked or activated.
  void sourceLineActivated(qint64 line);
  void dropLeaksRequested();

 private:
  void activate(QTreeWidgetItem* item);

  std::vector<qint64> leakLines_;
  QPushButton* dropLeaks_;
  QTreeWidget* tree_;
};

}  // namespace tbui
