// Pictures of every page at 1440x900 under the offscreen platform, from a real run: the demo
// project (SmolLM2-135M-Instruct, the science Q&A dataset) opened as a person opens it, a short
// LoRA fine-tune on this machine's device from the Train step, then every step of the wizard
// with that run's figures, answers and files. Also the Data step's problems and lengths tabs
// on the review fixture. As a test it writes them into the build tree (tests/ui/screenshots);
// tests/ui/refresh_screenshots.sh runs it with TB_SCREENSHOT_DIR=docs/screenshots and the demo
// as it ships, to refresh the documentation's pictures. Look at the pictures.
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QSaveFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "tests/ui/stall_monitor.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/compare/chat_compare_panel.h"
#include "ui/pages/compare/compare_page.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/evaluate/evaluate_page.h"
#include "ui/pages/export/export_page.h"
#include "ui/pages/model/model_page.h"
#include "ui/pages/runs/runs_page.h"
#include "ui/pages/setup/setup_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/train/train_page.h"
#include "ui/project/demo_project.h"
#include "ui/project/project_session.h"
#include "ui/widgets/metric_chart.h"
#include "ui/widgets/welcome_panel.h"
#include "tests/common/test_paths.h"

class TestScreenshots : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings().remove(QStringLiteral("welcome/dismissed"));  // a first start: the welcome shows
  }

  void demoRunThroughEveryStep() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString file = tbui::ensureDemoProject(&error, dir.filePath(QStringLiteral("science-qa")));
    QVERIFY2(!file.isEmpty(), qPrintable(error));
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::MainWindow window(&bridge, &session);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy probed(&bridge, &tbui::EngineBridge::deviceProbed);
    bridge.probeDevice();
    QVERIFY(probed.wait(30000));
    auto* data = window.findChild<tbui::DataPage*>();
    auto* model = window.findChild<tbui::ModelPage*>();
    QSignalSpy imported(data, &tbui::DataPage::importFinished);
    QVERIFY2(session.open(file, &error), qPrintable(error));
    tbtest::StallMonitor wait;

    // 1. Model: the demo model's facts and its answer to the test prompt.
    QVERIFY(wait.waitUntil([&] { return model->modelReady() || !model->errorText().isEmpty(); }, 60000));
    QVERIFY2(model->errorText().isEmpty(), qPrintable(model->errorText()));
    QVERIFY(wait.waitUntil([&] { return !imported.isEmpty(); }, 60000));
    QSignalSpy answered(model, &tbui::ModelPage::answerFinished);
    model->tryPrompt(QStringLiteral("What is photosynthesis? Answer in one sentence."));
    QVERIFY(wait.waitUntil([&] { return !answered.isEmpty(); }, 120000));
    QVERIFY(!model->answerText().isEmpty());
    shoot(window, QStringLiteral("model"), QStringLiteral("model-page.png"));
    auto* welcome = window.findChild<tbui::WelcomePanel*>();
    QVERIFY(welcome != nullptr);  // on the first start, above the pages
    welcome->dismiss();
    shoot(window, QStringLiteral("data"), QStringLiteral("data-page-demo.png"));

    // 2. Template and Setup.
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QSignalSpy tokenizer(templates, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(templates->tokenizerReady() || tokenizer.wait(30000));
    shoot(window, QStringLiteral("setup"), QStringLiteral("setup-page.png"));

    // 3. Train: a short LoRA run of the demo (12 steps, validation every 4, no forgetting probe:
    //    cli_train_demo measures it). TB_DEMO_STEPS=0 runs the demo project as it ships instead
    //    (120 steps and the probe, a few minutes more), as tests/ui/refresh_screenshots.sh does.
    const qint64 steps = qEnvironmentVariableIsSet("TB_DEMO_STEPS") ? qEnvironmentVariableIntValue("TB_DEMO_STEPS") : 12;
    if (steps > 0) {
      session.update([](tb::Project& p) {
        p.training.eval_every = 4;
        p.generation_examples = 3;
        p.generation_max_tokens = 48;
        p.probe = "none";
      });
    }
    auto* train = window.findChild<tbui::TrainPage*>();
    QSignalSpy finished(train, &tbui::TrainPage::runFinished);
    window.showStep(QStringLiteral("train"));
    QVERIFY(train->start(steps) != 0);
    QVERIFY(wait.waitUntil([&] { return train->lossChart()->pointCount(QStringLiteral("Training loss")) >= 6; }, 600000));
    shoot(window, QStringLiteral("train"), QStringLiteral("train-page-live.png"));
    QVERIFY(wait.waitUntil([&] { return !finished.isEmpty(); }, 900000));
    const QString runDir = finished.front().front().toString();
    shoot(window, QStringLiteral("train"), QStringLiteral("train-page.png"));

    // 4. Evaluate, Runs.
    shoot(window, QStringLiteral("evaluate"), QStringLiteral("evaluate-page.png"));
    shoot(window, QStringLiteral("runs"), QStringLiteral("runs-page.png"));

    // 5. Compare: the same question to base and tuned, and the batch table.
    auto* compare = window.findChild<tbui::ComparePage*>();
    window.showStep(QStringLiteral("compare"));
    compare->chat()->sendPrompt(QStringLiteral("Why do we have seasons on Earth?"));
    QVERIFY(wait.waitUntil([&] { return !compare->chat()->busy(); }, 300000));
    QVERIFY(!compare->chat()->baseText().isEmpty() && !compare->chat()->tunedText().isEmpty());
    shoot(window, QStringLiteral("compare"), QStringLiteral("compare-page.png"));

    // 6. Export the adapter.
    auto* exporter = window.findChild<tbui::ExportPage*>();
    QSignalSpy exported(exporter, &tbui::ExportPage::exported);
    exporter->exportTo(runDir, dir.filePath(QStringLiteral("science-qa/exports/demo-adapter")), true,
                       QStringLiteral("float32"));
    QVERIFY(wait.waitUntil([&] { return !exported.isEmpty(); }, 300000));
    shoot(window, QStringLiteral("export"), QStringLiteral("export-page.png"));
    qInfo("longest event-loop stall while the engine worked: %lld ms", wait.worstStallMs());
  }

  void dataPageTabs() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showStep(QStringLiteral("data"));
    auto* page = window.findChild<tbui::DataPage*>();
    QVERIFY(page != nullptr);
    page->templateCombo()->setCurrentIndex(page->templateCombo()->findData(QStringLiteral("review_rating")));
    QSignalSpy done(page, &tbui::DataPage::importFinished);
    page->openFile(QString::fromStdString(tb_test::source_dir() + "/tests/data/datasets/reviews.csv"));
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
    window.showStep(QStringLiteral("template"));
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QVERIFY(templates != nullptr);
    QSignalSpy loaded(templates, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(templates->tokenizerReady() || loaded.wait(30000));
    templates->choosePreset(QStringLiteral("review_rating"));
    QCoreApplication::processEvents();
    save(window.grab().toImage(), QStringLiteral("template-page.png"));
  }

 private:
  static void shoot(tbui::MainWindow& window, const QString& step, const QString& name) {
    window.showStep(step);
    // Let layouts settle and timed chart repaints run.
    for (int i = 0; i < 10; ++i) {
      QCoreApplication::processEvents();
      QTest::qWait(30);
    }
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1440, 900));
    save(image, name);
  }

  static void save(const QImage& image, const QString& name) {
    const QString dir = qEnvironmentVariableIsSet("TB_SCREENSHOT_DIR")
                            ? qEnvironmentVariable("TB_SCREENSHOT_DIR")
                            : QString::fromStdString(tb_test::binary_dir() + "/tests/ui/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QSaveFile file(dir + QLatin1Char('/') + name);  // atomic: written aside, then renamed
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(image.save(&file, "PNG"));
    QVERIFY(file.commit());
  }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
