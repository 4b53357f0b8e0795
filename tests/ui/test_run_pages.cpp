// The pages that read finished run folders — Runs, Evaluate, Export — on small but complete run
// folders written here in the formats core writes (run.json, metrics.jsonl, report.json,
// report.md, a curve image, checkpoints/step-N): the figures are read, a damaged file is a plain
// error naming it, runs overlay in one chart, the report saves as Markdown and PDF, and exports
// list their files; engine jobs on these folders fail in place with the engine's reason.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/engine/project.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/evaluate/evaluate_page.h"
#include "ui/pages/export/export_page.h"
#include "ui/pages/runs/run_summary.h"
#include "ui/pages/runs/runs_page.h"
#include "ui/project/project_session.h"

#include "ui/widgets/custom_plot.h"

namespace {

using Json = nlohmann::json;

void writeText(const QString& path, const QByteArray& text) {
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile f(path);
  QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
  f.write(text);
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct RunFigures {
  QString method = QStringLiteral("lora");
  double testBase = 2.5, testTuned = 1.9;
  double rougeBase = 0.120, rougeTuned = 0.412;
  double probeBase = 20.0, probeTuned = 20.6;  // 3 % worse: little forgetting
};

Json lossJson(double loss, qint64 examples) {
  return {{"loss", loss},
          {"perplexity", std::exp(loss)},
          {"examples", examples},
          {"trained_tokens", examples * 40},
          {"per_task", {{"", loss}}}};
}

Json scoresJson(double rouge) {
  return {{"count", 4},
          {"exact_match", 0.25},
          {"token_f1", rouge + 0.05},
          {"rouge_l", rouge},
          {"bleu", rouge / 2},
          {"mean_answer_words", 12.5},
          {"mean_reference_words", 14.0},
          {"seconds", 0.8}};
}

// A finished run as `tunebench-cli train` leaves it (keys of train_run.cpp, run_events.cpp and
// run_report.cpp); its data file is gone, so the engine refuses to evaluate or export it.
QString writeRun(const QString& root, const QString& name, const RunFigures& f) {
  const QString dir = QDir(root).filePath(name);
  QDir().mkpath(dir + QStringLiteral("/checkpoints/step-10"));
  QDir().mkpath(dir + QStringLiteral("/checkpoints/step-20"));
  const std::string gone = (root + QStringLiteral("/gone.jsonl")).toStdString();
  const Json config = {{"method", f.method.toStdString()},
                       {"learning_rate", 0.0002},
                       {"epochs", 1},
                       {"max_steps", 20},
                       {"micro_batch", 4},
                       {"grad_accum", 1},
                       {"precision", "fp32"},
                       {"eval_every", 10},
                       {"lora", {{"rank", 8}, {"alpha", 16.0}}}};
  const Json run = {
      {"format", "tunebench-run"},
      {"version", 1},
      {"model", "/models/tiny"},
      {"model_path", "/models/tiny"},
      {"device", "cpu"},
      {"project", (root + QStringLiteral("/p.tbproj")).toStdString()},
      {"project_json",
       {{"tunebench_project", 1},
        {"name", "p"},
        {"model", "/models/tiny"},
        {"data", {{{"path", gone}}}}}},
      {"data_files", {{{"path", gone}, {"sha256", "00"}}}},
      {"stages",
       {{{"name", ""}, {"config", config}, {"train_examples", 64}, {"validation_examples", 8}}}},
      {"test_examples", 8}};
  writeText(dir + QStringLiteral("/run.json"), QByteArray::fromStdString(run.dump(2)));
  // metrics.jsonl: 20 steps and 2 evaluations.
  std::string metrics;
  double smoothed = 0;
  for (int step = 1; step <= 20; ++step) {
    const double loss = 3.0 - 0.05 * step + (step % 3) * 0.02;
    smoothed = step == 1 ? loss : 0.9 * smoothed + 0.1 * loss;
    metrics += Json{{"type", "step"},
                    {"stage", ""},
                    {"step", step},
                    {"total_steps", 20},
                    {"loss", loss},
                    {"smoothed_loss", smoothed},
                    {"lr", 0.0002},
                    {"grad_norm", 1.1},
                    {"epoch", step / 16.0},
                    {"trained_tokens", 400},
                    {"tokens", 512},
                    {"tokens_per_s", 9000.0},
                    {"elapsed_s", step * 0.1},
                    {"eta_s", (20 - step) * 0.1},
                    {"memory_bytes", 1e8},
                    {"applied", true}}
                   .dump() +
               "\n";
    if (step % 10 == 0) {
      const double val = step == 10 ? 2.6 : 2.2;
      metrics += Json{{"type", "eval"},
                      {"stage", ""},
                      {"step", step},
                      {"loss", val},
                      {"perplexity", std::exp(val)},
                      {"per_task", {{"", val}}},
                      {"best", true},
                      {"examples", 8}}
                     .dump() +
                 "\n";
    }
  }
  writeText(dir + QStringLiteral("/metrics.jsonl"), QByteArray::fromStdString(metrics));
  const Json report = {
      {"format", "tunebench-report"},
      {"version", 1},
      {"status", "finished"},
      {"model", "/models/tiny"},
      {"stages",
       {{{"name", ""},
         {"status", "finished"},
         {"steps", 20},
         {"total_steps", 20},
         {"best_step", 20},
         {"best_val_loss", 2.2},
         {"seconds", 2.0},
         {"trainable_params", 26880},
         {"warnings", Json::array()}}}},
      {"test", {{"base", lossJson(f.testBase, 8)}, {"tuned", lossJson(f.testTuned, 8)}}},
      {"generation",
       {{"base", scoresJson(f.rougeBase)},
        {"tuned", scoresJson(f.rougeTuned)},
        {"answers",
         {{{"prompt", "Why?"}, {"reference", "Because."}, {"base", "No"}, {"tuned", "Because"}}}}}},
      {"probe",
       {{"name", "general_knowledge.jsonl"},
        {"base", lossJson(std::log(f.probeBase), 80)},
        {"tuned", lossJson(std::log(f.probeTuned), 80)}}},
      {"forgetting", {{"stages", {""}}, {"before", Json::array()}, {"after_stage", Json::array()}}},
      {"curves", {"loss.png"}}};
  writeText(dir + QStringLiteral("/report.json"), QByteArray::fromStdString(report.dump(2)));
  writeText(dir + QStringLiteral("/report.md"),
            QStringLiteral("# Training report\n\n## Base vs tuned on the test split\n\n| metric | "
                           "base | tuned | change "
                           "|\n|---|---:|---:|---:|\n| ROUGE-L | %1 | %2 | %3 |\n\n## "
                           "Curves\n\n![loss.png](loss.png)\n")
                .arg(f.rougeBase, 0, 'f', 3)
                .arg(f.rougeTuned, 0, 'f', 3)
                .arg(f.rougeTuned - f.rougeBase, 0, 'f', 3)
                .toUtf8());
  QImage chart(400, 200, QImage::Format_RGB32);
  chart.fill(QColor(240, 240, 250));
  chart.save(dir + QStringLiteral("/loss.png"));
  return dir;
}

}  // namespace

class TestRunPages : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString lora_, full_;

  // A project that lists both runs (oldest first: the LoRA run, then the full one).
  bool openProject(tbui::ProjectSession& session) {
    QString error;
    if (!session.create(tmp_.filePath(QStringLiteral("p.tbproj")), tb::Project{}, &error)) {
      qWarning() << error;
      return false;
    }
    session.addRun(lora_);
    session.addRun(full_);
    return session.runs().size() == 2;
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // recent projects go to a test settings file
    QVERIFY(tmp_.isValid());
    lora_ = writeRun(tmp_.filePath(QStringLiteral("runs")), QStringLiteral("20250301-101500"), {});
    RunFigures full;
    full.method = QStringLiteral("full");
    full.testTuned = 1.5;
    full.rougeTuned = 0.5;
    full.probeTuned = 30.0;
    full_ =
        writeRun(tmp_.filePath(QStringLiteral("runs")), QStringLiteral("20250302-090000"), full);
  }

  void summaryReadsTheFigures() {
    QString error;
    const auto s = tbui::readRunSummary(lora_, &error);
    QVERIFY2(s.has_value(), qPrintable(error));
    QCOMPARE(s->name, std::string("20250301-101500"));
    QCOMPARE(s->status, std::string("finished"));
    QCOMPARE(s->method, std::string("lora"));
    QVERIFY(s->is_lora());
    QCOMPARE(s->learning_rate, 0.0002);
    QCOMPARE(s->epochs, std::int64_t(1));
    QCOMPARE(s->steps, std::int64_t(20));
    QCOMPARE(s->best_step, std::int64_t(20));
    QCOMPARE(s->best_val_loss, 2.2);
    QCOMPARE(tbui::startedTime(*s).toUTC(), QDateTime(QDate(2025, 3, 1), QTime(10, 15), QTimeZone::utc()));
    QVERIFY(s->has_report);
    QCOMPARE(s->report.test_base.loss, 2.5);
    QCOMPARE(s->report.test_tuned.loss, 1.9);
    QCOMPARE(s->report.generation_tuned.rouge_l, 0.412);
    QCOMPARE(s->report.generation_tuned.exact_match, 0.25);
    QVERIFY(std::abs(s->report.probe_tuned.perplexity - 20.6) < 1e-9);
    QCOMPARE(s->report.curves, std::vector<std::string>{"loss.png"});
    QVERIFY(tbui::settingsText(*s).contains(QStringLiteral("LoRA r8")));
    const auto curves = tbui::readRunCurves(lora_, &error);
    QVERIFY2(curves.has_value(), qPrintable(error));
    QCOMPARE(curves->step.size(), std::size_t(20));
    QCOMPARE(curves->eval_step, (std::vector<double>{10, 20}));
    QCOMPARE(curves->eval_loss, (std::vector<double>{2.6, 2.2}));
    QCOMPARE(tbui::checkpointSteps(lora_), (QVector<qint64>{10, 20}));
  }

  void damagedFilesAreErrorsNamingThem() {
    QTemporaryDir dir;
    const QString run = writeRun(dir.path(), QStringLiteral("cut"), {});
    const QByteArray report = readAll(run + QStringLiteral("/report.json"));
    writeText(run + QStringLiteral("/report.json"),
              report.left(report.size() / 2));  // half written
    QString error;
    QVERIFY(!tbui::readRunSummary(run, &error).has_value());
    QVERIFY2(error.contains(QStringLiteral("report.json")) &&
                 error.contains(QStringLiteral("cut short")),
             qPrintable(error));
    const QByteArray metrics = readAll(run + QStringLiteral("/metrics.jsonl"));
    writeText(run + QStringLiteral("/metrics.jsonl"), metrics + "{\"type\":\"step\",\"lo");
    QVERIFY(!tbui::readRunCurves(run, &error).has_value());
    QVERIFY2(error.contains(QStringLiteral("metrics.jsonl:23")), qPrintable(error));
    QFile::remove(run + QStringLiteral("/run.json"));
    QVERIFY(!tbui::readRunSummary(run, &error).has_value());
    QVERIFY2(
        error.contains(QStringLiteral("run.json")) && error.contains(QStringLiteral("missing")),
        qPrintable(error));
  }

  void runsPageOverlaysSelectedRuns() {
    tbui::ProjectSession session;
    QVERIFY(openProject(session));
    tbui::RunsPage page(&session);
    QCOMPARE(page.rowCount(), 2);
    QCOMPARE(page.table()->item(0, 0)->text(), QStringLiteral("20250302-090000"));  // newest first
    QCOMPARE(page.table()->item(0, 6)->text(), QStringLiteral("2.500 → 1.500"));
    QCOMPARE(page.table()->item(1, 7)->text(), QStringLiteral("0.120 → 0.412"));
    page.selectRuns({lora_, full_});
    QCOMPARE(page.overlaidRunCount(), 2);
    QCOMPARE(page.plot()->graphCount(), 4);  // training and validation per run
    QCOMPARE(page.plot()->graph(0)->dataCount(), 20);
    QCOMPARE(page.plot()->legend->itemCount(), 2);  // one entry per run
    page.selectRuns({lora_});
    QCOMPARE(page.overlaidRunCount(), 1);
    QSignalSpy activated(&page, &tbui::RunsPage::runActivated);
    Q_EMIT page.table()->cellDoubleClicked(1, 0);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), lora_);
  }

  void evaluatePageShowsAndSavesTheReport() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(openProject(session));
    tbui::EvaluatePage page(&bridge, &session);
    QCOMPARE(page.runDir(), full_);  // the newest run to start with
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 1), QStringLiteral("0.500"));
    QVERIFY2(page.forgettingText().contains(
                 QStringLiteral("50 % worse on general text: strong forgetting")),
             qPrintable(page.forgettingText()));
    page.setRun(lora_);
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 0), QStringLiteral("0.120"));
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 1), QStringLiteral("0.412"));
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 2), QStringLiteral("+0.292"));
    QCOMPARE(page.metricText(QStringLiteral("loss"), 2), QStringLiteral("-0.600"));
    QVERIFY2(page.forgettingText().startsWith(
                 QStringLiteral("The tuned model is 3 % worse on general text: little "
                                "forgetting")),
             qPrintable(page.forgettingText()));
    QCOMPARE(page.curveCount(), 1);
    QVERIFY(page.errorText().isEmpty());

    // Saved as Markdown (charts beside it) and as PDF.
    QString error;
    const QString md = tmp_.filePath(QStringLiteral("out/lora report.md"));
    QVERIFY2(page.saveMarkdown(md, &error), qPrintable(error));
    QVERIFY(readAll(md).contains("ROUGE-L"));
    QVERIFY(readAll(md).contains("](lora%20report-charts/loss.png)"));
    QVERIFY(QFileInfo(tmp_.filePath(QStringLiteral("out/lora report-charts/loss.png"))).size() > 0);
    const QString pdf = tmp_.filePath(QStringLiteral("out/lora report.pdf"));
    QVERIFY2(page.savePdf(pdf, &error), qPrintable(error));
    const QByteArray pdfBytes = readAll(pdf);
    QVERIFY(pdfBytes.startsWith("%PDF"));
    QVERIFY(pdfBytes.contains("/Subtype /Image"));  // the chart is embedded

    // A new evaluation's figures replace the shown ones; other jobs' events are not this page's.
    tbui::JobHandle job777(777), job778(778);  // job 778 is not this page's
    page.watchJob(&job777);
    Q_EMIT job777.logLine(QStringLiteral("evaluating base and tuned on the test split (8 examples)"));
    Q_EMIT job778.logLine(QStringLiteral("someone else's line"));
    QVERIFY(page.logText().contains(QStringLiteral("test split (8 examples)")));
    QVERIFY(!page.logText().contains(QStringLiteral("someone else")));
    auto report = Json::parse(readAll(lora_ + QStringLiteral("/report.json")).toStdString());
    report["generation"]["tuned"]["rouge_l"] = 0.6;
    report.erase("curves");  // the job's report has no curve list
    Q_EMIT job778.evalFinished(lora_ + QStringLiteral("/eval.md"),
                               QString::fromStdString(report.dump()));
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 1), QStringLiteral("0.412"));
    Q_EMIT job777.evalFinished(lora_ + QStringLiteral("/eval.md"),
                               QString::fromStdString(report.dump()));
    QCOMPARE(page.metricText(QStringLiteral("ROUGE-L"), 1), QStringLiteral("0.600"));
    QVERIFY(!page.busy());
    QCOMPARE(page.curveCount(), 1);  // the run folder's images

    // Evaluating for real: the engine refuses (the run's data file is gone), in place.
    const quint64 job = page.evaluateAgain(20);
    QVERIFY(job != 0);
    QTRY_VERIFY_WITH_TIMEOUT(!page.errorText().isEmpty(), 30000);
    QVERIFY2(page.errorText().contains(QStringLiteral("gone")), qPrintable(page.errorText()));
  }

  void exportPageOffersWhatTheRunHas() {
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(openProject(session));
    tbui::ExportPage page(&bridge, &session);
    QCOMPARE(page.runDir(), full_);
    QVERIFY(!page.adapterChoice()->isEnabled());
    QVERIFY(page.mergedChoice()->isChecked());
    QVERIFY2(page.adapterReason().contains(QStringLiteral("full fine-tuning")),
             qPrintable(page.adapterReason()));
    QCOMPARE(page.defaultFolder(false),
             tmp_.filePath(QStringLiteral("exports/20250302-090000-merged")));
    QCOMPARE(page.exportTo(full_, tmp_.filePath(QStringLiteral("exports/x")), true,
                           QStringLiteral("float32")),
             quint64(0));
    QVERIFY2(page.messageText().contains(QStringLiteral("no adapter")),
             qPrintable(page.messageText()));
    QCOMPARE(page.exportTo(full_, tmp_.path(), false, QStringLiteral("float16")),
             quint64(0));  // exists
    QVERIFY2(page.messageText().contains(QStringLiteral("exists already")),
             qPrintable(page.messageText()));
    page.setRun(lora_);
    QVERIFY(page.adapterChoice()->isEnabled());
    QVERIFY(page.adapterReason().isEmpty());

    // Finished: the folder, its files with sizes, and how to load it.
    const QString folder = tmp_.filePath(QStringLiteral("exports/lora-adapter"));
    writeText(folder + QStringLiteral("/adapter_config.json"),
              "{\"peft_type\": \"LORA\", \"base_model_name_or_path\": \"/models/tiny\"}\n");
    writeText(folder + QStringLiteral("/adapter_model.safetensors"), QByteArray(1000, 'x'));
    QSignalSpy exported(&page, &tbui::ExportPage::exported);
    tbui::JobHandle job900(900), job901(901);  // job 901 is not this page's
    page.watchJob(&job900);
    Q_EMIT job901.exportFinished(tmp_.path(), QStringLiteral("not ours"));
    QCOMPARE(page.fileListCount(), 0);
    Q_EMIT job900.exportFinished(folder, QStringLiteral("wrote the LoRA adapter (PEFT layout) to ") + folder);
    QCOMPARE(page.fileListCount(), 2);
    QCOMPARE(page.lastExportFolder(), folder);
    QCOMPARE(exported.count(), 1);
    QVERIFY(page.messageText().startsWith(QStringLiteral("Wrote the LoRA adapter")));
    QVERIFY2(page.snippetText().contains(QStringLiteral("PeftModel.from_pretrained(base, \"%1\")")
                                             .arg(QDir::toNativeSeparators(folder))),
             qPrintable(page.snippetText()));
    QVERIFY(page.snippetText().contains(
        QStringLiteral("AutoModelForCausalLM.from_pretrained(\"/models/tiny\")")));

    // A failed job says why, in place.
    tbui::JobHandle job902(902);
    page.watchJob(&job902);
    Q_EMIT job902.ended(tbui::JobEnd::Failed, QStringLiteral("disk full"));
    QVERIFY2(page.messageText().contains(QStringLiteral("disk full")),
             qPrintable(page.messageText()));
    QVERIFY(!page.busy());

    // Exporting for real: the engine refuses (the run's data file is gone), in place.
    const quint64 job = page.exportTo(lora_, tmp_.filePath(QStringLiteral("exports/real")), true,
                                      QStringLiteral("float32"));
    QVERIFY(job != 0);
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 30000);
    QVERIFY2(page.messageText().contains(QStringLiteral("gone")), qPrintable(page.messageText()));
    QVERIFY(!QFileInfo::exists(tmp_.filePath(QStringLiteral("exports/real"))));
  }
};

QTEST_MAIN(TestRunPages)
#include "test_run_pages.moc"
