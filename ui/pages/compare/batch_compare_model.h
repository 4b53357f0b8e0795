// The Compare step's batch table: one row per test prompt the run answered at its end, with the
// reference answer and the base and tuned models' answers (report.json's side-by-side answers,
// read by core/run/). Read-only; the page shows the selected row's differences below the table.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace tbui {

class BatchCompareModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Prompt, Reference, Base, Tuned, ColumnCount };

  struct Row {
    QString prompt, reference, base, tuned;
  };

  explicit BatchCompareModel(QObject* parent = nullptr);

  // Reads runDir/report.json. False with `error` set (and no rows) when the file is missing or
  // unreadable; true with no rows when the run generated no answers (see emptyText()).
  bool load(const QString& runDir, QString* error = nullptr);
  void clear();

  const Row& row(int r) const { return rows_.at(static_cast<std::size_t>(r)); }
  QString runDir() const { return runDir_; }
  // What to show where the table is empty: why, and what to do (empty when there are rows).
  QString emptyText() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  // DisplayRole: one line, shortened; ToolTipRole and Qt::UserRole: the whole text.
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  QString text(const Row& row, int column) const;

  std::vector<Row> rows_;
  QString runDir_;
  QString empty_;
};

}  // namespace tbui
