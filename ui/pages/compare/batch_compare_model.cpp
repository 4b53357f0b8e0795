// BatchCompareModel (see batch_compare_model.h).
#include "ui/pages/compare/batch_compare_model.h"

#include <QDir>
#include <QFileInfo>

#include "core/run/run_folder.h"
#include "ui/pages/runs/run_summary.h"

namespace tbui {
namespace {

constexpr int kCellChars = 160;      // a cell shows this much of its text on one line
constexpr int kToolTipChars = 2000;  // a tooltip this much

QString oneLine(const QString& text) {
  QString line = text.simplified();
  if (line.size() > kCellChars) line = line.left(kCellChars - 1) + QChar(0x2026);
  return line;
}

}  // namespace

BatchCompareModel::BatchCompareModel(QObject* parent) : QAbstractTableModel(parent) { clear(); }

void BatchCompareModel::clear() {
  beginResetModel();
  rows_.clear();
  runDir_.clear();
  empty_ = tr("No run chosen — train one on the Train step, then choose it above.");
  endResetModel();
}

bool BatchCompareModel::load(const QString& runDir, QString* error) {
  beginResetModel();
  rows_.clear();
  runDir_ = runDir;
  auto fail = [&](const QString& message) {
    empty_ = message;
    endResetModel();
    if (error) *error = message;
    return false;
  };
  const QString path = QDir(runDir).filePath(QString::fromLatin1(tb::run::kReportFile));
  if (!QFileInfo::exists(path)) {
    return fail(tr("%1 has no report.json yet: the run is still training or stopped before its "
                   "end. Choose a finished run.")
                    .arg(QDir::toNativeSeparators(runDir)));
  }
  QString why;
  const auto report = readRunReport(path, &why);
  if (!report) return fail(why);
  for (const tb::run::SideBySideAnswer& a : report->answers) {
    rows_.push_back({qtext(a.prompt), qtext(a.reference), qtext(a.base), qtext(a.tuned)});
  }
  empty_ = rows_.empty()
               ? tr("This run answered no test prompts at its end (it had no test split, or the "
                    "project asks for 0 generated answers). Give the data a test share on the Data "
                    "step and train again, or chat with both models on the Chat tab.")
               : QString();
  endResetModel();
  return true;
}

QString BatchCompareModel::emptyText() const { return empty_; }

int BatchCompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int BatchCompareModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString BatchCompareModel::text(const Row& row, int column) const {
  switch (column) {
    case Prompt:
      return row.prompt;
    case Reference:
      return row.reference;
    case Base:
      return row.base;
    case Tuned:
      return row.tuned;
    default:
      return {};
  }
}

QVariant BatchCompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const QString full = text(rows_[static_cast<std::size_t>(index.row())], index.column());
  switch (role) {
    case Qt::DisplayRole:
      return oneLine(full);
    case Qt::ToolTipRole:
      return full.left(kToolTipChars);
    case Qt::UserRole:
      return full;
    default:
      return {};
  }
}

QVariant BatchCompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  switch (section) {
    case Prompt:
      return tr("Prompt");
    case Reference:
      return tr("Reference");
    case Base:
      return tr("Base model");
    case Tuned:
      return tr("Tuned model");
    default:
      return {};
  }
}

}  // namespace tbui
