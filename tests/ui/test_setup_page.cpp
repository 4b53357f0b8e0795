// The Setup step: presets change the project's training settings (and the saved file); the
// estimate follows the micro-batch, grows from LoRA to full fine-tuning, says when a plan does
// not fit a small GPU and one click applies a fix; invalid values are plain errors that never
// reach the project; the divergence banner's "lower learning rate" halves it; settings changed
// elsewhere show in the form without feedback; the sweep counts its trials and reads sweep.json.
#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/engine/project.h"
#include "core/train/setting_fields.h"
#include "core/train/sweep_summary.h"
#include "tests/common/test_paths.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/setup/estimate_panel.h"
#include "ui/pages/setup/setup_page.h"
#include "ui/pages/setup/sweep_panel.h"
#include "ui/project/project_session.h"

namespace {

tb::DeviceInfo gpuWith(std::int64_t bytes) {
  tb::DeviceInfo info;
  info.cuda_available = true;
  info.cuda_build_version = "13.0";
  tb::GpuInfo gpu;
  gpu.name = "Test GPU";
  gpu.total_memory_bytes = bytes;
  gpu.free_memory_bytes = bytes;
  gpu.compute_major = 9;
  info.gpus.push_back(gpu);
  return info;
}

// A project in a temporary folder, a page on it, with the tiny random Llama of the parity
// fixtures, a large GPU and a training split of 288 examples (320 rows, 90 % train).
struct Setup {
  QTemporaryDir dir;
  tbui::EngineBridge bridge;
  tbui::ProjectSession session;
  std::unique_ptr<tbui::SetupPage> page;

  Setup() {
    QString error;
    tb::Project project;
    project.model = tb_test::tiny_model();
    tb::DataSource source;
    source.path = dir.filePath(QStringLiteral("rows.jsonl")).toStdString();
    {
      std::ofstream out(source.path);
      // Long answers: rows reach the 512-token cap, as the small-GPU case needs.
      std::string tail;
      for (int w = 0; w < 150; ++w) tail += " again";
      for (int i = 0; i < 320; ++i) out << R"({"instruction": "Say )" << i << R"(", "output": "number )" << i << tail << "\"}\n";
    }
    source.split.train = 0.9;
    source.split.validation = 0.1;
    source.split.test = 0.0;
    project.data.push_back(source);
    if (!session.create(dir.filePath(QStringLiteral("setup.tbproj")), project, &error)) {
      qFatal("cannot create the project: %s", qPrintable(error));
    }
    page = std::make_unique<tbui::SetupPage>(&bridge, &session);
    page->setDevice(gpuWith(80'000'000'000));
    page->refreshEstimateNow();
  }
  template <typename T>
  T* find(const char* name) {
    T* w = page->findChild<T*>(QLatin1String(name));
    if (w == nullptr) qFatal("no widget named %s", name);
    return w;
  }
};

}  // namespace

class TestSetupPage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void presetsChangeTheProjectsSettings() {
    Setup s;
    QVERIFY(s.page->applyPreset(QStringLiteral("thorough")));
    const auto& t = s.session.project().training;
    QCOMPARE(t.lora.rank, 32);
    QCOMPARE(t.epochs, 3);
    QCOMPARE(t.learning_rate, 1e-4);
    QCOMPARE(t.schedule.kind, tb::train::ScheduleKind::Cosine);
    QCOMPARE(s.find<QSpinBox>("loraRank")->value(), 32);
    QVERIFY(s.page->noteText().contains(QStringLiteral("Thorough")));
    // The Quick button does the same through a click.
    QTest::mouseClick(s.find<QPushButton>("presetQuick"), Qt::LeftButton);
    QCOMPARE(s.session.project().training.lora.rank, 8);
    QCOMPARE(s.session.project().training.epochs, 1);
    QCOMPARE(s.session.project().training.eval_every, 20);
    QCOMPARE(s.find<QLineEdit>("learningRate")->text(), QStringLiteral("0.0002"));
    QVERIFY(!s.page->applyPreset(QStringLiteral("extreme")));
    // What reaches the project reaches its file.
    QVERIFY(s.session.saveNow());
    QCOMPARE(tb::load_project(s.session.file().toStdString()).training.eval_every, 20);
  }

  void microBatchUpdatesTheEstimate() {
    Setup s;
    const QString before = s.page->estimateText();
    QVERIFY2(before.contains(QStringLiteral("Fits")), qPrintable(before));
    QVERIFY2(before.contains(QStringLiteral("72 steps")), qPrintable(before));  // 288 / 4, 1 epoch
    s.find<QSpinBox>("microBatch")->setValue(8);
    QCOMPARE(s.session.project().training.micro_batch, 8);
    QTRY_VERIFY(s.page->estimateText() != before);  // after the 150 ms pause
    QVERIFY2(s.page->estimateText().contains(QStringLiteral("36 steps")),
             qPrintable(s.page->estimateText()));
    s.find<QSpinBox>("gradAccum")->setValue(3);
    s.page->refreshEstimateNow();
    QVERIFY(s.page->estimateText().contains(QStringLiteral("12 steps")));  // ceil(288 / 24)
  }

  void withoutAModelTheEstimateSaysWhatToDo() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tb::Project project;
    project.model = dir.filePath(QStringLiteral("no-such-model")).toStdString();
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), project));
    tbui::SetupPage page(&bridge, &session);
    page.refreshEstimateNow();
    QVERIFY2(page.estimateText().startsWith(QStringLiteral("Choose a model on the Model step to see the estimate")),
             qPrintable(page.estimateText()));
    QCOMPARE(page.estimatedBytes(), quint64{0});
  }

  void invalidValuesAreErrorsThatNeverReachTheProject() {
    Setup s;
    auto* lr = s.find<QLineEdit>("learningRate");
    lr->setText(QStringLiteral("1.5"));
    QVERIFY2(s.page->errorText().contains(QStringLiteral("Learning rate: must be above 0 and below 1 (it is 1.5)")),
             qPrintable(s.page->errorText()));
    QCOMPARE(lr->text(), QStringLiteral("1.5"));  // what was typed stays
    QCOMPARE(s.session.project().training.learning_rate, 2e-4);
    QCOMPARE(s.page->currentConfig().learning_rate, 2e-4);
    lr->setText(QStringLiteral("fast"));
    QVERIFY(s.page->errorText().contains(QStringLiteral("is not a number")));
    // Another page changing something else leaves the typed text alone.
    s.session.update([](tb::Project& p) { p.name = "renamed"; });
    QCOMPARE(lr->text(), QStringLiteral("fast"));
    lr->setText(QStringLiteral("3e-4"));
    QVERIFY(s.page->errorText().isEmpty());
    QCOMPARE(s.session.project().training.learning_rate, 3e-4);
    // The detectors' own ranges count too.
    s.find<QLineEdit>("spikeFactor")->setText(QStringLiteral("1"));
    QVERIFY2(s.page->errorText().contains(QStringLiteral("spike factor")),
             qPrintable(s.page->errorText()));
    QCOMPARE(s.session.project().training.detectors.spike_factor, 3.0);
    s.find<QLineEdit>("spikeFactor")->setText(QStringLiteral("4"));
    QVERIFY(s.page->errorText().isEmpty());
    // LoRA with no target module.
    for (const char* t :
         {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}) {
      s.page->findChild<QCheckBox*>(QStringLiteral("loraTarget_") + QLatin1String(t))
          ->setChecked(false);
    }
    QVERIFY2(s.page->errorText().contains(QStringLiteral("Targets: name at least one")), qPrintable(s.page->errorText()));
    QCOMPARE(s.session.project().training.lora.target_modules.size(),
             std::size_t{1});  // down_proj, the last valid
    tb::train::TrainConfig stored = s.session.project().training;
    QVERIFY((stored.validate(), true));
  }

  void fullFineTuningNeedsMoreThanLora() {
    Setup s;
    QCOMPARE(s.session.project().training.method, tb::train::TrainMethod::Lora);
    const quint64 lora = s.page->estimatedBytes();
    QVERIFY(lora > 0);
    QVERIFY(!s.find<QWidget>("loraOptions")->isHidden());
    QVERIFY(s.find<QWidget>("freezeOptions")->isHidden());
    const auto buttons = s.page->methodButtons();
    QCOMPARE(buttons.size(), 3);
    buttons[0]->click();  // full
    QCOMPARE(s.session.project().training.method, tb::train::TrainMethod::Full);
    QVERIFY(s.find<QWidget>("loraOptions")->isHidden());
    s.page->refreshEstimateNow();
    QVERIFY2(s.page->estimatedBytes() > lora, qPrintable(s.page->estimateText()));
    s.page->setMethod(tb::train::TrainMethod::Freeze);
    QCOMPARE(s.session.project().training.method, tb::train::TrainMethod::Freeze);
    QVERIFY(!s.find<QWidget>("freezeOptions")->isHidden());
  }

  void aSmallGpuGetsAFixThatApplies() {
    Setup s;
    s.page->setDevice(gpuWith(300'000'000));
    s.find<QSpinBox>("microBatch")->setValue(16);
    s.page->refreshEstimateNow();
    QVERIFY2(s.page->estimateText().contains(QStringLiteral("Does not fit")),
             qPrintable(s.page->estimateText()));
    QVERIFY(s.find<QLabel>("estimateVerdict")->styleSheet().contains(QStringLiteral("#b22222")));
    const auto fixes = s.page->estimatePanel()->suggestionButtons();
    QVERIFY(!fixes.isEmpty());
    QTest::mouseClick(fixes.front(), Qt::LeftButton);
    const auto& t = s.session.project().training;
    QVERIFY(t.micro_batch < 16 || t.gradient_checkpointing || t.max_seq_len < 512);
    QVERIFY2(s.page->noteText().startsWith(QStringLiteral("Applied: ")),
             qPrintable(s.page->noteText()));
    s.page->refreshEstimateNow();
    QVERIFY2(!s.page->estimateText().contains(QStringLiteral("Does not fit")),
             qPrintable(s.page->estimateText()));
  }

  void lowerLearningRateHalvesIt() {
    Setup s;
    s.page->applyLowerLearningRate();
    QCOMPARE(s.session.project().training.learning_rate, 1e-4);
    QCOMPARE(s.find<QLineEdit>("learningRate")->text(), QStringLiteral("0.0001"));
    QVERIFY2(s.page->noteText().contains(QStringLiteral("halved")), qPrintable(s.page->noteText()));
  }

  // The form is the settings table's: each field has one widget, with the table's help as its
  // tooltip and, for whole numbers, the table's range; typing reaches the project through it.
  void everySettingOfTheTableHasItsWidget() {
    Setup s;
    QStringList tips;
    for (QWidget* w : s.page->findChildren<QWidget*>()) tips << w->toolTip();
    for (const auto& f : tb::train::setting_fields()) {
      if (QLatin1String(f.key) == QLatin1String("method")) continue;  // the three method buttons
      const QString help = QString::fromUtf8(f.help);
      QVERIFY2(!tips.filter(help).isEmpty(), f.key);
    }
    auto* rank = s.find<QSpinBox>("loraRank");
    QCOMPARE(rank->minimum(), 1);
    QCOMPARE(rank->maximum(), 4096);
    QVERIFY(rank->toolTip().endsWith(QStringLiteral("(1 to 4096)")));
    auto* spike = s.find<QLineEdit>("spikeFactor");
    spike->setText(QStringLiteral("1"));
    QVERIFY2(s.page->errorText().contains(QStringLiteral("Divergence: spike factor: must be above 1")),
             qPrintable(s.page->errorText()));
    spike->setText(QStringLiteral("4"));
    QVERIFY(s.page->errorText().isEmpty());
    QCOMPARE(s.session.project().training.detectors.spike_factor, 4.0);
    auto* onError = s.find<QComboBox>("onCheckpointError");
    onError->setCurrentIndex(onError->findData(QStringLiteral("continue")));
    QCOMPARE(s.session.project().training.stop_on_checkpoint_error, false);
  }

  void changesFromElsewhereShowInTheForm() {
    Setup s;
    QSignalSpy stored(s.page.get(), &tbui::SetupPage::configChanged);
    s.session.update([](tb::Project& p) {
      p.training.micro_batch = 2;
      p.training.lora.rank = 64;
    });
    QCOMPARE(s.find<QSpinBox>("microBatch")->value(), 2);
    QCOMPARE(s.find<QSpinBox>("loraRank")->value(), 64);
    QCOMPARE(s.page->currentConfig().lora.rank, 64);
    QCOMPARE(stored.count(), 0);  // shown, not stored back
    QCOMPARE(s.session.project().training.micro_batch, 2);
  }

  void sweepCountsTrialsAndReadsTheLeaderboard() {
    Setup s;
    tbui::SweepPanel* sweep = s.page->sweepPanel();
    sweep->setLists(QStringLiteral("1e-4, 2e-4"), {}, QStringLiteral("8, 16"), {});
    QCOMPARE(sweep->trialCount(), 4);
    QVERIFY2(sweep->trialCountText().startsWith(QStringLiteral("4 trial")),
             qPrintable(sweep->trialCountText()));
    sweep->setRandomTrials(3);
    QCOMPARE(sweep->trialCount(), 3);
    sweep->setRandomTrials(0);
    sweep->setLists(QStringLiteral("1e-4, lots"), {}, {}, {});
    QCOMPARE(sweep->trialCount(), -1);
    QVERIFY(sweep->errorText().contains(QStringLiteral("\"lots\"")));
    QVERIFY(!sweep->runButton()->isEnabled());
    // No data yet: said in place, nothing starts.
    s.session.update([](tb::Project& p) { p.data.clear(); });
    sweep->setLists(QStringLiteral("1e-4, 2e-4"), {}, QStringLiteral("8, 16"), {});
    QCOMPARE(sweep->runSweep(), quint64{0});
    QVERIFY(sweep->errorText().contains(QStringLiteral("Import data")));
    // sweep.json as the engine writes it (sweep.cpp's sweep_json keys).
    tb::train::TrainConfig best = s.session.project().training;
    best.learning_rate = 5e-4;
    best.lora.rank = 16;
    best.lora.alpha = 32;
    nlohmann::json trial = {{"trial", 2},      {"learning_rate", 5e-4}, {"epochs", 1},
                            {"rank", 16},      {"micro_batch", 4},      {"best_val_loss", 1.25},
                            {"best_step", 30}, {"steps", 30},           {"status", "finished"},
                            {"error", ""},     {"seconds", 1.5},        {"run_dir", "x"}};
    nlohmann::json failed = trial;
    failed["trial"] = 1;
    failed["best_val_loss"] = nullptr;
    failed["status"] = "failed";
    failed["error"] = "out of memory";
    const nlohmann::json result = {{"format", "tunebench-sweep"},
                                   {"version", 1},
                                   {"cancelled", false},
                                   {"leaderboard", {trial, failed}},
                                   {"best", best}};
    sweep->showResult(s.dir.filePath(QStringLiteral("sweep-1")),
                      tb::train::sweep_summary_from_json(result, "sweep.json"));
    QCOMPARE(sweep->leaderboard()->rowCount(), 2);
    QCOMPARE(sweep->leaderboard()->item(0, 2)->text(), QStringLiteral("0.0005"));
    QCOMPARE(sweep->leaderboard()->item(1, 6)->text(), QStringLiteral("–"));
    QVERIFY(sweep->useBestButton()->isEnabled());
    QTest::mouseClick(sweep->useBestButton(), Qt::LeftButton);
    QCOMPARE(s.session.project().training.learning_rate, 5e-4);
    QCOMPARE(s.session.project().training.lora.rank, 16);
    QVERIFY(s.page->noteText().contains(QStringLiteral("sweep")));
  }
};

QTEST_MAIN(TestSetupPage)
#include "test_setup_page.moc"
