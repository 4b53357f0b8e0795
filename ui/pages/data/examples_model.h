// The curation table's model: the imported examples, one row each (source line, split, prompt,
// completion, label, tags). Edits from the view become undoable commands on the page's
// QUndoStack; the commands call the set/insert/remove functions here, which do the change.
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "core/data/example.h"
#include "core/data/split.h"

class QUndoStack;

namespace tbui {

class ExamplesModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Line, SplitColumn, Prompt, Completion, Label, Tags, ColumnCount };

  explicit ExamplesModel(QUndoStack* undo, QObject* parent = nullptr);

  // Takes the examples (moved in: no copy of a large import on the GUI thread).
  void reset(std::vector<tb::data::Example> examples, std::vector<tb::data::Split> splits);
  const std::vector<tb::data::Example>& examples() const { return examples_; }
  // How many examples are in `split` now.
  int splitCount(tb::data::Split split) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  // From the view: pushes an undoable edit.
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

  // What the commands call.
  QString fieldText(int row, int column) const;
  void setFieldText(int row, int column, const QString& text);
  void insertExample(int row, tb::data::Example example, tb::data::Split split);
  std::pair<tb::data::Example, tb::data::Split> removeExample(int row);

 private:
  QUndoStack* undo_;
  std::vector<tb::data::Example> examples_;
  std::vector<tb::data::Split> splits_;
};

}  // namespace tbui
