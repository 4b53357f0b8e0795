// How `tunebench-cli train` and `sweep` show a run: a live progress line (step/total, loss,
// validation loss, tokens/s, ETA) redrawn in place on a terminal or printed now and then
// otherwise, warnings and notes on lines of their own, and the closing base-vs-tuned table.
#pragma once

#include <iosfwd>
#include <string>

#include "core/run/run_report_file.h"
#include "core/train/run_events.h"

namespace tb::cli {

class TrainProgress {
 public:
  TrainProgress(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}
  void on_event(const train::RunEvent& event);
  void on_log(const std::string& line);
  void finish_line();

 private:
  std::ostream& out_;
  bool terminal_;
  bool line_open_ = false;
  double last_val_ = -1;
  std::int64_t last_printed_step_ = -1;
};

// The closing summary of a report (core/run/ reads report.json's figures): status, base vs
// tuned, probe, where the files are.
std::string report_summary(const run::RunReport& report, const std::string& run_dir);

}  // namespace tb::cli
