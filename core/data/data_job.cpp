// The import-and-audit job (see data_job.h).
#include "core/data/data_job.h"

#include "core/common/error.h"
#include "core/model/model_inspect.h"

namespace tb::data {

std::shared_ptr<DataSnapshot> run_data_job(const DataJobSettings& s,
                                                 const std::function<void(double, const std::string&)>& progress,
                                                 const std::atomic<bool>& cancel) {
  auto snap = std::make_shared<DataSnapshot>();
  snap->settings = s;
  // 1. Read and map (70 % of the bar), 2. split, 3. audit (the rest).
  snap->dataset = load_dataset(s.path, s.read, s.mapping, [&](double f) {
    progress(0.7 * f, "reading");
    return !cancel.load();
  });
  snap->cancelled = cancel.load();
  snap->splits = assign_splits(snap->dataset.examples, s.split);
  // 2b. A fixed test file joins as Test, mapped with the main file's mapping.
  if (!s.test_path.empty() && !snap->cancelled) {
    MappingChoice same;
    same.mapping = snap->dataset.mapping;
    auto test = load_dataset(s.test_path, s.read, same, [&](double) { return !cancel.load(); });
    snap->splits.insert(snap->splits.end(), test.examples.size(), Split::Test);
    for (auto& e : test.examples) snap->dataset.examples.push_back(std::move(e));
    snap->test_report = std::move(test.report);
  }
  std::shared_ptr<const Tokenizer> tokenizer;
  std::optional<ChatFormat> chat;
  if (!s.tokenizer_model.empty()) {
    tokenizer = load_model_tokenizer(s.tokenizer_model);
    chat = model_chat_format(s.tokenizer_model, *tokenizer);
  }
  if (!snap->cancelled) {
    try {
      snap->audit = audit_examples(snap->dataset.examples, snap->splits, s.audit, tokenizer.get(),
                                   chat ? &*chat : nullptr, [&](double f) {
        progress(0.7 + 0.3 * f, "auditing");
        return !cancel.load();
      });
    } catch (const Error&) {
      if (!cancel.load()) throw;
      snap->cancelled = true;
    }
  }
  progress(1.0, "done");
  return snap;
}

}  // namespace tb::data
