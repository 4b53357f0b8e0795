// The main window as a user meets it: eight steps in the navigation, each click shows its
// page, shortcuts jump between steps, the status bar learns the device from the engine (off
// the GUI thread), and About shows the versions.
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSignalSpy>
#include <QPushButton>
#include <QTest>
#include <QTextBrowser>

#include "core/common/build_info.h"
#include "ui/about_dialog.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/pending_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/wizard_steps.h"

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
    const QStringList expected = {"Model", "Data", "Template", "Setup",
                                  "Train", "Evaluate", "Compare", "Export"};
    QCOMPARE(nav->count(), expected.size());
    QCOMPARE(pages->count(), expected.size());
    for (int i = 0; i < nav->count(); ++i) {
      QVERIFY2(nav->item(i)->text().endsWith(expected[i]), qPrintable(nav->item(i)->text()));
      // Click the item as a user would.
      const QRect rect = nav->visualItemRect(nav->item(i));
      QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, rect.center());
      QCOMPARE(window.currentStep(), i);
      if (tbui::wizardSteps()[i].key == QLatin1String("data")) {
        // A built step: the Data page, ready for a file.
        auto* data = qobject_cast<tbui::DataPage*>(pages->currentWidget());
        QVERIFY(data && data->isVisible());
        auto* open = data->findChild<QPushButton*>(QStringLiteral("openData"));
        QVERIFY(open && open->isVisible() && open->isEnabled());
        continue;
      }
      if (tbui::wizardSteps()[i].key == QLatin1String("template")) {
        auto* templates = qobject_cast<tbui::TemplatePage*>(pages->currentWidget());
        QVERIFY(templates && templates->isVisible() && templates->preview()->isVisible());
        continue;
      }
      auto* page = qobject_cast<tbui::PendingPage*>(pages->currentWidget());
      QVERIFY(page);
      QCOMPARE(page->stepKey(), tbui::wizardSteps()[i].key);
      auto* title = page->findChild<QLabel*>(QStringLiteral("pageTitle"));
      QVERIFY(title && title->isVisible());
      QCOMPARE(title->text(), QStringLiteral("%1. %2").arg(i + 1).arg(expected[i]));
      // A step that is not built says so plainly.
      auto* notice = page->findChild<QLabel*>(QStringLiteral("pendingNotice"));
      QVERIFY(notice && notice->text().contains(QStringLiteral("not built yet")));
    }
  }

  void shortcutsJumpToSteps() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window) || QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QCOMPARE(window.currentStep(), 4);
    QTest::keyClick(&window, Qt::Key_8, Qt::ControlModifier);
    QCOMPARE(window.currentStep(), 7);
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
