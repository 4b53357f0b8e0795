// CsvParser and sniff_delimiter: RFC 4180 quoting, every kind of line end, line numbers of rows
// after multi-line fields, the three row issues and how parsing resumes after each, delimiter
// sniffing and progress. Not a speed test (linear time is checked outside the unit tests).
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/csv_parser.h"

namespace {

using tb::data::CsvIssue;
using tb::data::CsvParser;
using tb::data::CsvRow;
using tb::data::sniff_delimiter;

using Fields = std::vector<std::string>;

// One row or one issue, as next() yielded it.
struct Item {
  std::int64_t line = 0;
  Fields fields;
  std::string issue;  // empty for a row

  bool operator==(const Item&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Item& item) {
  os << "{line " << item.line << ", ";
  if (!item.issue.empty()) return os << "issue \"" << item.issue << "\"}";
  os << "[";
  for (std::size_t i = 0; i < item.fields.size(); ++i) {
    os << (i ? ", " : "") << '"' << item.fields[i] << '"';
  }
  return os << "]}";
}

Item row(std::int64_t line, Fields fields) { return Item{line, std::move(fields), {}}; }
Item issue(std::int64_t line, std::string reason) { return Item{line, {}, std::move(reason)}; }

std::vector<Item> parse(std::string_view text, char delimiter = ',',
                        std::size_t max_row_bytes = tb::data::kDefaultMaxRowBytes) {
  CsvParser parser(text, delimiter, max_row_bytes);
  std::vector<Item> items;
  CsvRow r;
  std::optional<CsvIssue> problem;
  while (parser.next(r, problem)) {
    if (problem) {
      items.push_back(issue(problem->line, problem->reason));
    } else {
      items.push_back(row(r.line, r.fields));
    }
    if (items.size() > 1000) break;  // a parser that does not end
  }
  return items;
}

using Items = std::vector<Item>;

TEST(CsvParser, SimpleRows) {
  EXPECT_EQ(parse("a,b,c\n1,2,3\n"), (Items{row(1, {"a", "b", "c"}), row(2, {"1", "2", "3"})}));
}

TEST(CsvParser, EmptyFieldsAndTrailingDelimiter) {
  EXPECT_EQ(parse(",a,\n,\n"), (Items{row(1, {"", "a", ""}), row(2, {"", ""})}));
  EXPECT_EQ(parse("a,"), (Items{row(1, {"a", ""})}));
}

TEST(CsvParser, EmptyText) {
  EXPECT_EQ(parse(""), Items{});
  EXPECT_EQ(parse("\n\r\n\r"), Items{});
}

TEST(CsvParser, QuotedDelimiter) {
  EXPECT_EQ(parse("\"a,b\",c\n"), (Items{row(1, {"a,b", "c"})}));
  EXPECT_EQ(parse("\"\",\"x\"\n"), (Items{row(1, {"", "x"})}));
}

TEST(CsvParser, DoubledQuotes) {
  EXPECT_EQ(parse("\"say \"\"hi\"\"\",\"\"\"\"\n"), (Items{row(1, {"say \"hi\"", "\""})}));
}

TEST(CsvParser, QuoteInsideUnquotedFieldIsKept) {
  EXPECT_EQ(parse("12\" pipe,a\"b\"\n"), (Items{row(1, {"12\" pipe", "a\"b\""})}));
}

TEST(CsvParser, LfInsideQuotesAndLineNumbersAfter) {
  EXPECT_EQ(parse("id,text\n1,\"line one\nline two\nline three\"\n2,plain\n"),
            (Items{row(1, {"id", "text"}), row(2, {"1", "line one\nline two\nline three"}),
                   row(5, {"2", "plain"})}));
}

TEST(CsvParser, CrlfInsideQuotesAndLineNumbersAfter) {
  EXPECT_EQ(parse("id,text\r\n1,\"a\r\nb\"\r\n2,c\r\n"),
            (Items{row(1, {"id", "text"}), row(2, {"1", "a\r\nb"}), row(4, {"2", "c"})}));
}

TEST(CsvParser, CrlfRecords) {
  EXPECT_EQ(parse("a,b\r\n1,2\r\n"), (Items{row(1, {"a", "b"}), row(2, {"1", "2"})}));
}

TEST(CsvParser, LoneCrEndsARecord) {
  EXPECT_EQ(parse("a,b\r1,2\r3,\"x\ry\"\r4,5"), (Items{row(1, {"a", "b"}), row(2, {"1", "2"}),
                                                       row(3, {"3", "x\ry"}), row(5, {"4", "5"})}));
}

TEST(CsvParser, NoFinalNewline) {
  EXPECT_EQ(parse("a,b\n1,2"), (Items{row(1, {"a", "b"}), row(2, {"1", "2"})}));
  EXPECT_EQ(parse("a,\"b\""), (Items{row(1, {"a", "b"})}));
}

TEST(CsvParser, TrailingNewlineMakesNoExtraRow) {
  EXPECT_EQ(parse("a,b\n"), (Items{row(1, {"a", "b"})}));
  EXPECT_EQ(parse("a,b\r\n"), (Items{row(1, {"a", "b"})}));
}

TEST(CsvParser, EmptyLinesSkippedButCounted) {
  EXPECT_EQ(parse("\na,b\n\n\r\n1,2\n\n"), (Items{row(2, {"a", "b"}), row(5, {"1", "2"})}));
}

TEST(CsvParser, WhitespaceIsKept) {
  EXPECT_EQ(parse(" a , b \n \n"), (Items{row(1, {" a ", " b "}), row(2, {" "})}));
}

TEST(CsvParser, Tsv) {
  EXPECT_EQ(parse("a\tb,c\n\"x\ty\"\t2\n", '\t'),
            (Items{row(1, {"a", "b,c"}), row(2, {"x\ty", "2"})}));
}

TEST(CsvParser, RaggedRowsReturnedAsTheyAre) {
  EXPECT_EQ(parse("a,b,c\n1\n1,2,3,4\n"),
            (Items{row(1, {"a", "b", "c"}), row(2, {"1"}), row(3, {"1", "2", "3", "4"})}));
}

TEST(CsvParser, NulAndBinaryBytesKept) {
  const std::string text("a\0b,\"\xff\0\"\n", 9);
  EXPECT_EQ(parse(text), (Items{row(1, {std::string("a\0b", 3), std::string("\xff\0", 2)})}));
}

TEST(CsvParser, TextAfterClosingQuoteThenNextRow) {
  EXPECT_EQ(parse("a,b\n1,\"x\"y,3\n4,5\n"),
            (Items{row(1, {"a", "b"}), issue(2, "text after a closing quote in field 2"),
                   row(3, {"4", "5"})}));
  // The offending text on a later line of a multi-line field: resume after that line.
  EXPECT_EQ(parse("\"a\nb\"c,d\ne,f\n"),
            (Items{issue(1, "text after a closing quote in field 1"), row(3, {"e", "f"})}));
}

TEST(CsvParser, UnterminatedQuoteReportedAndRecovered) {
  EXPECT_EQ(
      parse("a,b\n1,\"never closed\n2,3\n4,5\n"),
      (Items{row(1, {"a", "b"}), issue(2, "a quoted field is never closed (it opens on line 2)"),
             row(3, {"2", "3"}), row(4, {"4", "5"})}));
  // The quote opens on a later line of the row than the one it starts on.
  EXPECT_EQ(
      parse("\"x\ny\",\"open\nz,w\n"),
      (Items{issue(1, "a quoted field is never closed (it opens on line 2)"), row(3, {"z", "w"})}));
  EXPECT_EQ(parse("\""), (Items{issue(1, "a quoted field is never closed (it opens on line 1)")}));
  EXPECT_EQ(parse("\"a\"\"\n"),
            (Items{issue(1, "a quoted field is never closed (it opens on line 1)")}));
}

TEST(CsvParser, RowOverLimitSkippedAndRecovered) {
  const std::string long_field(200, 'x');
  EXPECT_EQ(parse("a,b\n" + long_field + ",1\nc,d\n", ',', 128),
            (Items{row(1, {"a", "b"}), issue(2, "row longer than the limit of 128 bytes"),
                   row(3, {"c", "d"})}));
  // A multi-line quoted row over the limit is skipped whole.
  EXPECT_EQ(parse("a,b\n\"" + long_field + "\n" + long_field + "\",1\nc,d\n", ',', 128),
            (Items{row(1, {"a", "b"}), issue(2, "row longer than the limit of 128 bytes"),
                   row(4, {"c", "d"})}));
  // The limit is stated in MiB when it is whole MiB.
  const std::string two_mib(2 << 20, 'y');
  EXPECT_EQ(parse(two_mib + "\nz\n", ',', 1 << 20),
            (Items{issue(1, "row longer than the limit of 1 MiB"), row(2, {"z"})}));
}

TEST(CsvParser, RowSizeCountsTextAndAStringPerField) {
  // Exactly at the limit is fine, one byte more is not.
  const std::size_t at_limit = 4 + 2 * sizeof(std::string) - 1;  // "ab,c": 4 bytes, 2 fields
  EXPECT_EQ(parse("ab,c\n", ',', at_limit + 1), (Items{row(1, {"ab", "c"})}));
  EXPECT_EQ(parse("ab,c\nd\n", ',', at_limit),
            (Items{issue(1, "row longer than the limit of " + std::to_string(at_limit) + " bytes"),
                   row(2, {"d"})}));
  // A row of many empty fields cannot hold more memory than the limit either.
  EXPECT_EQ(parse(std::string(1 << 20, ',') + "\nok\n", ',', 1 << 20),
            (Items{issue(1, "row longer than the limit of 1 MiB"), row(2, {"ok"})}));
}

TEST(CsvParser, RowIsReusedAndClearedOnIssue) {
  CsvParser parser("a,b,c\n\"x\"y\n1\n", ',');
  CsvRow r;
  std::optional<CsvIssue> problem;
  ASSERT_TRUE(parser.next(r, problem));
  EXPECT_FALSE(problem);
  EXPECT_EQ(r.fields.size(), 3u);
  ASSERT_TRUE(parser.next(r, problem));
  ASSERT_TRUE(problem);
  EXPECT_EQ(r.line, 2);
  EXPECT_TRUE(r.fields.empty());
  ASSERT_TRUE(parser.next(r, problem));
  EXPECT_FALSE(problem);
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(r.fields, Fields{"1"});
  EXPECT_FALSE(parser.next(r, problem));
  EXPECT_FALSE(parser.next(r, problem));
}

TEST(CsvParser, RejectsImpossibleDelimiters) {
  EXPECT_THROW(CsvParser("", '"'), std::invalid_argument);
  EXPECT_THROW(CsvParser("", '\n'), std::invalid_argument);
  EXPECT_THROW(CsvParser("", '\r'), std::invalid_argument);
}

TEST(CsvParser, ProgressGoesFromZeroToOne) {
  const std::string text = "a,b\n1,2\n3,4\n\n\n";
  CsvParser parser(text, ',');
  EXPECT_DOUBLE_EQ(parser.progress(), 0.0);
  CsvRow r;
  std::optional<CsvIssue> problem;
  double last = 0.0;
  while (parser.next(r, problem)) {
    EXPECT_GT(parser.progress(), last);
    EXPECT_LE(parser.progress(), 1.0);
    last = parser.progress();
  }
  EXPECT_DOUBLE_EQ(parser.progress(), 1.0);
  EXPECT_DOUBLE_EQ(CsvParser("", ',').progress(), 1.0);
}

TEST(SniffDelimiter, EachCandidate) {
  EXPECT_EQ(sniff_delimiter("a,b,c\n1,2,3\n4,5,6\n"), ',');
  EXPECT_EQ(sniff_delimiter("a;b;c\n1;2;3\n4;5;6\n"), ';');
  EXPECT_EQ(sniff_delimiter("a\tb\n1\t2\n"), '\t');
  EXPECT_EQ(sniff_delimiter("a|b|c\n1|2|3\n"), '|');
}

TEST(SniffDelimiter, CommasOnlyInsideQuotedFieldsOfASemicolonFile) {
  EXPECT_EQ(sniff_delimiter("name;note\n\"Smith, J\";\"a, b\"\n\"Doe, A\";\"c, d\"\n"), ';');
  EXPECT_EQ(sniff_delimiter("id;text\n1;\"x, y\"\n2;\"z, w\"\n3;\"u, v\"\n"), ';');
}

TEST(SniffDelimiter, MostConsistentCountWins) {
  // Commas in free text vary per line; the tabs are steady.
  EXPECT_EQ(sniff_delimiter("a, b\t1\nc\t2\nd, e, f\t3\n"), '\t');
}

TEST(SniffDelimiter, TiesGoToTheEarlierCandidate) {
  EXPECT_EQ(sniff_delimiter("a,b;c\n1,2;3\n"), ',');
  EXPECT_EQ(sniff_delimiter("a|b;c\n1|2;3\n"), ';');
}

TEST(SniffDelimiter, NothingFitsGivesComma) {
  EXPECT_EQ(sniff_delimiter(""), ',');
  EXPECT_EQ(sniff_delimiter("just one column\nof text\n"), ',');
  EXPECT_EQ(sniff_delimiter("\"a,b\"\n\"c,d\"\n"), ',');
}

TEST(SniffDelimiter, LooksAtTheFirstTwentyRecordsOnly) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "a;b\n";
  for (int i = 0; i < 100; ++i) text += "a,b,c\n";
  EXPECT_EQ(sniff_delimiter(text), ';');
}

TEST(SniffDelimiter, SampleCutInsideAQuotedField) {
  EXPECT_EQ(sniff_delimiter("a|b\n1|2\n3|\"cut he"), '|');
}

}  // namespace
