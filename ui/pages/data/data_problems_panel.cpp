// DataProblemsPanel (see data_problems_panel.h).
#include "ui/pages/data/data_problems_panel.h"

#include <QFileInfo>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tbui {
namespace {

constexpr int kLineRole = Qt::UserRole + 1;  // a problem item's source line (0 = none)
constexpr int kMaxItemsPerFinding = 1000;    // the tree lists this many; the count says the rest

QString lineText(const tb::data::Example& e) { return QObject::tr("line %1").arg(e.source_line); }

QTreeWidgetItem* category(QTreeWidget* tree, const QString& title, qint64 count) {
  auto* item = new QTreeWidgetItem(tree, {QStringLiteral("%1 (%2)").arg(title).arg(count)});
  QFont bold = item->font(0);
  bold.setBold(true);
  item->setFont(0, bold);
  return item;
}

void child(QTreeWidgetItem* parent, const QString& where, const QString& what, qint64 line,
           const QString& tip = {}) {
  if (parent->childCount() == kMaxItemsPerFinding) {
    new QTreeWidgetItem(parent,
                        {QObject::tr("… and more"), QObject::tr("see tunebench-cli audit --json")});
  }
  if (parent->childCount() > kMaxItemsPerFinding) return;
  auto* item = new QTreeWidgetItem(parent, {where, what});
  item->setData(0, kLineRole, line);
  if (!tip.isEmpty()) item->setToolTip(1, tip);
}

}  // namespace

DataProblemsPanel::DataProblemsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 4, 0, 0);
  dropLeaks_ = new QPushButton(tr("Drop the leaking validation and test examples"), this);
  dropLeaks_->setEnabled(false);
  dropLeaks_->setToolTip(
      tr("Each text shared across splits stays only in the earliest split (train, then "
         "validation, then test). Undoable."));
  layout->addWidget(dropLeaks_, 0, Qt::AlignLeft);
  tree_ = new QTreeWidget(this);
  tree_->setObjectName(QStringLiteral("problems"));
  tree_->setHeaderLabels({tr("Where"), tr("What")});
  tree_->setColumnWidth(0, 320);
  layout->addWidget(tree_);
  connect(dropLeaks_, &QPushButton::clicked, this, &DataProblemsPanel::dropLeaksRequested);
  connect(tree_, &QTreeWidget::itemActivated, this,
          [this](QTreeWidgetItem* item) { activate(item); });
  connect(tree_, &QTreeWidget::itemClicked, this,
          [this](QTreeWidgetItem* item) { activate(item); });
}

void DataProblemsPanel::showFindings(const tb::data::DataSnapshot& s) {
  tree_->clear();
  leakLines_.clear();
  const auto& ex = s.dataset.examples;
  const auto& r = s.dataset.report;
  const auto& a = s.audit;
  auto at = [&](std::int64_t i) -> const tb::data::Example& {
    return ex[static_cast<std::size_t>(i)];
  };
  auto splitOf = [&](std::int64_t i) {
    return QString::fromLatin1(tb::data::to_string(s.splits[static_cast<std::size_t>(i)]));
  };
  std::vector<tb::data::RowIssue> rejected = r.rejected;
  if (s.test_report)
    rejected.insert(rejected.end(), s.test_report->rejected.begin(), s.test_report->rejected.end());
  if (!rejected.empty()) {
    auto* c = category(tree_, tr("Rows not imported"), static_cast<qint64>(rejected.size()));
    for (const auto& i : rejected) {
      child(c,
            QStringLiteral("%1:%2")
                .arg(QFileInfo(QString::fromStdString(i.file)).fileName())
                .arg(i.line),
            QString::fromStdString(i.reason), 0, QString::fromStdString(i.raw));
    }
  }
  if (!a.leak_drop.empty()) {
    auto* c = category(tree_, tr("Leaking across splits: to drop from validation and test"),
                       static_cast<qint64>(a.leak_drop.size()));
    for (const auto i : a.leak_drop) {
      leakLines_.push_back(at(i).source_line);
      child(c, lineText(at(i)) + QStringLiteral(" (%1)").arg(splitOf(i)),
            QString::fromStdString(at(i).prompt_text()).left(200), at(i).source_line);
    }
  }
  if (!a.exact_duplicate_groups.empty()) {
    auto* c = category(tree_, tr("Exact duplicates (groups)"),
                       static_cast<qint64>(a.exact_duplicate_groups.size()));
    for (const auto& g : a.exact_duplicate_groups) {
      QStringList lines;
      for (const auto i : g)
        lines << QStringLiteral("%1 (%2)").arg(at(i).source_line).arg(splitOf(i));
      child(c, tr("lines ") + lines.join(QStringLiteral(", ")),
            QString::fromStdString(at(g.front()).prompt_text()).left(200),
            at(g.front()).source_line);
    }
  }
  if (!a.near_duplicates.empty()) {
    auto* c = category(tree_, tr("Near-duplicates (pairs)"),
                       static_cast<qint64>(a.near_duplicates.size()));
    for (const auto& p : a.near_duplicates) {
      child(c,
            tr("lines %1 (%2) ~ %3 (%4)")
                .arg(at(p.a).source_line)
                .arg(splitOf(p.a))
                .arg(at(p.b).source_line)
                .arg(splitOf(p.b)),
            tr("Jaccard %1").arg(p.jaccard, 0, 'f', 2), at(p.a).source_line);
    }
  }
  auto rows = [&](const QString& title, const std::vector<std::int64_t>& list) {
    if (list.empty()) return;
    auto* c = category(tree_, title, static_cast<qint64>(list.size()));
    for (const auto i : list) {
      child(c, lineText(at(i)), QString::fromStdString(at(i).completion_text()).left(200),
            at(i).source_line);
    }
  };
  rows(tr("Empty completions"), a.empty_completions);
  rows(tr("Very short completions"), a.short_completions);
  for (const auto& [kind, list] : a.pii_examples) {
    rows(tr("Personal data: %1")
             .arg(QString::fromStdString(kind).replace(QLatin1Char('_'), QLatin1Char(' '))),
         list);
  }
  if (tree_->topLevelItemCount() == 0) {
    new QTreeWidgetItem(
        tree_, {tr("No problems found"), tr("every row was imported and the audit is clean")});
  }
  dropLeaks_->setEnabled(!leakLines_.empty());
  tree_->expandAll();
}

void DataProblemsPanel::setDropEnabled(bool on) { dropLeaks_->setEnabled(on); }

void DataProblemsPanel::activate(QTreeWidgetItem* item) {
  const qint64 line = item != nullptr ? item->data(0, kLineRole).toLongLong() : 0;
  if (line > 0) Q_EMIT sourceLineActivated(line);
}

}  // namespace tbui
