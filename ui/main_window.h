// The main window: the wizard's navigation on the left, one page per step, a status bar with
// the compute device and the demo model, menus and shortcuts. It only wires pages together;
// each page owns its logic through the EngineBridge.
#pragma once

#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace tbui {

class EngineBridge;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(EngineBridge* bridge, QWidget* parent = nullptr);

  // Shows step `index` (0 = Model … 7 = Export), as clicking it in the navigation does.
  void showStep(int index);
  int currentStep() const;
  void showAbout();

 private:
  EngineBridge* bridge_;
  QListWidget* navigation_ = nullptr;
  QStackedWidget* pages_ = nullptr;
};

}  // namespace tbui
