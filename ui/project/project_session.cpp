// ProjectSession (see project_session.h).
#include "ui/project/project_session.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>
#include <algorithm>
#include <exception>

#include "core/common/error.h"
#include "core/engine/locations.h"

namespace tbui {

namespace {
constexpr int kAutosaveDelayMs = 500;
constexpr int kRecentProjects = 8;
const QString kRecentKey = QStringLiteral("projects/recent");

QString fromPath(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }
}  // namespace

ProjectSession::ProjectSession(QObject* parent) : QObject(parent) {
  autosave_ = new QTimer(this);
  autosave_->setSingleShot(true);
  autosave_->setInterval(kAutosaveDelayMs);
  connect(autosave_, &QTimer::timeout, this, [this] { saveNow(); });
}

ProjectSession::~ProjectSession() {
  if (dirty_) saveNow();
}

bool ProjectSession::open(const QString& file, QString* error) {
  if (dirty_) saveNow();
  try {
    project_ = tb::load_project(QFileInfo(file).absoluteFilePath().toStdString());
  } catch (const std::exception& e) {
    if (error != nullptr) *error = QString::fromUtf8(e.what());
    return false;
  }
  dirty_ = false;
  remember(this->file());
  Q_EMIT opened();
  Q_EMIT changed();
  Q_EMIT runsChanged();
  if (!project_.load_notice.empty()) Q_EMIT recovered(QString::fromStdString(project_.load_notice));
  return true;
}

bool ProjectSession::create(const QString& file, const tb::Project& project, QString* error) {
  if (dirty_) saveNow();
  const QFileInfo info(file);
  if (!QDir().mkpath(info.absolutePath())) {
    if (error != nullptr) *error = tr("Could not create the folder %1").arg(info.absolutePath());
    return false;
  }
  project_ = project;
  project_.file = info.absoluteFilePath().toStdString();
  if (project_.name.empty()) project_.name = info.completeBaseName().toStdString();
  dirty_ = true;
  if (!saveNow(error)) return false;
  remember(this->file());
  Q_EMIT opened();
  Q_EMIT changed();
  Q_EMIT runsChanged();
  return true;
}

QString ProjectSession::file() const { return fromPath(project_.file); }

QString ProjectSession::folder() const { return fromPath(project_.file.parent_path()); }

QString ProjectSession::resolve(const QString& path) const {
  try {
    return fromPath(project_.resolve(path.toStdString()));
  } catch (const tb::Error&) {
    return {};
  }
}

void ProjectSession::update(const std::function<void(tb::Project&)>& edit) {
  edit(project_);
  dirty_ = true;
  if (isOpen()) autosave_->start();
  Q_EMIT changed();
}

bool ProjectSession::saveNow(QString* error) {
  autosave_->stop();
  if (!isOpen()) {
    if (error != nullptr) *error = tr("No project is open.");
    return false;
  }
  try {
    tb::save_project(project_);
  } catch (const std::exception& e) {
    const QString message = QString::fromUtf8(e.what());
    if (error != nullptr) *error = message;
    Q_EMIT saveFailed(message);
    return false;
  }
  dirty_ = false;
  Q_EMIT saved();
  return true;
}

QStringList ProjectSession::runs() const {
  QStringList out;
  for (const auto& run : project_.runs) out << resolve(QString::fromStdString(run));
  return out;
}

QString ProjectSession::storedPath(const QString& projectFolder, const QString& path) {
  auto below = [&](const QString& folder) {
    const QString relative = QDir(folder).relativeFilePath(path);
    return relative.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(relative) ? QString() : relative;
  };
  if (const QString inside = below(projectFolder); !inside.isEmpty()) return inside;
  if (const QString resource = below(fromPath(tb::Locations::resources())); !resource.isEmpty()) {
    return QString::fromLatin1(tb::kResourcePrefix) + resource;
  }
  return QFileInfo(path).absoluteFilePath();
}

void ProjectSession::addRun(const QString& runDir) {
  const QString stored = storedPath(folder(), runDir);
  for (const auto& run : project_.runs) {
    if (QString::fromStdString(run) == stored) return;
  }
  update([&](tb::Project& p) { p.runs.push_back(stored.toStdString()); });
  Q_EMIT runsChanged();
}

bool ProjectSession::addRunTo(const QString& projectFile, const QString& runDir, QString* error) {
  if (isOpen() && QFileInfo(projectFile).absoluteFilePath() == file()) {
    addRun(runDir);
    return true;
  }
  try {
    tb::Project other = tb::load_project(projectFile.toStdString());
    const QString stored = storedPath(QFileInfo(projectFile).absolutePath(), runDir);
    if (std::find(other.runs.begin(), other.runs.end(), stored.toStdString()) == other.runs.end()) {
      other.runs.push_back(stored.toStdString());
      tb::save_project(other);
    }
  } catch (const std::exception& e) {
    if (error != nullptr) *error = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

void ProjectSession::addVote(const tb::Vote& vote) {
  update([&](tb::Project& p) { p.votes.push_back(vote); });
}

QStringList ProjectSession::recentProjects() {
  return QSettings().value(kRecentKey).toStringList();
}

void ProjectSession::remember(const QString& file) {
  QSettings settings;
  QStringList recent = settings.value(kRecentKey).toStringList();
  recent.removeAll(file);
  recent.prepend(file);
  while (recent.size() > kRecentProjects) recent.removeLast();
  settings.setValue(kRecentKey, recent);
}

}  // namespace tbui
