// DataProjectLink (see data_project_link.h).
#include "ui/pages/data/data_project_link.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <QUndoStack>

#include "ui/pages/data/data_page.h"
#include "ui/project/project_session.h"

namespace tbui {

namespace {
constexpr int kCurateDelayMs = 1000;
}  // namespace

DataProjectLink::DataProjectLink(DataPage* page, ProjectSession* session, QObject* parent)
    : QObject(parent), page_(page), session_(session) {
  curate_ = new QTimer(this);
  curate_->setSingleShot(true);
  curate_->setInterval(kCurateDelayMs);
  connect(curate_, &QTimer::timeout, this, [this] { saveCurated(); });
  connect(session_, &ProjectSession::opened, this, &DataProjectLink::loadFromProject);
  connect(page_, &DataPage::importFinished, this, [this](bool ok) {
    const bool fromProject = loading_;
    loading_ = false;
    if (ok && !fromProject) storeSource();
  });
  connect(page_->undoStack(), &QUndoStack::cleanChanged, this, [this](bool clean) {
    if (!clean) curate_->start();
  });
  connect(page_->undoStack(), &QUndoStack::indexChanged, this, [this] {
    if (!page_->undoStack()->isClean()) curate_->start();
  });
  if (session_->isOpen()) loadFromProject();
}

void DataProjectLink::loadFromProject() {
  const auto& data = session_->project().data;
  if (data.empty()) return;
  const auto& source = data.front();
  loading_ = true;
  const QString testPath = source.test_path.empty() ? QString() : session_->resolve(QString::fromStdString(source.test_path.string()));
  page_->openSource(source, session_->resolve(QString::fromStdString(source.path.string())), testPath);
}

void DataProjectLink::storeSource() {
  if (!session_->isOpen() || page_->currentPath().isEmpty()) return;
  bool custom = false;
  tb::DataSource source = page_->currentSource(&custom);
  source.path = ProjectSession::storedPath(session_->folder(), page_->currentPath()).toStdString();
  if (!source.test_path.empty()) {
    const QString test = QString::fromStdString(source.test_path.string());
    source.test_path = ProjectSession::storedPath(session_->folder(), test).toStdString();
  }
  session_->update([&](tb::Project& p) {
    if (!p.data.empty()) {
      source.task = p.data.front().task;
      source.weight = p.data.front().weight;
      p.data.front() = source;
    } else {
      p.data.push_back(source);
    }
  });
  // A template from the Template step has no preset name: the examples it made are the source.
  if (custom) saveCurated();
}

bool DataProjectLink::saveCurated(QString* error) {
  curate_->stop();
  if (!session_->isOpen() || page_->currentPath().isEmpty()) return true;
  bool custom = false;
  const tb::DataSource current = page_->currentSource(&custom);
  if (page_->undoStack()->isClean() && !custom) return true;
  const QString stem = QFileInfo(page_->currentPath()).completeBaseName().remove(QStringLiteral("-curated"));
  const QString path = QDir(session_->folder()).filePath(QStringLiteral("data/%1-curated.jsonl").arg(stem));
  QDir().mkpath(QFileInfo(path).absolutePath());
  QString message;
  if (!page_->saveExamples(path, &message)) {
    if (error != nullptr) *error = message;
    return false;
  }
  // The curated file holds mapped examples (chat messages), with the fixed test file's examples
  // among them: split it again by the same shares, without the template.
  session_->update([&](tb::Project& p) {
    tb::DataSource source = current;
    source.path = ProjectSession::storedPath(session_->folder(), path).toStdString();
    source.shape.clear();
    source.prompt_template.clear();
    source.test_path.clear();
    if (!p.data.empty()) {
      source.task = p.data.front().task;
      source.weight = p.data.front().weight;
      p.data.front() = source;
    } else {
      p.data.push_back(source);
    }
  });
  Q_EMIT curatedSaved(path);
  return true;
}

}  // namespace tbui
