// Undoable edits of the curation table (QUndoCommand): change a field, add an example, delete
// one. Each keeps what it needs to undo itself and acts through ExamplesModel.
#pragma once

#include <QString>
#include <QUndoCommand>

#include "core/data/example.h"
#include "core/data/split.h"

namespace tbui {

class ExamplesModel;

class EditFieldCommand : public QUndoCommand {
 public:
  EditFieldCommand(ExamplesModel* model, int row, int column, QString before, QString after);
  void undo() override;
  void redo() override;

 private:
  ExamplesModel* model_;
  int row_, column_;
  QString before_, after_;
};

class InsertExampleCommand : public QUndoCommand {
 public:
  InsertExampleCommand(ExamplesModel* model, int row, tb::data::Example example, tb::data::Split split);
  void undo() override;
  void redo() override;

 private:
  ExamplesModel* model_;
  int row_;
  tb::data::Example example_;
  tb::data::Split split_;
};

class RemoveExampleCommand : public QUndoCommand {
 public:
  RemoveExampleCommand(ExamplesModel* model, int row);
  void undo() override;
  void redo() override;

 private:
  ExamplesModel* model_;
  int row_;
  tb::data::Example example_;
  tb::data::Split split_ = tb::data::Split::Train;
};

}  // namespace tbui
