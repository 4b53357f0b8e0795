// The whole path through the workbench as a person clicks it, on a tiny random Llama model:
// choose the model → import a fixture → template → split → setup → train 30 steps (the chart
// holds training points and a validation point) → a run built to overfit raises the warning
// banner → Compare shows text in both panes → export writes the adapter. Throughout, while
// the engine works, the GUI event loop never stalls longer than 100 ms.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/ui/stall_monitor.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/compare/batch_compare_model.h"
#include "ui/pages/compare/batch_compare_panel.h"
#include "ui/pages/compare/chat_compare_panel.h"
#include "ui/pages/compare/compare_page.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/data/examples_model.h"
#include "ui/pages/evaluate/evaluate_page.h"
#include "ui/pages/export/export_page.h"
#include "ui/pages/model/model_page.h"
#include "ui/pages/runs/runs_page.h"
#include "ui/pages/setup/setup_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/pages/train/train_page.h"
#include "ui/pages/train/warning_banner.h"
#include "ui/project/project_session.h"
#include "ui/widgets/metric_chart.h"
#include "tests/common/test_paths.h"

namespace {
constexpr qint64 kMaxStallMs = 100;
}

class TestWalkthrough : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void wholePath() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString error;
    QVERIFY2(session.create(dir.filePath(QStringLiteral("walk/walk.tbproj")), tb::Project{}, &error), qPrintable(error));
    tbui::MainWindow window(&bridge, &session);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    tbtest::StallMonitor monitor;

    // 1. Model: the tiny Llama folder; its facts arrive from the worker.
    window.showStep(QStringLiteral("model"));
    auto* model = window.findChild<tbui::ModelPage*>();
    QVERIFY(model);
    model->chooseModel(QString::fromStdString(tb_test::tiny_model()));
    QVERIFY(monitor.waitUntil([&] { return model->modelReady() || !model->errorText().isEmpty(); }, 30000));
    QVERIFY2(model->errorText().isEmpty(), qPrintable(model->errorText()));
    QVERIFY2(model->detailsText().contains(QStringLiteral("Architecture: llama")), qPrintable(model->detailsText()));
    QCOMPARE(QString::fromStdString(session.project().model), QString::fromStdString(tb_test::tiny_model()));

    // 2. Data: the science Q&A fixture (Alpaca shape, 320 rows), split 80/10/10.
    window.showStep(QStringLiteral("data"));
    auto* data = window.findChild<tbui::DataPage*>();
    QVERIFY(data);
    QSignalSpy imported(data, &tbui::DataPage::importFinished);
    data->openFile(QString::fromStdString(tb_test::source_dir() + "/resources/datasets/science_qa.jsonl"));
    QVERIFY(monitor.waitUntil([&] { return !imported.isEmpty(); }, 60000));
    QVERIFY(imported.front().front().toBool());
    QCOMPARE(data->examplesModel()->rowCount(), 320);
    QVERIFY(data->examplesModel()->splitCount(tb::data::Split::Validation) > 0);
    QVERIFY(data->examplesModel()->splitCount(tb::data::Split::Test) > 0);
    // The project now names the file and the split.
    QCOMPARE(session.project().data.size(), std::size_t{1});
    QVERIFY(QString::fromStdString(session.project().data.front().path.string()).endsWith(QStringLiteral("science_qa.jsonl")));

    // 3. Template: the page shows the rows the Data step read.
    window.showStep(QStringLiteral("template"));
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QVERIFY(templates && templates->isVisible());

    // 4. Setup: the Quick preset, short evaluations for a 30-step run.
    window.showStep(QStringLiteral("setup"));
    auto* setup = window.findChild<tbui::SetupPage*>();
    QVERIFY(setup);
    setup->applyPreset(QStringLiteral("quick"));
    session.update([](tb::Project& p) {
      p.training.eval_every = 10;
      p.training.max_seq_len = 128;
      p.training.eval_max_examples = 8;
      p.generation_examples = 3;
      p.generation_max_tokens = 16;
      p.probe = "none";
    });
    QVERIFY(!setup->estimateText().isEmpty());

    // 5. Train 30 steps: training points and a validation point in the chart.
    window.showStep(QStringLiteral("train"));
    auto* train = window.findChild<tbui::TrainPage*>();
    QVERIFY(train);
    QSignalSpy finished(train, &tbui::TrainPage::runFinished);
    QVERIFY(train->start(30) != 0);
    QVERIFY(monitor.waitUntil([&] { return !finished.isEmpty(); }, 180000));
    QVERIFY2(train->statusText().contains(QStringLiteral("Finished"), Qt::CaseInsensitive), qPrintable(train->statusText()));
    QVERIFY(train->lossChart()->pointCount(QStringLiteral("Training loss")) >= 30);
    QVERIFY(train->lossChart()->pointCount(QStringLiteral("Validation loss")) >= 1);
    const QString runDir = finished.front().front().toString();
    QVERIFY(QFileInfo::exists(runDir + QStringLiteral("/report.json")));
    QCOMPARE(session.runs().size(), 1);

    // 6. Runs and Evaluate show the finished run.
    auto* runs = window.findChild<tbui::RunsPage*>();
    QVERIFY(runs && runs->rowCount() == 1);

    // 7. Compare: one prompt, both panes stream an answer.
    window.showStep(QStringLiteral("compare"));
    auto* compare = window.findChild<tbui::ComparePage*>();
    QVERIFY(compare);
    compare->setRun(runDir);
    compare->chat()->sendPrompt(QStringLiteral("Why is the sky blue?"));
    QVERIFY(monitor.waitUntil([&] { return !compare->chat()->busy(); }, 120000));
    QVERIFY2(!compare->chat()->baseText().isEmpty(), "the base pane is empty");
    QVERIFY2(!compare->chat()->tunedText().isEmpty(), "the tuned pane is empty");
    QVERIFY(compare->batch()->model()->rowCount() > 0);

    // 8. Export: the LoRA adapter in PEFT's layout.
    window.showStep(QStringLiteral("export"));
    auto* exporter = window.findChild<tbui::ExportPage*>();
    QVERIFY(exporter);
    QSignalSpy exported(exporter, &tbui::ExportPage::exported);
    const QString out = dir.filePath(QStringLiteral("adapter"));
    exporter->exportTo(runDir, out, /*adapter=*/true, QStringLiteral("float32"));
    QVERIFY(monitor.waitUntil([&] { return !exported.isEmpty(); }, 120000));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/adapter_config.json")));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/adapter_model.safetensors")));

    // 9. A run built to overfit: 8 random examples, full fine-tuning at a high learning rate.
    const QString overfit = dir.filePath(QStringLiteral("overfit.jsonl"));
    writeRandomPairs(overfit, 16);
    window.showStep(QStringLiteral("data"));
    imported.clear();
    data->openFile(overfit);
    QVERIFY(monitor.waitUntil([&] { return !imported.isEmpty(); }, 30000));
    session.update([](tb::Project& p) {
      p.data.front().split = {};
      p.data.front().split.train = 0.5;
      p.data.front().split.validation = 0.5;
      p.data.front().split.test = 0.0;
      p.training.method = tb::train::TrainMethod::Full;
      p.training.learning_rate = 3e-3;
      p.training.epochs = 100;
      p.training.eval_every = 5;
      p.training.schedule = {};
      p.generation_examples = 0;
    });
    window.showStep(QStringLiteral("train"));
    finished.clear();
    QVERIFY(train->start(100) != 0);
    QVERIFY(monitor.waitUntil([&] { return !train->banners().isEmpty() || !finished.isEmpty(); }, 120000));
    QVERIFY2(!train->banners().isEmpty(), "no overfitting banner");
    QVERIFY(train->banners().front()->isVisible());
    QVERIFY(monitor.waitUntil([&] { return !finished.isEmpty(); }, 120000));

    qInfo("longest event-loop stall while the engine worked: %lld ms", monitor.worstStallMs());
    QVERIFY2(monitor.worstStallMs() < kMaxStallMs,
             qPrintable(QStringLiteral("the GUI stalled for %1 ms").arg(monitor.worstStallMs())));
  }

 private:
  // Pairs of random words: nothing to generalise, so validation loss rises as training loss falls.
  static void writeRandomPairs(const QString& path, int count) {
    static const QStringList words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
                                      "hotel", "india", "juliet", "kilo", "lima", "mike", "oscar"};
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    quint32 state = 7;
    auto next = [&] {
      state = state * 1664525u + 1013904223u;
      return words[static_cast<int>((state >> 16) % static_cast<quint32>(words.size()))];
    };
    for (int i = 0; i < count; ++i) {
      QStringList prompt, completion;
      for (int w = 0; w < 6; ++w) prompt << next();
      for (int w = 0; w < 8; ++w) completion << next();
      file.write(QStringLiteral("{\"prompt\": \"%1\", \"completion\": \"%2\"}\n")
                     .arg(prompt.join(QLatin1Char(' ')), completion.join(QLatin1Char(' ')))
                     .toUtf8());
    }
  }
};

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
