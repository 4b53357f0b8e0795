// Writes docs/screenshots/: the main window at 1440x900 under the offscreen platform after the
// engine has reported the real compute device (main-window.png), and the Data step with the
// review fixture imported through the review → rating template: its examples (data-page.png)
// its problems (data-problems.png) and lengths (data-lengths.png), and the Template step's
// token preview of the same rows (template-page.png). Look at the pictures.
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSaveFile>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTest>

#include <QComboBox>
#include <QTabWidget>

#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/template/template_page.h"

class TestScreenshots : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void mainWindow() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy spy(&bridge, &tbui::EngineBridge::deviceProbed);
    bridge.probeDevice();
    QVERIFY(spy.wait(30000));
    QCoreApplication::processEvents();

    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1440, 900));
    save(image, QStringLiteral("main-window.png"));
  }

  void dataPage() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showStep(1);
    auto* page = window.findChild<tbui::DataPage*>();
    QVERIFY(page != nullptr);
    page->templateCombo()->setCurrentIndex(page->templateCombo()->findData(QStringLiteral("review_rating")));
    QSignalSpy done(page, &tbui::DataPage::importFinished);
    page->openFile(QStringLiteral(TB_SOURCE_DIR "/tests/data/datasets/reviews.csv"));
    QVERIFY(done.wait(30000));
    QVERIFY(done.front().front().toBool());
    QCoreApplication::processEvents();
    save(window.grab().toImage(), QStringLiteral("data-page.png"));
    page->tabs()->setCurrentIndex(1);
    QCoreApplication::processEvents();
    save(window.grab().toImage(), QStringLiteral("data-problems.png"));
    page->tabs()->setCurrentIndex(2);
    QCoreApplication::processEvents();
    save(window.grab().toImage(), QStringLiteral("data-lengths.png"));
    // The Template step with the same data: the preset's preview, token by token.
    window.showStep(2);
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QVERIFY(templates != nullptr);
    QSignalSpy loaded(templates, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(templates->tokenizerReady() || loaded.wait(30000));
    templates->choosePreset(QStringLiteral("review_rating"));
    QCoreApplication::processEvents();
    save(window.grab().toImage(), QStringLiteral("template-page.png"));
  }

 private:
  static void save(const QImage& image, const QString& name) {
    const QString dir = QStringLiteral(TB_SOURCE_DIR "/docs/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QSaveFile file(dir + QLatin1Char('/') + name);  // atomic: written aside, then renamed
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(image.save(&file, "PNG"));
    QVERIFY(file.commit());
  }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
