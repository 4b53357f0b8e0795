// The main window: the wizard's navigation on the left, one page per step, a status bar with
// the compute device and the demo model, menus (projects, steps, help) and shortcuts. It only
// wires pages together; each page owns its logic through the EngineBridge and ProjectSession.
#pragma once

#include <QMainWindow>

class QListWidget;
class QMenu;
class QStackedWidget;

namespace tbui {

class EngineBridge;
class ProjectSession;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // Without a session the window makes its own (no project open until one is opened).
  explicit MainWindow(EngineBridge* bridge, ProjectSession* session = nullptr, QWidget* parent = nullptr);

  // Shows step `index` (0 = Model … 8 = Export), as clicking it in the navigation does.
  void showStep(int index);
  // Shows the step with this key ("model", "train", ...).
  void showStep(const QString& key);
  int currentStep() const;
  void showAbout();
  ProjectSession* session() const { return session_; }

 private:
  void buildMenus();
  void openProjectFile(const QString& file);
  void fillRecent();
  void showTitle();

  EngineBridge* bridge_;
  ProjectSession* session_;
  QListWidget* navigation_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  QMenu* recent_ = nullptr;
};

}  // namespace tbui
