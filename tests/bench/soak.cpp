// Soak benchmark (docs/RELIABILITY.md, item 6): the engine driven through the GUI bridge as the
// pages drive it, for a fixed time — a bounded LoRA run of the demo project, then a base-vs-tuned
// chat on that run, over and over — with the process's resident memory sampled every minute.
// The verdict: the peak of the samples after the warm-up may exceed the peak during the warm-up
// by less than 10 % (peaks against peaks, since memory rises and falls within each cycle). Also
// recorded: the memory right after each chat, the same moment of every cycle. Not a ctest (an hour of CPU); run it by hand:
//   build/dev/tests/bench/soak --minutes 60 --out docs/soak.json
#include <QCoreApplication>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/engine/chat_request.h"
#include "core/engine/locations.h"
#include "core/engine/project.h"
#include "core/engine/run_setup_options.h"
#include "core/io/atomic_file.h"
#include "ui/bridge/engine_bridge.h"

namespace {

namespace fs = std::filesystem;

// Resident set size of this process in MiB (/proc/self/status, VmRSS).
double rss_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Options {
  double minutes = 60;
  double warmup = 10;
  std::int64_t steps = 20;
  fs::path project = tb::Locations::resources() / "demo" / "science-qa.tbproj";
  fs::path out;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--minutes") o.minutes = std::stod(value);
    else if (key == "--warmup") o.warmup = std::stod(value);
    else if (key == "--steps") o.steps = std::stoll(value);
    else if (key == "--project") o.project = value;
    else if (key == "--out") o.out = value;
    else throw std::runtime_error("unknown option " + key + " (--minutes, --warmup, --steps, --project, --out)");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak: %s\n", e.what());
    return 2;
  }
  // 1. The demo project, its runs in a scratch folder, no end-of-run answers or probe (the chat
  //    is the load, and more cycles an hour find a leak sooner).
  tb::Project project = tb::load_project(o.project);
  const fs::path scratch = fs::temp_directory_path() / "tunebench-soak";
  fs::remove_all(scratch);
  project.runs_dir = scratch;
  project.generation_examples = 0;
  project.probe = "none";
  tbui::EngineBridge bridge;
  tb::RunSetupOptions options;
  options.max_steps = o.steps;

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto minutes = [&] { return std::chrono::duration<double>(Clock::now() - start).count() / 60.0; };
  std::vector<double> samples, after_chat;
  int runs = 0, chats = 0, sides = 0;
  QString lastRun;
  int exitCode = 0;

  // A failed job ends the soak.
  auto watchFailure = [&](tbui::JobHandle* job, const QString& name) {
    QObject::connect(job, &tbui::JobHandle::ended, &app, [&, name](tbui::JobEnd how, const QString& message) {
      if (how != tbui::JobEnd::Failed) return;
      std::fprintf(stderr, "soak: %s failed: %s\n", qPrintable(name), qPrintable(message));
      exitCode = 2;
      app.exit(2);
    });
  };
  std::function<void()> train;
  auto chat = [&](const QString& runDir) {
    ++runs;
    // 2. Keep only the newest run on disk; chat with it, base and tuned at once.
    if (!lastRun.isEmpty()) fs::remove_all(lastRun.toStdString());
    lastRun = runDir;
    tb::ChatRequest request;
    request.model = project.model;
    request.run_dir = runDir.toStdString();
    request.messages = {{"user", "Why is the sky blue? Answer in two sentences."}};
    request.sampling.max_new_tokens = 48;
    sides = 0;
    tbui::JobHandle* job = bridge.startChat(request);
    watchFailure(job, QStringLiteral("chat"));
    QObject::connect(job, &tbui::JobHandle::chatFinished, &app, [&](int, const QString&, const QString&, double) {
      if (++sides < 2) return;
      ++chats;
      after_chat.push_back(rss_mib());
      train();
    });
  };
  train = [&] {
    if (minutes() >= o.minutes) {
      app.exit(exitCode);
      return;
    }
    tbui::JobHandle* job = bridge.startTraining(project, options);
    watchFailure(job, QStringLiteral("training"));
    QObject::connect(job, &tbui::JobHandle::trainFinished, &app,
                     [&](const QString& runDir, const QString&, const QString&) { chat(runDir); });
  };
  // 3. A sample a minute (and one at the start).
  auto sample = [&] {
    samples.push_back(rss_mib());
    std::printf("minute %3zu: RSS %8.1f MiB; %d runs, %d chats\n", samples.size() - 1, samples.back(), runs, chats);
    std::fflush(stdout);
  };
  QTimer timer;
  QObject::connect(&timer, &QTimer::timeout, &app, sample);
  timer.start(60'000);
  sample();
  train();
  const int code = app.exec();
  sample();

  // 4. The verdict: peaks after the warm-up against the peak during it.
  const auto warm = static_cast<std::size_t>(o.warmup);
  nlohmann::json result = {{"minutes", o.minutes}, {"warmup_minutes", o.warmup}, {"steps_per_run", o.steps},
                           {"runs", runs}, {"chats", chats}, {"rss_mib_each_minute", samples},
                           {"rss_mib_after_each_chat", after_chat}};
  if (warm >= 1 && samples.size() > warm + 1) {
    const auto split = samples.begin() + static_cast<std::ptrdiff_t>(warm) + 1;
    const double before = *std::max_element(samples.begin() + 1, split);
    const double peak = *std::max_element(split, samples.end());
    const double growth = (peak - before) / before;
    result["peak_during_warmup_mib"] = before;
    result["peak_after_warmup_mib"] = peak;
    result["growth"] = growth;
    std::printf("peak during the warm-up %.1f MiB, after it %.1f MiB: growth %.1f %% (%s; goal < 10 %%)\n", before,
                peak, 100.0 * growth, growth < 0.10 ? "met" : "NOT met");
    if (code == 0 && growth >= 0.10) exitCode = 1;
  } else {
    std::printf("too short for a verdict: %zu samples, warm-up %zu minutes\n", samples.size(), warm);
  }
  if (!o.out.empty()) tb::write_file_atomic(o.out, result.dump(2) + "\n");
  fs::remove_all(scratch);
  return code != 0 ? code : exitCode;
}
