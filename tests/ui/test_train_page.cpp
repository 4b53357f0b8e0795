// The Train page as a person watches a run: step metrics draw the loss curves and fill the
// progress line, evaluations add validation points and move the best-checkpoint marker,
// warnings appear as banners with their actions, sample answers pile up newest first, other
// jobs' events are ignored, and the end of the run says what happened. The events are fed
// through the real EngineBridge's signals (no training runs). Also: a MetricChart holding
// 100,000 points shows a few thousand and repaints fast, on its timer only.
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "ui/bridge/engine_bridge.h"
#include "ui/pages/train/train_page.h"
#include "ui/pages/train/warning_banner.h"
#include "ui/project/project_session.h"
#include "ui/widgets/metric_chart.h"

#include "ui/widgets/custom_plot.h"

namespace {

namespace tt = tb::train;

const QString kTrain = QStringLiteral("Training loss");
const QString kSmoothed = QStringLiteral("Training loss (smoothed)");
const QString kValidation = QStringLiteral("Validation loss");

tt::StepMetrics step(qint64 n, qint64 total = 100) {
  tt::StepMetrics m;
  m.step = n;
  m.total_steps = total;
  m.loss = 3.0 - 0.01 * static_cast<double>(n);
  m.smoothed_loss = m.loss + 0.05;
  m.learning_rate = 1e-4;
  m.grad_norm = 1.5;
  m.tokens_per_s = 1234;
  m.elapsed_s = static_cast<double>(n);
  m.eta_s = static_cast<double>(total - n);
  m.device_memory_bytes = 512.0 * 1024 * 1024;
  return m;
}

tt::EvalMetrics eval(qint64 n, double loss, bool best) {
  tt::EvalMetrics m;
  m.step = n;
  m.loss = loss;
  m.perplexity = std::exp(loss);
  m.best = best;
  m.examples = 16;
  return m;
}

tt::WarningRaised warning(tt::WarningKind kind, qint64 at) {
  tt::WarningRaised w;
  w.warning.kind = kind;
  w.warning.step = at;
  w.warning.message = "Validation loss rose for 3 evaluations in a row (2.10 → 2.31).";
  w.warning.action = "Stop and keep the best checkpoint (step 20).";
  return w;
}

tt::SampleGenerated sample(qint64 at, qint64 index, const std::string& output) {
  return tt::SampleGenerated{"", at, index, "Why is the sky blue?", "Rayleigh scattering.", output};
}

QPushButton* button(QWidget* in, const char* name) {
  return in->findChild<QPushButton*>(QString::fromLatin1(name));
}

}  // namespace

class TestTrainPage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void stepMetricsDrawTheCurvesAndTheProgress() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    page.resize(1200, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(!page.running());
    QVERIFY(page.statusText().startsWith(QStringLiteral("No run yet")));
    tbui::JobHandle job7(7);
    page.watchJob(&job7);
    QVERIFY(page.running());
    QVERIFY(page.pauseButton()->isEnabled() && page.stopKeepBestButton()->isEnabled());
    QVERIFY(!page.startButton()->isEnabled());
    for (qint64 n = 1; n <= 20; ++n) Q_EMIT job7.trainEvent(tt::RunEvent{step(n)});
    QCOMPARE(page.lossChart()->pointCount(kTrain), 20);
    QCOMPARE(page.lossChart()->pointCount(kSmoothed), 20);
    QCOMPARE(page.learningRateChart()->totalPointCount(), 20);
    QCOMPARE(page.gradNormChart()->totalPointCount(), 20);
    QCOMPARE(page.speedChart()->totalPointCount(), 20);
    QCOMPARE(page.memoryChart()->totalPointCount(), 20);
    // The texts follow on a timer, like the charts (at most 25 times a second).
    QVERIFY(!page.statusText().contains(QStringLiteral("step 20")));
    QTRY_VERIFY2(page.statusText().contains(QStringLiteral("step 20 of 100")),
                 qPrintable(page.statusText()));
    QVERIFY2(page.progressText().contains(QStringLiteral("tokens/s")),
             qPrintable(page.progressText()));
    QVERIFY2(page.progressText().contains(QStringLiteral("loss 2.800")),
             qPrintable(page.progressText()));
    QVERIFY2(page.progressText().contains(QStringLiteral("about 1 min 20 s left")),
             qPrintable(page.progressText()));
    // The chart repaints on its timer and then shows every point (few enough to show all); a
    // chart on a hidden tab waits until its tab is shown.
    QTRY_COMPARE(page.lossChart()->displayedPointCount(kTrain), 20);
    QTest::qWait(100);
    QCOMPARE(page.memoryChart()->displayedPointCount(QStringLiteral("Memory in use")), 0);
    page.findChild<QTabWidget*>(QStringLiteral("trainDetails"))
        ->setCurrentWidget(page.memoryChart());
    QCOMPARE(page.memoryChart()->displayedPointCount(QStringLiteral("Memory in use")), 20);
    // The bridge's log lines and run notes of this job go to the log.
    Q_EMIT job7.logLine(QStringLiteral("reading data/qa.jsonl: 320 examples"));
    Q_EMIT job7.trainEvent(tt::RunEvent{tt::RunNote{"paused at step 20"}});
    QVERIFY(page.logText().contains(QStringLiteral("reading data/qa.jsonl: 320 examples")));
    QVERIFY(page.logText().contains(QStringLiteral("paused at step 20")));
  }

  void evaluationsAddValidationPointsAndMoveTheBestMarker() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    tbui::JobHandle job3(3);
    page.watchJob(&job3);
    Q_EMIT job3.trainEvent(tt::RunEvent{eval(10, 2.0, true)});
    QCOMPARE(page.lossChart()->pointCount(kValidation), 1);
    QVERIFY(page.lossChart()->hasMarker());
    QCOMPARE(page.lossChart()->markerX(), 10.0);
    Q_EMIT job3.trainEvent(tt::RunEvent{eval(20, 1.8, true)});
    QCOMPARE(page.lossChart()->markerX(), 20.0);
    QVERIFY2(page.lossChart()->markerLabel().contains(QStringLiteral("1.800")),
             qPrintable(page.lossChart()->markerLabel()));
    Q_EMIT job3.trainEvent(tt::RunEvent{eval(30, 1.9, false)});
    QCOMPARE(page.lossChart()->pointCount(kValidation), 3);
    QCOMPARE(page.lossChart()->markerX(), 20.0);  // not a new best: the marker stays
    QCOMPARE(page.bestStep(), qint64(20));
    QVERIFY(page.logText().contains(QStringLiteral("step 20: validation loss 1.8000")));
    // One task: no per-task chart; two tasks: a curve each.
    QVERIFY(!page.perTaskShown());
    auto twoTasks = eval(40, 1.7, true);
    twoTasks.per_task = {{"qa", 1.6}, {"summaries", 1.9}};
    Q_EMIT job3.trainEvent(tt::RunEvent{twoTasks});
    QVERIFY(page.perTaskShown());
    QCOMPARE(page.perTaskChart()->pointCount(QStringLiteral("qa")), 1);
    QCOMPARE(page.perTaskChart()->pointCount(QStringLiteral("summaries")), 1);
    // A best checkpoint saved later also marks its step.
    Q_EMIT job3.trainEvent(tt::RunEvent{tt::CheckpointSaved{"", 50, "/tmp/run/checkpoints/step-50", true}});
    QCOMPARE(page.lossChart()->markerX(), 50.0);
    QVERIFY(
        page.logText().contains(QStringLiteral("Checkpoint saved at step 50 (the best so far)")));
  }

  void warningsShowBannersWithTheirActions() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    tbui::JobHandle job4(4);
    page.watchJob(&job4);
    Q_EMIT job4.trainEvent(tt::RunEvent{warning(tt::WarningKind::Overfitting, 30)});
    QCOMPARE(page.banners().size(), 1);
    tbui::WarningBanner* overfit = page.banners().front();
    QCOMPARE(overfit->title(), QStringLiteral("Overfitting"));
    QVERIFY(overfit->message().contains(QStringLiteral("rose for 3 evaluations")));
    QPushButton* keepBest = button(overfit, "stopKeepBestButton");
    QVERIFY(keepBest != nullptr);
    QCOMPARE(keepBest->text(), QStringLiteral("Stop and keep best"));
    QVERIFY(keepBest->isEnabled());
    QVERIFY(button(overfit, "dismissButton") != nullptr);
    QVERIFY(page.logText().contains(QStringLiteral("Warning (Overfitting) at step 30")));

    // Banners stack; divergence offers a lower learning rate, underfitting the Setup step.
    QSignalSpy lower(&page, &tbui::TrainPage::lowerLearningRateRequested);
    QSignalSpy setup(&page, &tbui::TrainPage::openSetupRequested);
    Q_EMIT job4.trainEvent(tt::RunEvent{warning(tt::WarningKind::Divergence, 35)});
    Q_EMIT job4.trainEvent(tt::RunEvent{warning(tt::WarningKind::Underfitting, 36)});
    QCOMPARE(page.banners().size(), 3);
    QPushButton* lowerButton = button(page.banners().at(1), "lowerLearningRateButton");
    QVERIFY(lowerButton != nullptr);
    QTest::mouseClick(lowerButton, Qt::LeftButton);
    QCOMPARE(lower.count(), 1);
    QPushButton* setupButton = button(page.banners().at(2), "openSetupButton");
    QVERIFY(setupButton != nullptr);
    QTest::mouseClick(setupButton, Qt::LeftButton);
    QCOMPARE(setup.count(), 1);

    // Dismissing one leaves the others; once the run ends, stop-and-keep-best is off.
    QTest::mouseClick(button(page.banners().at(1), "dismissButton"), Qt::LeftButton);
    QCOMPARE(page.banners().size(), 2);
    QCOMPARE(page.banners().front()->kind(), tt::WarningKind::Overfitting);
    Q_EMIT job4.ended(tbui::JobEnd::Finished, QString());
    QVERIFY(!page.running());
    QVERIFY(!keepBest->isEnabled());
  }

  void eventsOfOtherJobsAreIgnored() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    tbui::JobHandle job11(11), job12(12);  // job 12 is not this page's
    page.watchJob(&job11);
    const QString status = page.statusText();
    QSignalSpy finished(&page, &tbui::TrainPage::runFinished);
    Q_EMIT job12.trainEvent(tt::RunEvent{step(5)});
    Q_EMIT job12.trainEvent(tt::RunEvent{eval(5, 2.0, true)});
    Q_EMIT job12.trainEvent(tt::RunEvent{warning(tt::WarningKind::Overfitting, 5)});
    Q_EMIT job12.trainEvent(tt::RunEvent{sample(5, 0, "an answer")});
    Q_EMIT job12.logLine(QStringLiteral("another job's line"));
    Q_EMIT job12.ended(tbui::JobEnd::Failed, QStringLiteral("boom"));
    Q_EMIT job12.trainFinished(QStringLiteral("/tmp/other-run"), QStringLiteral("finished"),
                                QString());
    QCOMPARE(page.lossChart()->totalPointCount(), 0);
    QVERIFY(!page.lossChart()->hasMarker());
    QVERIFY(page.banners().isEmpty());
    QCOMPARE(page.sampleCount(), 0);
    QVERIFY(!page.logText().contains(QStringLiteral("another job's line")));
    QVERIFY(page.errorText().isEmpty());
    QCOMPARE(finished.count(), 0);
    QVERIFY(page.running());
    QCOMPARE(page.statusText(), status);
    QCOMPARE(page.job(), quint64(11));
  }

  void sampleAnswersAreShownNewestFirst() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    tbui::JobHandle job2(2);
    page.watchJob(&job2);
    QVERIFY(page.sampleText().contains(QStringLiteral("No sample answers yet")));
    Q_EMIT job2.trainEvent(tt::RunEvent{sample(10, 0, "Because of the sea.")});
    Q_EMIT job2.trainEvent(tt::RunEvent{sample(10, 1, "No idea.")});
    Q_EMIT job2.trainEvent(tt::RunEvent{sample(20, 0, "Rayleigh scattering of light.\x01")});
    QCOMPARE(page.sampleCount(), 3);
    QCOMPARE(page.samplePromptCount(), 2);
    const QString shown = page.sampleText();
    QVERIFY2(shown.contains(QStringLiteral("Rayleigh scattering.")),
             qPrintable(shown));  // reference
    const auto newer = shown.indexOf(QStringLiteral("Step 20")),
               older = shown.indexOf(QStringLiteral("Step 10"));
    QVERIFY2(newer >= 0 && older > newer, qPrintable(shown));
    QVERIFY(shown.indexOf(QStringLiteral("Rayleigh scattering of light.")) <
            shown.indexOf(QStringLiteral("Because of the sea.")));
    page.showSamplePrompt(1);
    QVERIFY(page.sampleText().contains(QStringLiteral("No idea.")));
    QVERIFY(!page.sampleText().contains(QStringLiteral("Because of the sea.")));
  }

  void theEndOfTheRunSaysWhatHappened() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString error;
    QVERIFY2(session.create(dir.filePath(QStringLiteral("demo.tbproj")), tb::Project{}, &error),
             qPrintable(error));
    tbui::TrainPage page(&bridge, &session);
    QSignalSpy finished(&page, &tbui::TrainPage::runFinished);
    tbui::JobHandle job5(5);
    page.watchJob(&job5);
    for (qint64 n = 1; n <= 50; ++n) Q_EMIT job5.trainEvent(tt::RunEvent{step(n)});
    Q_EMIT job5.trainEvent(tt::RunEvent{eval(30, 1.5, true)});
    Q_EMIT job5.trainEvent(tt::RunEvent{tt::CheckpointSaved{"", 30, "", true}});
    const QString runDir = dir.filePath(QStringLiteral("runs/run-1"));
    const QString report =
        QStringLiteral(R"({"status":"early_stopped","stages":[{"best_step":30,"steps":50}]})");
    Q_EMIT job5.trainFinished(runDir, QStringLiteral("early_stopped"), report);
    QVERIFY2(page.statusText().startsWith(
                 QStringLiteral("Stopped early at the best checkpoint (step 30)")),
             qPrintable(page.statusText()));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.front().at(0).toString(), runDir);
    QCOMPARE(finished.front().at(1).toString(), QStringLiteral("early_stopped"));
    QCOMPARE(finished.front().at(2).toString(), report);
    QVERIFY(!page.running());
    QVERIFY(!page.pauseButton()->isEnabled() && !page.stopButton()->isEnabled());
    QVERIFY(page.startButton()->isEnabled());
    QCOMPARE(page.runDir(), runDir);
    QVERIFY2(session.runs().contains(runDir), qPrintable(session.runs().join(QLatin1Char(';'))));
    QVERIFY(page.logText().contains(runDir));

    // A diverged run names the checkpoint it went back to.
    tbui::JobHandle job6(6);
    page.watchJob(&job6);
    QCOMPARE(page.lossChart()->totalPointCount(), 0);  // a new run starts from an empty page
    QVERIFY(page.logText().indexOf(runDir) < 0);
    for (qint64 n = 1; n <= 25; ++n) Q_EMIT job6.trainEvent(tt::RunEvent{step(n)});
    Q_EMIT job6.trainEvent(tt::RunEvent{tt::CheckpointSaved{"", 20, "", false}});
    Q_EMIT job6.trainFinished(dir.filePath(QStringLiteral("runs/run-2")),
                                QStringLiteral("diverged"), QString());
    QVERIFY2(page.statusText().startsWith(QStringLiteral("Diverged — rolled back to step 20")),
             qPrintable(page.statusText()));
    QCOMPARE(finished.count(), 2);
    QCOMPARE(session.runs().size(), 2);
  }

  void failuresAreShownInPlace() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    tbui::TrainPage page(&bridge, &session);
    // No project open: nothing starts, the reason is on the page.
    QCOMPARE(page.start(10), quint64(0));
    QVERIFY2(page.errorText().contains(QStringLiteral("No project is open")),
             qPrintable(page.errorText()));
    QCOMPARE(page.job(), quint64(0));
    QVERIFY(!page.running());
    // A job that fails: its message in red, the controls off.
    tbui::JobHandle job9(9);
    page.watchJob(&job9);
    QVERIFY(page.errorText().isEmpty());
    Q_EMIT job9.ended(tbui::JobEnd::Failed, QStringLiteral("data/qa.jsonl: no such file"));
    QVERIFY2(page.errorText().contains(QStringLiteral("data/qa.jsonl: no such file")),
             qPrintable(page.errorText()));
    QVERIFY(!page.running());
    QVERIFY(!page.stopButton()->isEnabled());
    QVERIFY(page.logText().contains(QStringLiteral("Failed: data/qa.jsonl: no such file")));
  }

  void aHundredThousandPointsStaySmooth() {
    tbui::MetricChart chart;
    chart.resize(900, 320);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QTRY_VERIFY(chart.replotCount() > 0);  // the empty chart, once
    const int before = chart.replotCount();
    const QString series = QStringLiteral("loss");
    for (int i = 0; i < 100000; ++i) {
      const double y = i == 61234 ? 50.0 : 2.0 + std::sin(i * 0.01);  // one spike
      chart.appendPoint(series, i, y);
    }
    QCOMPARE(chart.replotCount(), before);  // nothing repainted per point
    QCOMPARE(chart.pointCount(series), 100000);
    QElapsedTimer timer;
    timer.start();
    chart.replotNow();
    const qint64 ms = timer.elapsed();
    QVERIFY2(ms < 500, qPrintable(QStringLiteral("replot took %1 ms").arg(ms)));
    const int shown = chart.displayedPointCount(series);
    QVERIFY2(shown > 100 && shown <= 4002, qPrintable(QString::number(shown)));
    // The spike survives the decimation.
    QVERIFY(chart.plot()->yAxis->range().upper >= 50.0);
    bool spike = false;
    for (auto it = chart.plot()->graph(0)->data()->constBegin();
         it != chart.plot()->graph(0)->data()->constEnd(); ++it) {
      spike = spike || it->value == 50.0;
    }
    QVERIFY(spike);
    // A burst of points repaints once or twice on the timer (about 25 a second), not per point.
    const int after = chart.replotCount();
    for (int i = 100000; i < 101000; ++i) chart.appendPoint(series, i, 2.0);
    QTest::qWait(150);
    QVERIFY2(chart.replotCount() - after >= 1 && chart.replotCount() - after <= 2,
             qPrintable(QString::number(chart.replotCount() - after)));
    QCOMPARE(chart.pointCount(series), 101000);
    // Log y and clear.
    chart.setLogY(true);
    chart.replotNow();
    QVERIFY(chart.displayedPointCount(series) > 0);
    chart.clear();
    chart.replotNow();
    QCOMPARE(chart.pointCount(series), 0);
    QCOMPARE(chart.displayedPointCount(series), 0);
  }
};

QTEST_MAIN(TestTrainPage)
#include "test_train_page.moc"
