// ExamplesModel (see examples_model.h).
#include "ui/pages/data/examples_model.h"

#include <algorithm>

#include <QUndoStack>

#include "ui/pages/data/example_commands.h"

namespace tbui {
namespace {

// The message a column shows and edits: the last turn of that role (prompt = user,
// completion = assistant).
template <class E>
auto* last_turn(E& e, const char* role) {
  for (auto it = e.messages.rbegin(); it != e.messages.rend(); ++it) {
    if (it->role == role) return &*it;
  }
  return static_cast<decltype(&*e.messages.rbegin())>(nullptr);
}

}  // namespace

ExamplesModel::ExamplesModel(QUndoStack* undo, QObject* parent) : QAbstractTableModel(parent), undo_(undo) {}

void ExamplesModel::reset(std::vector<tb::data::Example> examples, std::vector<tb::data::Split> splits) {
  beginResetModel();
  examples_ = std::move(examples);
  splits_ = std::move(splits);
  splits_.resize(examples_.size(), tb::data::Split::Train);
  endResetModel();
}

int ExamplesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(examples_.size());
}

int ExamplesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ExamplesModel::fieldText(int row, int column) const {
  const auto& e = examples_[static_cast<std::size_t>(row)];
  switch (column) {
    case Line: return e.source_line > 0 ? QString::number(e.source_line) : tr("new");
    case SplitColumn: return QString::fromLatin1(tb::data::to_string(splits_[static_cast<std::size_t>(row)]));
    case Prompt: {
      if (!e.is_chat()) return QString::fromStdString(e.text);
      const auto* m = last_turn(e, "user");
      return m != nullptr ? QString::fromStdString(m->content) : QString();
    }
    case Completion: {
      const auto* m = last_turn(e, "assistant");
      return m != nullptr ? QString::fromStdString(m->content) : QString();
    }
    case Label: return QString::fromStdString(e.label);
    case Tags: {
      QStringList tags;
      for (const auto& t : e.tags) tags << QString::fromStdString(t);
      return tags.join(QStringLiteral(", "));
    }
    default: return {};
  }
}

void ExamplesModel::setFieldText(int row, int column, const QString& text) {
  auto& e = examples_[static_cast<std::size_t>(row)];
  const std::string value = text.toStdString();
  switch (column) {
    case Prompt:
      if (!e.is_chat()) e.text = value;
      else if (auto* m = last_turn(e, "user")) m->content = value;
      break;
    case Completion:
      if (auto* m = last_turn(e, "assistant")) m->content = value;
      break;
    case Label: e.label = value; break;
    case Tags: {
      e.tags.clear();
      for (const QString& t : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!t.trimmed().isEmpty()) e.tags.push_back(t.trimmed().toStdString());
      }
      break;
    }
    default: return;
  }
  Q_EMIT dataChanged(index(row, column), index(row, column));
}

QVariant ExamplesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  if (role == Qt::DisplayRole) {
    QString text = fieldText(index.row(), index.column());
    if (text.size() > 300) text = text.left(300) + QChar(0x2026);  // the cell shows a start; the editor all
    return text.replace(QLatin1Char('\n'), QChar(0x21B5));
  }
  if (role == Qt::EditRole || role == Qt::ToolTipRole) return fieldText(index.row(), index.column());
  if (role == Qt::TextAlignmentRole && index.column() == Line) return int(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant ExamplesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  switch (section) {
    case Line: return tr("Line");
    case SplitColumn: return tr("Split");
    case Prompt: return tr("Prompt");
    case Completion: return tr("Completion");
    case Label: return tr("Label");
    case Tags: return tr("Tags");
    default: return {};
  }
}

Qt::ItemFlags ExamplesModel::flags(const QModelIndex& index) const {
  const Qt::ItemFlags base = QAbstractTableModel::flags(index);
  if (index.column() == Line || index.column() == SplitColumn) return base;
  return base | Qt::ItemIsEditable;
}

bool ExamplesModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || !index.isValid() || !(flags(index) & Qt::ItemIsEditable)) return false;
  const QString old = fieldText(index.row(), index.column());
  if (old == value.toString()) return false;
  undo_->push(new EditFieldCommand(this, index.row(), index.column(), old, value.toString()));
  return true;
}

void ExamplesModel::insertExample(int row, tb::data::Example example, tb::data::Split split) {
  beginInsertRows({}, row, row);
  examples_.insert(examples_.begin() + row, std::move(example));
  splits_.insert(splits_.begin() + row, split);
  endInsertRows();
}

std::pair<tb::data::Example, tb::data::Split> ExamplesModel::removeExample(int row) {
  beginRemoveRows({}, row, row);
  auto removed = std::make_pair(std::move(examples_[static_cast<std::size_t>(row)]), splits_[static_cast<std::size_t>(row)]);
  examples_.erase(examples_.begin() + row);
  splits_.erase(splits_.begin() + row);
  endRemoveRows();
  return removed;
}

int ExamplesModel::splitCount(tb::data::Split split) const {
  return static_cast<int>(std::count(splits_.begin(), splits_.end(), split));
}

}  // namespace tbui
