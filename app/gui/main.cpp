// tunebench: the desktop workbench. Creates the application, the engine bridge and the main
// window, starts the device probe, and runs the event loop.
#include <QApplication>
#include <QIcon>

#include "core/common/build_info.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Tunebench"));
  QApplication::setOrganizationName(QStringLiteral("Tunebench"));
  QApplication::setApplicationVersion(QString::fromLatin1(tb::build_info::kVersion));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tunebench.svg")));

  tbui::EngineBridge bridge;
  tbui::MainWindow window(&bridge);
  window.resize(1440, 900);
  window.show();
  bridge.probeDevice();
  return QApplication::exec();
}
