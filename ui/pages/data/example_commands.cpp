// Curation commands (see example_commands.h).
#include "ui/pages/data/example_commands.h"

#include <QObject>

#include "ui/pages/data/examples_model.h"

namespace tbui {

EditFieldCommand::EditFieldCommand(ExamplesModel* model, int row, int column, QString before, QString after)
    : model_(model), row_(row), column_(column), before_(std::move(before)), after_(std::move(after)) {
  setText(QObject::tr("edit row %1").arg(row + 1));
}
void EditFieldCommand::undo() { model_->setFieldText(row_, column_, before_); }
void EditFieldCommand::redo() { model_->setFieldText(row_, column_, after_); }

InsertExampleCommand::InsertExampleCommand(ExamplesModel* model, int row, tb::data::Example example,
                                           tb::data::Split split)
    : model_(model), row_(row), example_(std::move(example)), split_(split) {
  setText(QObject::tr("add row %1").arg(row + 1));
}
void InsertExampleCommand::undo() { example_ = model_->removeExample(row_).first; }
void InsertExampleCommand::redo() { model_->insertExample(row_, example_, split_); }

RemoveExampleCommand::RemoveExampleCommand(ExamplesModel* model, int row) : model_(model), row_(row) {
  setText(QObject::tr("delete row %1").arg(row + 1));
}
void RemoveExampleCommand::undo() { model_->insertExample(row_, example_, split_); }
void RemoveExampleCommand::redo() { std::tie(example_, split_) = model_->removeExample(row_); }

}  // namespace tbui
