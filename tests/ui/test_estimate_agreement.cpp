// The Setup step and run preparation give one estimate: for 26 projects (methods, precisions,
// packing, checkpointing, lengths, micro-batches, accumulation, epochs, two stages, weighted
// sources) the Setup step's panel shows exactly the estimate prepare_run() makes for the same
// project and memory budget (peak, parts, step count, row length, times, verdict, suggestions);
// and the Setup step says "Does not fit" exactly when `tunebench-cli train --check` refuses the
// same project. The tiny random Llama of the parity fixtures, CPU, TUNEBENCH_RUN_MEMORY_BYTES.
#include <QDir>
#include <QProcess>
#include <QTest>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/engine/project.h"
#include "core/engine/run_setup.h"
#include "tests/common/test_paths.h"
#include "ui/pages/setup/estimate_panel.h"

namespace fs = std::filesystem;

namespace {

// A JSONL file of `n` examples whose lengths vary (so the longest example, the cut at
// max_seq_len and packing all matter).
fs::path writeData(const fs::path& folder, const std::string& name, int n, int seed) {
  fs::create_directories(folder);
  const fs::path path = folder / name;
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    std::string words;
    const int count = 3 + (i * 7 + seed * 13) % 40;
    for (int w = 0; w < count; ++w) words += (w ? " " : "") + std::string("word") + std::to_string((w * 31 + i) % 97);
    out << R"({"instruction": "Repeat item )" << i << R"(", "output": ")" << words << "\"}\n";
  }
  return path;
}

struct Combination {
  std::string what;
  tb::Project project;
};

tb::Project baseProject(const fs::path& folder) {
  tb::Project p;
  p.file = folder / "agreement.tbproj";
  p.model = tb_test::tiny_model();
  p.probe = "none";
  tb::DataSource source;
  source.task = "repeat";
  source.path = writeData(folder, "repeat.jsonl", 150, 1);
  p.data.push_back(source);
  p.training.device = "cpu";
  p.training.eval_every = 0;
  return p;
}

// 24 single-stage combinations (method x precision x packing x checkpointing, with lengths,
// micro-batches, accumulation and epochs varied along), a weighted two-source project and a
// two-stage project.
std::vector<Combination> combinations(const fs::path& folder) {
  using tb::train::Precision;
  using tb::train::TrainMethod;
  std::vector<Combination> out;
  const tb::Project base = baseProject(folder);
  int k = 0;
  for (const TrainMethod method : {TrainMethod::Lora, TrainMethod::Full, TrainMethod::Freeze}) {
    for (const Precision precision : {Precision::Fp32, Precision::Bf16}) {
      for (const bool packing : {false, true}) {
        for (const bool checkpointing : {false, true}) {
          tb::Project p = base;
          auto& t = p.training;
          t.method = method;
          t.precision = precision;
          t.packing = packing;
          t.gradient_checkpointing = checkpointing;
          t.max_seq_len = std::vector<std::int64_t>{96, 160, 512}[static_cast<std::size_t>(k % 3)];
          t.micro_batch = std::vector<std::int64_t>{1, 2, 4, 8}[static_cast<std::size_t>(k % 4)];
          t.grad_accum = 1 + k % 3;
          t.epochs = 1 + k % 2;
          t.freeze.top_blocks = 1 + k % 3;
          t.lora.rank = 4 << (k % 3);
          out.push_back({"combination " + std::to_string(k), p});
          ++k;
        }
      }
    }
  }
  {
    tb::Project p = base;
    tb::DataSource second;
    second.task = "other";
    second.path = writeData(folder, "other.jsonl", 60, 2);
    second.weight = 3;
    p.data.front().weight = 1;
    p.data.push_back(second);
    p.training.max_seq_len = 112;
    p.training.micro_batch = 3;
    out.push_back({"two weighted sources", p});
  }
  {
    tb::Project p = base;
    tb::DataSource second;
    second.task = "other";
    second.path = writeData(folder, "other.jsonl", 60, 2);
    p.data.push_back(second);
    p.stages.push_back({"first", {"repeat"}, {{"max_seq_len", 100}, {"micro_batch", 2}}});
    p.stages.push_back({"second", {"other"}, {{"max_seq_len", 400}, {"micro_batch", 8}, {"epochs", 2}}});
    out.push_back({"two stages", p});
  }
  return out;
}

// The estimate the Setup step's panel shows for `project`.
tb::train::MemoryEstimate setupEstimate(const tb::Project& project) {
  tbui::EstimatePanel panel;
  panel.setProject(project);
  panel.refreshNow();
  if (!panel.estimate()) qFatal("no estimate on the Setup step: %s", qPrintable(panel.text()));
  return *panel.estimate();
}

// The estimate run preparation makes (the largest of its stages, as the panel picks).
tb::train::MemoryEstimate preparedEstimate(const tb::Project& project) {
  tb::RunSetupOptions options;
  options.ignore_memory_estimate = true;
  options.run_dir = project.file.parent_path() / "run";
  const tb::PreparedRun run = tb::prepare_run(project, options);
  const tb::train::MemoryEstimate* shown = nullptr;
  for (const auto& e : run.estimates) {
    if (shown == nullptr || (shown->fits && !e.fits) || (shown->fits == e.fits && e.total_bytes > shown->total_bytes)) shown = &e;
  }
  return *shown;
}

QString describe(const tb::train::MemoryEstimate& e) {
  QString s = QString::fromStdString(e.summary) + QStringLiteral(" | steps %1, rows %2, %3 s/step, %4 s")
                                                     .arg(e.total_steps)
                                                     .arg(e.seq_len)
                                                     .arg(e.step_seconds, 0, 'g', 17)
                                                     .arg(e.total_seconds, 0, 'g', 17);
  for (const auto& g : e.suggestions) s += QStringLiteral(" | ") + QString::fromStdString(g.text);
  return s;
}

void setBudget(std::uint64_t bytes) { qputenv("TUNEBENCH_RUN_MEMORY_BYTES", QByteArray::number(static_cast<qulonglong>(bytes))); }

QString cli() { return QString::fromStdString(tb_test::binary_dir()) + QStringLiteral("/app/cli/tunebench-cli"); }

}  // namespace

class TestEstimateAgreement : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void setupStepAndRunPreparationAgree() {
    const fs::path folder = fs::path(tb_test::test_tmp()) / "agreement";
    fs::remove_all(folder);
    const auto all = combinations(folder);
    QVERIFY(all.size() >= 20);
    setBudget(4'000'000'000);
    int differentSteps = 0;
    qint64 lastSteps = -1;
    for (const auto& c : all) {
      const auto setup = setupEstimate(c.project);
      const auto prepared = preparedEstimate(c.project);
      QVERIFY2(describe(setup) == describe(prepared),
               qPrintable(QString::fromStdString(c.what) + QStringLiteral("\n  Setup step: ") + describe(setup) +
                          QStringLiteral("\n  prepare_run: ") + describe(prepared)));
      QCOMPARE(setup.total_bytes, prepared.total_bytes);
      QCOMPARE(setup.fits, prepared.fits);
      QVERIFY2(setup.total_steps > 0, c.what.c_str());
      if (setup.total_steps != lastSteps) ++differentSteps;
      lastSteps = setup.total_steps;
    }
    QVERIFY2(differentSteps > 5, "the combinations should not all take the same number of steps");
    qunsetenv("TUNEBENCH_RUN_MEMORY_BYTES");
  }

  void setupSaysDoesNotFitExactlyWhenTheCliRefuses() {
    const fs::path folder = fs::path(tb_test::test_tmp()) / "refusal";
    fs::remove_all(folder);
    tb::Project project = baseProject(folder);
    project.training.method = tb::train::TrainMethod::Full;
    project.training.micro_batch = 8;
    project.training.max_seq_len = 256;
    tb::save_project(project);
    setBudget(100'000'000'000);
    const std::uint64_t peak = setupEstimate(project).total_bytes;
    QVERIFY(peak > 0);
    // Budgets around the 90 % line: well under, just under, just over, well over.
    const double line = static_cast<double>(peak) / tb::train::kFitFraction;
    for (const double factor : {0.3, 0.995, 1.005, 3.0}) {
      const auto budget = static_cast<std::uint64_t>(line * factor);
      setBudget(budget);
      tbui::EstimatePanel panel;
      panel.setProject(project);
      panel.refreshNow();
      const bool setupRefuses = panel.text().contains(QStringLiteral("Does not fit"));
      QProcess process;
      process.setProcessChannelMode(QProcess::MergedChannels);
      process.start(cli(), {QStringLiteral("train"), QString::fromStdString(project.file.string()), QStringLiteral("--check")});
      QVERIFY2(process.waitForFinished(120'000), qPrintable(cli()));
      const QString output = QString::fromUtf8(process.readAll());
      const bool cliRefuses = process.exitCode() != 0;
      QVERIFY2(!cliRefuses || output.contains(QStringLiteral("will not fit")), qPrintable(output));
      QVERIFY2(setupRefuses == cliRefuses,
               qPrintable(QStringLiteral("budget %1 (x%2 of the line): Setup step says \"%3\", the CLI exits %4:\n%5")
                              .arg(budget)
                              .arg(factor)
                              .arg(panel.text(), QString::number(process.exitCode()), output)));
      QCOMPARE(setupRefuses, factor < 1.0);
    }
    qunsetenv("TUNEBENCH_RUN_MEMORY_BYTES");
  }
};

QTEST_MAIN(TestEstimateAgreement)
#include "test_estimate_agreement.moc"
