// The Data step: import a file (button or drag and drop), see what was rejected and why, choose
// the shape, template and split (DataSettingsPanel), read the audit (duplicates and leakage in
// DataProblemsPanel; lengths and labels), and curate the examples in an undoable table that
// saves as JSON Lines. Import and audit run on the engine's worker (EngineBridge) with a
// progress bar and Cancel; the GUI thread only shows.
#pragma once

#include <QWidget>
#include <memory>

#include "core/data/data_job.h"
#include "ui/bridge/job_handle.h"
#include "core/engine/project.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeWidget;
class QUndoStack;

namespace tbui {

class DataProblemsPanel;
class DataSettingsPanel;
class EngineBridge;
class ExamplesModel;
class HistogramView;

class DataPage : public QWidget {
  Q_OBJECT

 public:
  explicit DataPage(EngineBridge* bridge, QWidget* parent = nullptr);

  // Imports `path` with the page's current shape, template and split settings.
  void openFile(const QString& path);
  void cancelImport();
  bool busy() const { return !job_.isNull(); }
  // Atomic JSON Lines (dataset_store.h); false with `error` set when it fails.
  bool saveExamples(const QString& path, QString* error = nullptr);
  // Removes the validation/test examples the audit lists as leaking, as one undoable step.
  int dropLeakingExamples();
  // Shows the examples table at the row that came from source line `line`; false if none.
  bool showSourceLine(qint64 line);

  ExamplesModel* examplesModel() const { return model_; }
  QUndoStack* undoStack() const { return undo_; }
  QTreeWidget* problems() const;
  QTableView* table() const { return table_; }
  QTabWidget* tabs() const { return tabs_; }
  HistogramView* histogram() const { return histogram_; }
  QString summaryText() const;
  QComboBox* shapeCombo() const;
  QComboBox* templateCombo() const;
  // A fixed test set: every example of this file goes to test (empty = none).
  void setTestFile(const QString& path);
  // A template written on the Template step: chosen in the template box and, when a file is
  // open, imported again with it.
  void useTemplate(const tb::data::PromptTemplate& t);
  // An example from elsewhere (a corrected answer from the Compare step): added to the end of
  // the table as training data, undoably, and shown.
  void addExample(const tb::data::Example& example);
  // The project's view of this page: the file, shape, preset template, split and fixed test file.
  // `customTemplate` is set when the template came from the Template step (no preset name).
  tb::DataSource currentSource(bool* customTemplate = nullptr) const;
  // Sets shape, template and split from a project's data source and imports `path` with them.
  void openSource(const tb::DataSource& source, const QString& path, const QString& testPath);
  QString currentPath() const { return path_; }
  QComboBox* labelColumnCombo() const;
  QComboBox* groupColumnCombo() const;
  QString lengthsText() const;

 Q_SIGNALS:
  void importFinished(bool ok);
  // The columns and first records of the file just read (also when they need a template).
  void sampleReady(const QStringList& columns, const std::vector<tb::data::Record>& sample);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void onProgress(double fraction, const QString& what);
  void onAudited(std::shared_ptr<tb::data::DataSnapshot> snapshot);
  void onEnded(JobEnd how, const QString& message);
  // The "Lengths and labels" tab: the audit's length histogram, mean and longest, label shares.
  void showLengths(const tb::data::DataSnapshot& s);

  EngineBridge* bridge_;
  QPointer<JobHandle> job_;
  QString path_;
  QUndoStack* undo_;
  ExamplesModel* model_;
  QPushButton* open_;
  QPushButton* reimport_;
  QPushButton* cancel_;
  QLabel* file_;
  DataSettingsPanel* settings_;
  QProgressBar* progress_;
  QLabel* summary_;
  QTabWidget* tabs_;
  QTableView* table_;
  DataProblemsPanel* problems_;
  HistogramView* histogram_;
  QLabel* lengths_;
};

}  // namespace tbui
