// MainWindow (see main_window.h).
#include "ui/main_window.h"

#include <QAction>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>

#include "ui/about_dialog.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/pending_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/wizard_steps.h"
#include "ui/widgets/demo_model_status_label.h"
#include "ui/widgets/device_status_label.h"

namespace tbui {

MainWindow::MainWindow(EngineBridge* bridge, QWidget* parent)
    : QMainWindow(parent), bridge_(bridge) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("Tunebench"));

  // 1. Navigation and pages, one per wizard step.
  auto* central = new QWidget(this);
  auto* layout = new QHBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  navigation_ = new QListWidget(central);
  navigation_->setObjectName(QStringLiteral("navigation"));
  navigation_->setFixedWidth(200);
  navigation_->setSpacing(2);
  QFont navFont = navigation_->font();
  navFont.setPointSizeF(navFont.pointSizeF() * 1.15);
  navigation_->setFont(navFont);
  pages_ = new QStackedWidget(central);
  pages_->setObjectName(QStringLiteral("pages"));
  const auto& steps = wizardSteps();
  DataPage* data = nullptr;
  TemplatePage* templates = nullptr;
  for (int i = 0; i < steps.size(); ++i) {
    auto* item = new QListWidgetItem(QStringLiteral("%1  %2").arg(i + 1).arg(steps[i].title),
                                     navigation_);
    item->setToolTip(steps[i].purpose);
    item->setSizeHint(QSize(0, 36));
    if (steps[i].key == QLatin1String("data")) {
      data = new DataPage(bridge_, pages_);
      pages_->addWidget(data);
    } else if (steps[i].key == QLatin1String("template")) {
      templates = new TemplatePage(pages_);
      pages_->addWidget(templates);
    } else {
      pages_->addWidget(new PendingPage(steps[i], i + 1, pages_));
    }
  }
  layout->addWidget(navigation_);
  layout->addWidget(pages_, 1);
  setCentralWidget(central);
  connect(navigation_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);
  // The Data step's columns feed the Template step; a template from there goes back to the data.
  connect(data, &DataPage::sampleReady, templates, &TemplatePage::setSample);
  connect(templates, &TemplatePage::templateApplied, this, [this, data](const tb::data::PromptTemplate& t) {
    data->useTemplate(t);
    showStep(1);
  });
  navigation_->setCurrentRow(0);

  // 2. Menus and shortcuts: Ctrl+1..8 jump to a step.
  QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
  QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  QMenu* goMenu = menuBar()->addMenu(tr("&Go"));
  for (int i = 0; i < steps.size(); ++i) {
    QAction* go = goMenu->addAction(steps[i].title, this, [this, i] { showStep(i); });
    go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
  }
  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);

  // 3. Status bar: demo model and compute device.
  statusBar()->addPermanentWidget(new DemoModelStatusLabel(statusBar()));
  statusBar()->addPermanentWidget(new DeviceStatusLabel(bridge_, statusBar()));
}

void MainWindow::showStep(int index) { navigation_->setCurrentRow(index); }

int MainWindow::currentStep() const { return pages_->currentIndex(); }

void MainWindow::showAbout() {
  auto* dialog = new AboutDialog(*bridge_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

}  // namespace tbui
