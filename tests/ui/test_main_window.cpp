// The main window as a user meets it: nine steps in the navigation, each click shows its
// page, shortcuts jump between steps, the status bar learns the device from the engine (off
// the GUI thread), and About shows the versions.
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSignalSpy>
#include <QPushButton>
#include <QSettings>
#include <QTest>
#include <QTextBrowser>

#include "core/common/build_info.h"
#include "ui/about_dialog.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/compare/compare_page.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/evaluate/evaluate_page.h"
#include "ui/pages/export/export_page.h"
#include "ui/pages/model/model_page.h"
#include "ui/pages/runs/runs_page.h"
#include "ui/pages/setup/setup_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/train/train_page.h"
#include "ui/pages/wizard_steps.h"
#include "ui/widgets/welcome_panel.h"

class TestMainWindow : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void navigationWalksEveryStep() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto* nav = window.findChild<QListWidget*>(QStringLiteral("navigation"));
    auto* pages = window.findChild<QStackedWidget*>(QStringLiteral("pages"));
    QVERIFY(nav && pages);
    const QStringList expected = {"Model", "Data", "Template", "Setup", "Train",
                                  "Evaluate", "Compare", "Runs", "Export"};
    QCOMPARE(nav->count(), expected.size());
    QCOMPARE(pages->count(), expected.size());
    for (int i = 0; i < nav->count(); ++i) {
      QVERIFY2(nav->item(i)->text().endsWith(expected[i]), qPrintable(nav->item(i)->text()));
      // Click the item as a user would: the step's own page shows.
      const QRect rect = nav->visualItemRect(nav->item(i));
      QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, rect.center());
      QCOMPARE(window.currentStep(), i);
      QWidget* page = pages->currentWidget();
      QVERIFY(page->isVisible());
      const QString key = tbui::wizardSteps()[i].key;
      const bool right = key == QLatin1String("model")      ? qobject_cast<tbui::ModelPage*>(page) != nullptr
                         : key == QLatin1String("data")     ? qobject_cast<tbui::DataPage*>(page) != nullptr
                         : key == QLatin1String("template") ? qobject_cast<tbui::TemplatePage*>(page) != nullptr
                         : key == QLatin1String("setup")    ? qobject_cast<tbui::SetupPage*>(page) != nullptr
                         : key == QLatin1String("train")    ? qobject_cast<tbui::TrainPage*>(page) != nullptr
                         : key == QLatin1String("evaluate") ? qobject_cast<tbui::EvaluatePage*>(page) != nullptr
                         : key == QLatin1String("compare")  ? qobject_cast<tbui::ComparePage*>(page) != nullptr
                         : key == QLatin1String("runs")     ? qobject_cast<tbui::RunsPage*>(page) != nullptr
                         : key == QLatin1String("export")   ? qobject_cast<tbui::ExportPage*>(page) != nullptr
                                                            : false;
      QVERIFY2(right, qPrintable(key));
      if (key == QLatin1String("data")) {
        auto* open = page->findChild<QPushButton*>(QStringLiteral("openData"));
        QVERIFY(open && open->isVisible() && open->isEnabled());
      }
    }
  }

  void shortcutsJumpToSteps() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window) || QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QCOMPARE(window.currentStep(), 4);
    QTest::keyClick(&window, Qt::Key_9, Qt::ControlModifier);
    QCOMPARE(window.currentStep(), 8);
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(window.currentStep(), 0);
  }

  void statusBarShowsTheProbedDevice() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.show();
    auto* device = window.statusBar()->findChild<QLabel*>(QStringLiteral("deviceStatus"));
    QVERIFY(device);
    QVERIFY(device->text().startsWith(QStringLiteral("Detecting")));
    QSignalSpy spy(&bridge, &tbui::EngineBridge::deviceProbed);
    bridge.probeDevice();
    QVERIFY(spy.wait(30000));
    QVERIFY(bridge.device().has_value());
    QCOMPARE(device->text(), QString::fromStdString(bridge.device()->summary()));
    QVERIFY(device->text().startsWith(QStringLiteral("CPU")) ||
            device->text().startsWith(QStringLiteral("CUDA")));
    auto* demo = window.statusBar()->findChild<QLabel*>(QStringLiteral("demoModelStatus"));
    QVERIFY(demo && demo->text().startsWith(QStringLiteral("Demo model")));
  }

  void welcomeShowsUntilDismissed() {
    QSettings().remove(QStringLiteral("welcome/dismissed"));
    tbui::EngineBridge bridge;
    {
      tbui::MainWindow window(&bridge);
      window.resize(1440, 900);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      auto* welcome = window.findChild<tbui::WelcomePanel*>();
      QVERIFY(welcome && welcome->isVisible());
      auto* text = welcome->findChild<QLabel*>(QStringLiteral("welcomeText"));
      QVERIFY(text && text->text().contains(QStringLiteral("demo project")));
      window.showStep(3);
      QTest::mouseClick(welcome->findChild<QPushButton*>(QStringLiteral("welcomeStart")), Qt::LeftButton);
      QCOMPARE(window.currentStep(), 0);
      QTest::mouseClick(welcome->findChild<QPushButton*>(QStringLiteral("welcomeDismiss")), Qt::LeftButton);
      QVERIFY(!welcome->isVisible());
    }
    // It stays dismissed in the next window (and the next start).
    tbui::MainWindow again(&bridge);
    again.show();
    QVERIFY(again.findChild<tbui::WelcomePanel*>() == nullptr);
    QSettings().remove(QStringLiteral("welcome/dismissed"));
  }

  void aboutShowsVersions() {
    tbui::EngineBridge bridge;
    QSignalSpy spy(&bridge, &tbui::EngineBridge::deviceProbed);
    bridge.probeDevice();
    QVERIFY(spy.wait(30000));
    tbui::MainWindow window(&bridge);
    tbui::AboutDialog about(bridge, &window);
    const QString facts = about.factsText();
    QVERIFY2(facts.contains(QStringLiteral("Tunebench: ") +
                            QString::fromLatin1(tb::build_info::kVersion)),
             qPrintable(facts));
    QVERIFY2(facts.contains(QStringLiteral("Qt: ") + QString::fromLatin1(qVersion())),
             qPrintable(facts));
    QVERIFY2(facts.contains(QStringLiteral("libtorch: ") +
                            QString::fromStdString(bridge.device()->libtorch_version)),
             qPrintable(facts));
    QVERIFY2(facts.contains(QStringLiteral("CUDA: ")), qPrintable(facts));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
