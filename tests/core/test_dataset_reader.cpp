// Dataset import against the fixture corpus in tests/data/datasets/ (BOM, CRLF, quoted newlines,
// ragged rows, text after a closing quote, invalid UTF-8, bad JSON, duplicate keys, wrong types,
// empty completions, an empty file, UTF-16, a 20 MB line made here): exact counts, lines, kinds
// and messages; the rejects file; the abort policy; cancellation; the source left untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/io/sha256.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace tb::data;
const fs::path kData = fs::path(tb_test::source_dir()) / "tests/data/datasets";
const fs::path kTmp = fs::path(tb_test::test_tmp()) / "dataset_reader";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(DatasetReader, BomAndCrlfJsonl) {
  const auto d = load_dataset(kData / "bom_crlf.jsonl");
  EXPECT_EQ(d.report.format, SourceFormat::Jsonl);
  EXPECT_EQ(d.mapping.format, DatasetFormat::PromptCompletion);
  ASSERT_EQ(d.report.warnings.size(), 1u);
  EXPECT_EQ(d.report.warnings[0], "the file starts with a UTF-8 byte-order mark; it was ignored");
  EXPECT_EQ(d.report.rows_read, 2);
  EXPECT_EQ(d.report.rows_kept, 2);
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_EQ(d.examples[0].source_line, 1);
  EXPECT_EQ(d.examples[1].source_line, 3);
  EXPECT_EQ(d.examples[1].messages[1].content, "Paris");  // no stray \r
}

TEST(DatasetReader, CsvQuotesNewlinesRaggedRowsAndBadQuotes) {
  const auto r = read_dataset(kData / "reviews.csv");
  EXPECT_EQ(r.report.format, SourceFormat::Csv);
  EXPECT_EQ(r.report.columns, (std::vector<std::string>{"review", "rating", "product"}));
  EXPECT_EQ(r.report.rows_read, 6);
  EXPECT_EQ(r.report.rows_kept, 4);
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[1].line, 3);
  EXPECT_EQ(r.records[1].fields["review"], "Stopped working after a week.\r\nWould not buy again.");
  EXPECT_EQ(r.records[2].line, 5);
  EXPECT_EQ(r.records[2].fields["review"], "She said \"wow\" when she saw it");
  EXPECT_EQ(r.records[3].line, 8);
  ASSERT_EQ(r.report.rejected.size(), 2u);
  EXPECT_EQ(r.report.rejected[0].line, 6);
  EXPECT_EQ(r.report.rejected[0].kind, "ragged_row");
  EXPECT_EQ(r.report.rejected[0].reason, "the row has 2 fields, the header has 3");
  EXPECT_EQ(r.report.rejected[1].line, 7);
  EXPECT_EQ(r.report.rejected[1].kind, "csv_syntax");
  EXPECT_EQ(r.report.rejected[1].reason, "text after a closing quote in field 1");
  EXPECT_EQ(r.report.rejected_by_kind, (std::map<std::string, std::int64_t>{{"csv_syntax", 1}, {"ragged_row", 1}}));
}

TEST(DatasetReader, EveryKindOfBadJsonlRowWithItsLineAndReason) {
  fs::create_directories(kTmp);
  const fs::path source = kData / "alpaca_bad_rows.jsonl";
  const std::string before = tb::sha256_hex(slurp(source));
  ReadOptions o;
  o.rejects_path = kTmp / "rejects.jsonl";
  const auto d = load_dataset(source, o);
  EXPECT_EQ(d.mapping.format, DatasetFormat::Alpaca);
  EXPECT_EQ(d.report.rows_read, 10);
  EXPECT_EQ(d.report.rows_kept, 3);
  ASSERT_EQ(d.examples.size(), 3u);
  EXPECT_EQ(d.examples[0].messages[0].content, "Add the numbers.\n\n2 and 3");
  EXPECT_EQ(d.examples[0].messages[1].content, "5");
  EXPECT_EQ(d.examples[1].messages[0].content, "Name a colour.");  // empty input adds nothing
  EXPECT_EQ(d.examples[2].source_line, 10);
  const std::vector<std::tuple<std::int64_t, std::string, std::string>> want = {
      {3, "bad_json", ""},
      {4, "not_an_object", "the line is a JSON array, not an object with fields"},
      {5, "duplicate_key", "the key \"instruction\" appears twice in one object"},
      {6, "invalid_utf8", "invalid UTF-8 at byte 26 of the line"},
      {7, "wrong_type", "the field \"instruction\" is a number; text expected"},
      {8, "empty_completion", "the completion is empty: there is nothing to learn from this row"},
      {9, "missing_field", "the field \"output\" is missing or null"},
  };
  ASSERT_EQ(d.report.rejected.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& [line, kind, reason] = want[i];
    EXPECT_EQ(d.report.rejected[i].line, line);
    EXPECT_EQ(d.report.rejected[i].kind, kind);
    EXPECT_EQ(d.report.rejected[i].file, source.string());
    if (!reason.empty()) {
      EXPECT_EQ(d.report.rejected[i].reason, reason);
    }
  }
  EXPECT_TRUE(d.report.rejected[0].reason.starts_with("not valid JSON (byte ")) << d.report.rejected[0].reason;
  // The rejects file: one JSON line per rejected row, with its raw text.
  std::ifstream rejects(o.rejects_path);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(rejects, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), want.size());
  EXPECT_EQ(rows[1]["line"], 4);
  EXPECT_EQ(rows[1]["raw"], "[\"not\", \"an\", \"object\"]");
  EXPECT_EQ(tb::sha256_hex(slurp(source)), before) << "the source file must never change";
}

TEST(DatasetReader, ANumberTooLargeForADoubleIsABadRow) {
  // Found by fuzz_jsonl: 4e444 overflows a double, and the JSON library says so with an
  // exception other than its parse error; the row is rejected like any bad JSON, not a crash.
  fs::create_directories(kTmp);
  const fs::path file = kTmp / "overflow.jsonl";
  std::ofstream(file) << "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": 4e444, \"completion\": \"c\"}\n";
  const auto d = read_dataset(file);
  EXPECT_EQ(d.report.rows_kept, 1);
  ASSERT_EQ(d.report.rejected.size(), 1u);
  EXPECT_EQ(d.report.rejected[0].line, 2);
  EXPECT_EQ(d.report.rejected[0].kind, "bad_json");
  EXPECT_NE(d.report.rejected[0].reason.find("number overflow"), std::string::npos) << d.report.rejected[0].reason;
}

TEST(DatasetReader, AbortPolicyStopsAtTheFirstBadRow) {
  ReadOptions o;
  o.policy = BadRowPolicy::Abort;
  try {
    load_dataset(kData / "alpaca_bad_rows.jsonl", o);
    FAIL() << "expected an error";
  } catch (const tb::FormatError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("the import stops at the first bad row"), std::string::npos) << e.what();
  }
}

TEST(DatasetReader, FileLevelProblemsAreClearErrors) {
  try {
    read_dataset(kData / "empty.jsonl");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_EQ(e.message(), "the file is empty: there are no rows to import");
    EXPECT_EQ(e.where().path, (kData / "empty.jsonl").string());
  }
  try {
    read_dataset(kData / "utf16.csv");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_NE(e.message().find("UTF-16"), std::string::npos);
  }
  EXPECT_THROW(read_dataset(kData / "no_such_file.jsonl"), tb::IoError);
}

TEST(DatasetReader, JsonArrayOfMultiTurnMessages) {
  const auto d = load_dataset(kData / "messages.json");
  EXPECT_EQ(d.report.format, SourceFormat::JsonArray);
  EXPECT_EQ(d.mapping.format, DatasetFormat::Messages);
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_EQ(d.examples[0].source_line, 2);
  EXPECT_EQ(d.examples[1].source_line, 26);
  EXPECT_EQ(d.examples[0].messages.size(), 5u);
  EXPECT_EQ(d.examples[0].completion_text(), "Hello!\nGoodbye!");  // every assistant turn trains
}

TEST(DatasetReader, ShareGptTsvAndText) {
  const auto s = load_dataset(kData / "sharegpt.jsonl");
  EXPECT_EQ(s.mapping.format, DatasetFormat::ShareGpt);
  ASSERT_EQ(s.examples.size(), 1u);
  EXPECT_EQ(s.examples[0].messages[1].role, "assistant");
  ASSERT_EQ(s.report.rejected.size(), 1u);
  EXPECT_EQ(s.report.rejected[0].line, 2);
  EXPECT_EQ(s.report.rejected[0].reason,
            "turn 2 of \"conversations\" has the role \"robot\"; use system, user or assistant (ShareGPT: human, gpt)");
  const auto t = load_dataset(kData / "qa.tsv");
  EXPECT_EQ(t.report.format, SourceFormat::Tsv);
  ASSERT_EQ(t.examples.size(), 2u);
  EXPECT_EQ(t.examples[0].messages[0].content, "What is 1;2?");
  const auto x = load_dataset(kData / "docs.txt");
  EXPECT_EQ(x.mapping.format, DatasetFormat::Text);
  ASSERT_EQ(x.examples.size(), 2u);
  EXPECT_EQ(x.examples[0].text, "First document line one.\nLine two.");
  EXPECT_EQ(x.examples[1].source_line, 6);
}

TEST(DatasetReader, TwentyMegabyteLineIsRejectedNotACrash) {
  fs::create_directories(kTmp);
  const fs::path path = kTmp / "long_line.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"prompt\": \"short\", \"completion\": \"ok\"}\n";
    out << "{\"prompt\": \"" << std::string(20 << 20, 'a') << "\", \"completion\": \"x\"}\n";
    out << "{\"prompt\": \"after\", \"completion\": \"still read\"}\n";
  }
  const auto d = load_dataset(path);
  EXPECT_EQ(d.report.rows_read, 3);
  EXPECT_EQ(d.report.rows_kept, 2);
  ASSERT_EQ(d.report.rejected.size(), 1u);
  EXPECT_EQ(d.report.rejected[0].line, 2);
  EXPECT_EQ(d.report.rejected[0].kind, "line_too_long");
  EXPECT_EQ(d.report.rejected[0].reason, "line is 20.0 MiB, longer than the limit of 16 MiB");
}

TEST(DatasetReader, CancelKeepsWhatWasRead) {
  fs::create_directories(kTmp);
  const fs::path path = kTmp / "many.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 5000; ++i) out << "{\"prompt\": \"p" << i << "\", \"completion\": \"c\"}\n";
  }
  int calls = 0;
  const auto r = read_dataset(path, {}, [&](double) { return ++calls < 2; });
  EXPECT_GT(r.report.rows_kept, 0);
  EXPECT_LT(r.report.rows_kept, 5000);
  ASSERT_FALSE(r.report.warnings.empty());
  EXPECT_EQ(r.report.warnings.back(), "the import was cancelled; the rows read so far are kept");
}

}  // namespace
