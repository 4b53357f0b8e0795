// MainWindow (see main_window.h).
#include "ui/main_window.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

#include "ui/about_dialog.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/compare/compare_page.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/data/data_project_link.h"
#include "ui/pages/data/examples_model.h"
#include "ui/pages/evaluate/evaluate_page.h"
#include "ui/pages/export/export_page.h"
#include "ui/pages/model/model_page.h"
#include "ui/pages/runs/runs_page.h"
#include "ui/pages/setup/setup_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/train/train_page.h"
#include "ui/pages/wizard_steps.h"
#include "ui/project/demo_project.h"
#include "ui/project/project_session.h"
#include "ui/widgets/demo_model_status_label.h"
#include "ui/widgets/device_status_label.h"
#include "ui/widgets/welcome_panel.h"

namespace tbui {

MainWindow::MainWindow(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QMainWindow(parent), bridge_(bridge), session_(session != nullptr ? session : new ProjectSession(this)) {
  setObjectName(QStringLiteral("mainWindow"));
  setAcceptDrops(false);

  // 1. The pages, one per wizard step, in wizardSteps() order.
  auto* central = new QWidget(this);
  auto* layout = new QHBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  navigation_ = new QListWidget(central);
  navigation_->setObjectName(QStringLiteral("navigation"));
  navigation_->setFixedWidth(190);
  navigation_->setSpacing(2);
  QFont navFont = navigation_->font();
  navFont.setPointSizeF(navFont.pointSizeF() * 1.15);
  navigation_->setFont(navFont);
  pages_ = new QStackedWidget(central);
  pages_->setObjectName(QStringLiteral("pages"));
  auto* model = new ModelPage(bridge_, session_, pages_);
  auto* data = new DataPage(bridge_, pages_);
  auto* templates = new TemplatePage(session_, pages_);
  auto* setup = new SetupPage(bridge_, session_, pages_);
  auto* train = new TrainPage(bridge_, session_, pages_);
  auto* evaluate = new EvaluatePage(bridge_, session_, pages_);
  auto* compare = new ComparePage(bridge_, session_, pages_);
  auto* runs = new RunsPage(session_, pages_);
  auto* exporter = new ExportPage(bridge_, session_, pages_);
  const QList<QWidget*> byStep = {model, data, templates, setup, train, evaluate, compare, runs, exporter};
  const auto& steps = wizardSteps();
  Q_ASSERT(byStep.size() == steps.size());
  for (int i = 0; i < steps.size(); ++i) {
    auto* item = new QListWidgetItem(QStringLiteral("%1  %2").arg(i + 1).arg(steps[i].title), navigation_);
    item->setToolTip(steps[i].purpose);
    item->setSizeHint(QSize(0, 36));
    pages_->addWidget(byStep[i]);
  }
  auto* right = new QVBoxLayout;
  right->setContentsMargins(0, 0, 0, 0);
  right->setSpacing(0);
  if (!WelcomePanel::dismissedBefore()) {
    auto* welcome = new WelcomePanel(central);
    connect(welcome, &WelcomePanel::startRequested, this, [this] { showStep(QStringLiteral("model")); });
    right->addWidget(welcome);
  }
  right->addWidget(pages_, 1);
  layout->addWidget(navigation_);
  layout->addLayout(right, 1);
  setCentralWidget(central);
  connect(navigation_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);
  navigation_->setCurrentRow(0);

  // 2. How the steps feed each other.
  auto* link = new DataProjectLink(data, session_, this);
  connect(data, &DataPage::sampleReady, templates, &TemplatePage::setSample);
  connect(templates, &TemplatePage::templateApplied, this, [this, data](const tb::data::PromptTemplate& t) {
    data->useTemplate(t);
    showStep(QStringLiteral("data"));
  });
  connect(train, &TrainPage::aboutToStart, link, [link] { link->saveCurated(); });
  connect(train, &TrainPage::lowerLearningRateRequested, this, [this, setup] {
    setup->applyLowerLearningRate();
    showStep(QStringLiteral("setup"));
  });
  connect(train, &TrainPage::openSetupRequested, this, [this] { showStep(QStringLiteral("setup")); });
  connect(train, &TrainPage::runFinished, this, [evaluate, compare, exporter](const QString& runDir) {
    evaluate->setRun(runDir);
    compare->setRun(runDir);
    exporter->setRun(runDir);
  });
  connect(runs, &RunsPage::runActivated, this, [this, evaluate](const QString& runDir) {
    evaluate->setRun(runDir);
    showStep(QStringLiteral("evaluate"));
  });
  connect(compare, &ComparePage::exampleCorrected, data, &DataPage::addExample);

  // 3. Menus, title and status bar.
  buildMenus();
  connect(session_, &ProjectSession::opened, this, &MainWindow::showTitle);
  connect(session_, &ProjectSession::changed, this, &MainWindow::showTitle);
  connect(session_, &ProjectSession::saveFailed, this, [this](const QString& message) {
    statusBar()->showMessage(tr("The project could not be saved: %1").arg(message));
  });
  connect(session_, &ProjectSession::recovered, this, [this](const QString& message) {
    statusBar()->showMessage(message);
  });
  statusBar()->addPermanentWidget(new DemoModelStatusLabel(statusBar()));
  statusBar()->addPermanentWidget(new DeviceStatusLabel(bridge_, statusBar()));
  showTitle();
}

void MainWindow::buildMenus() {
  QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
  QAction* newProject = fileMenu->addAction(tr("&New project…"), this, [this] {
    const QString file = QFileDialog::getSaveFileName(this, tr("New project"), QString(), tr("Tunebench projects (*.tbproj)"));
    if (file.isEmpty()) return;
    tb::Project project;
    project.training = session_->isOpen() ? session_->project().training : tb::train::TrainConfig{};
    QString error;
    if (!session_->create(file.endsWith(QLatin1String(".tbproj")) ? file : file + QStringLiteral(".tbproj"), project, &error)) {
      statusBar()->showMessage(error);
    }
  });
  newProject->setShortcut(QKeySequence::New);
  QAction* open = fileMenu->addAction(tr("&Open project…"), this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open a project"), QString(), tr("Tunebench projects (*.tbproj)"));
    if (!file.isEmpty()) openProjectFile(file);
  });
  open->setShortcut(QKeySequence::Open);
  recent_ = fileMenu->addMenu(tr("Open &recent"));
  connect(recent_, &QMenu::aboutToShow, this, &MainWindow::fillRecent);
  QMenu* demos = fileMenu->addMenu(tr("Open a &demo project"));
  for (const QString& name : demoProjects()) {
    demos->addAction(name, this, [this, name] {
      QString error;
      const QString file = ensureDemoProject(&error, {}, name);
      if (file.isEmpty()) {
        statusBar()->showMessage(error);
      } else {
        openProjectFile(file);
      }
    });
  }
  QAction* save = fileMenu->addAction(tr("&Save"), this, [this] {
    QString error;
    if (session_->saveNow(&error)) statusBar()->showMessage(tr("Saved %1").arg(session_->file()), 3000);
  });
  save->setShortcut(QKeySequence::Save);
  fileMenu->addSeparator();
  QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  // Ctrl+1..9 jump to a step.
  QMenu* goMenu = menuBar()->addMenu(tr("&Go"));
  const auto& steps = wizardSteps();
  for (int i = 0; i < steps.size(); ++i) {
    QAction* go = goMenu->addAction(steps[i].title, this, [this, i] { showStep(i); });
    go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
  }
  QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
  helpMenu->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);
}

void MainWindow::openProjectFile(const QString& file) {
  QString error;
  if (!session_->open(file, &error)) statusBar()->showMessage(error);
}

void MainWindow::fillRecent() {
  recent_->clear();
  for (const QString& file : ProjectSession::recentProjects()) {
    if (!QFileInfo::exists(file)) continue;
    recent_->addAction(file, this, [this, file] { openProjectFile(file); });
  }
  if (recent_->isEmpty()) recent_->addAction(tr("No recent projects"))->setEnabled(false);
}

void MainWindow::showTitle() {
  setWindowTitle(session_->isOpen()
                     ? tr("%1 — Tunebench").arg(QString::fromStdString(session_->project().name))
                     : tr("Tunebench"));
}

void MainWindow::showStep(int index) { navigation_->setCurrentRow(index); }

void MainWindow::showStep(const QString& key) {
  const auto& steps = wizardSteps();
  for (int i = 0; i < steps.size(); ++i) {
    if (steps[i].key == key) showStep(i);
  }
}

int MainWindow::currentStep() const { return pages_->currentIndex(); }

void MainWindow::showAbout() {
  auto* dialog = new AboutDialog(*bridge_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

}  // namespace tbui
