// ProjectSession: the open project (.tbproj) for the whole workbench. Pages read it and change
// it through update(); every change is saved atomically (with a .bak) half a second after the
// last edit, so nothing typed is lost. Keeps the recent-projects list in QSettings. GUI thread
// only; holds plain settings, never anything of torch.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

#include "core/engine/project.h"

class QTimer;

namespace tbui {

class ProjectSession : public QObject {
  Q_OBJECT

 public:
  explicit ProjectSession(QObject* parent = nullptr);
  ~ProjectSession() override;  // saves pending changes

  // Loads a .tbproj; false with `error` set (file, key and what to do) when it cannot. A damaged
  // file opens from its backup, and recovered() says so.
  bool open(const QString& file, QString* error = nullptr);
  // Starts a new project saved at `file` (its folder is created).
  bool create(const QString& file, const tb::Project& project, QString* error = nullptr);
  bool isOpen() const { return !project_.file.empty(); }

  const tb::Project& project() const { return project_; }
  QString file() const;
  QString folder() const;
  // A path from the project, resolved against its folder; empty for one that would leave it
  // (the loader refuses those, so only a path typed in later can be one).
  QString resolve(const QString& path) const;
  // How a project in `projectFolder` stores `path`: relative when inside that folder (the project
  // can move), "tunebench:..." when among Tunebench's resources, else absolute.
  static QString storedPath(const QString& projectFolder, const QString& path);

  // Changes the project; changed() follows at once, the save half a second after the last edit.
  void update(const std::function<void(tb::Project&)>& edit);
  // Saves pending changes now; false with `error` set (and saveFailed emitted) when it cannot.
  bool saveNow(QString* error = nullptr);
  bool dirty() const { return dirty_; }

  // Run folders of the project, absolute, oldest first.
  QStringList runs() const;
  void addRun(const QString& runDir);
  // A run started from the project at `projectFile` ended: recorded there, also when another
  // project has been opened since (that file is then updated on disk). False with `error` set
  // when that file cannot be read or written.
  bool addRunTo(const QString& projectFile, const QString& runDir, QString* error = nullptr);
  void addVote(const tb::Vote& vote);

  static QStringList recentProjects();

 Q_SIGNALS:
  void opened();
  void changed();
  void runsChanged();
  void saved();
  void saveFailed(const QString& message);
  void recovered(const QString& message);  // the project file was damaged; its backup was opened

 private:
  void remember(const QString& file);

  tb::Project project_;
  bool dirty_ = false;
  QTimer* autosave_ = nullptr;
};

}  // namespace tbui
