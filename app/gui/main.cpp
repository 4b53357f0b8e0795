// tunebench: the desktop workbench. Creates the application, the engine bridge, the project
// session and the main window; opens the project named on the command line, else the last one,
// else the demo project; starts the device probe and runs the event loop. With --self-test it
// runs the installation self-test offscreen instead and exits 0 when it passed.
#include <QApplication>
#include <QIcon>
#include <QStatusBar>

#include <cstring>

#include "core/common/build_info.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/project/demo_project.h"
#include "ui/project/project_session.h"
#include "ui/self_test_runner.h"

int main(int argc, char** argv) {
  bool selfTest = false;
  for (int i = 1; i < argc; ++i) selfTest = selfTest || std::strcmp(argv[i], "--self-test") == 0;
  // The self-test needs no display: offscreen unless a platform was chosen.
  if (selfTest && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Tunebench"));
  QApplication::setOrganizationName(QStringLiteral("Tunebench"));
  QApplication::setApplicationVersion(QString::fromLatin1(tb::build_info::kVersion));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tunebench.svg")));

  tbui::EngineBridge bridge;
  tbui::ProjectSession session;
  tbui::MainWindow window(&bridge, &session);
  window.resize(1440, 900);
  window.show();
  if (selfTest) {
    tbui::SelfTestRunner runner(&bridge, &window);
    runner.start();
    return QApplication::exec();
  }
  QString error;
  const QString project = tbui::startupProject(QApplication::arguments().mid(1), &error);
  if (project.isEmpty() || !session.open(project, &error)) window.statusBar()->showMessage(error);
  bridge.probeDevice();
  return QApplication::exec();
}
