// The Compare step's "Batch compare" tab: a run's answers to its test prompts (BatchCompareModel)
// in a table, and for the chosen row the reference beside the base and tuned answers with their
// word differences against it, token F1 and exact match.
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QTableView;
class QTextBrowser;

namespace tbui {

class BatchCompareModel;
class DiffView;

class BatchComparePanel : public QWidget {
  Q_OBJECT

 public:
  explicit BatchComparePanel(QWidget* parent = nullptr);

  // Loads the run's batch answers ("" = none) and shows the first row.
  void setRun(const QString& runDir);
  BatchCompareModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  // Shows row `row`'s answers (-1 or out of range: none).
  void showRow(int row);
  DiffView* diff(int side) const { return side == 0 ? base_ : tuned_; }

 private:
  BatchCompareModel* model_;
  QLabel* empty_;
  QTableView* table_;
  QLabel* prompt_;
  QTextBrowser* reference_;
  DiffView* base_;
  DiffView* tuned_;
  QLabel* scores_;
};

}  // namespace tbui
