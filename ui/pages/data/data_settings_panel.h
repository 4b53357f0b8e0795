// How the Data step turns a file into examples: the shape, the template (a preset or the one
// written on the Template step), the label, task and group columns, the train/validation/test
// shares with seed, stratification and groups, and a fixed test file. The page imports with
// jobSettings(); the project stores source().
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <optional>

#include "core/data/data_job.h"
#include "core/engine/project.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace tbui {

class DataSettingsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DataSettingsPanel(QWidget* parent = nullptr);

  // The import job's settings for the file at `path`.
  tb::data::DataJobSettings jobSettings(const QString& path) const;
  // The project's view of these settings for the file at `path`; `customTemplate` is set when
  // the template came from the Template step (no preset name).
  tb::DataSource source(const QString& path, bool* customTemplate = nullptr) const;
  // Sets shape, preset template and split from a project's data source.
  void applySource(const tb::DataSource& source);
  // Chooses a template written on the Template step.
  void useTemplate(const tb::data::PromptTemplate& t);
  // A fixed test set: every example of this file goes to test (empty = none).
  void setTestFile(const QString& path);
  // Offers the columns of the file just read in the label, task and group choices; a choice made
  // before stays.
  void offerColumns(const QStringList& columns);

  QComboBox* shapeCombo() const { return shape_; }
  QComboBox* templateCombo() const { return template_; }
  QComboBox* labelColumnCombo() const { return labelColumn_; }
  QComboBox* groupColumnCombo() const { return groupColumn_; }

 private:
  QComboBox* shape_;
  QComboBox* template_;
  QDoubleSpinBox* train_;
  QDoubleSpinBox* validation_;
  QDoubleSpinBox* test_;
  QSpinBox* seed_;
  QComboBox* stratify_;
  QCheckBox* byGroup_;
  QComboBox* labelColumn_;
  QComboBox* taskColumn_;
  QComboBox* groupColumn_;
  QPushButton* testFile_;
  QString testPath_;
  std::optional<tb::data::PromptTemplate> customTemplate_;
};

}  // namespace tbui
