// Writes docs/screenshots/main-window.png: the main window at 1440x900 under the offscreen
// platform, after the engine has reported the real compute device. Look at the picture.
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSaveFile>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTest>

#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"

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
