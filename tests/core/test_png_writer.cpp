// PNG writer and line chart: chunk layout and CRCs checked here, pixels checked by decoding with
// an independent decoder. NEEDS python3 (stdlib zlib): tests/core/check_png.py inflates and
// unfilters each PNG; the decoding tests skip when python3 cannot be run.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/io/sha256.h"
#include "core/report/line_chart.h"
#include "core/report/png_writer.h"
#include "tests/common/test_paths.h"

namespace {

using Palette = std::vector<std::array<std::uint8_t, 3>>;

const std::string kCheckScript = tb_test::source_dir() + "/tests/core/check_png.py";

std::filesystem::path temp_png(const std::string& name) {
  std::filesystem::create_directories(tb_test::test_tmp());
  return std::filesystem::path(tb_test::test_tmp()) / ("png_" + name + ".png");
}

bool have_python() { return std::system("python3 -c pass >/dev/null 2>&1") == 0; }

// What check_png.py decoded.
struct Decoded {
  int exit_code = -1;
  std::string output;
  int width = 0, height = 0, palette = 0;
  std::string sha256;
  std::map<int, long long> counts;  // palette index -> pixels
};

Decoded decode_with_python(const std::filesystem::path& png) {
  Decoded d;
  const std::string command = "python3 '" + kCheckScript + "' '" + png.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return d;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) d.output += buffer;
  const int status = pclose(pipe);
  d.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(d.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "size") words >> d.width >> d.height;
    if (key == "palette") words >> d.palette;
    if (key == "sha256") words >> d.sha256;
    if (key == "counts") {
      std::string pair;
      while (words >> pair) {
        const auto colon = pair.find(':');
        d.counts[std::stoi(pair.substr(0, colon))] = std::stoll(pair.substr(colon + 1));
      }
    }
  }
  return d;
}

std::map<int, long long> count_indices(const std::vector<std::uint8_t>& pixels) {
  std::map<int, long long> counts;
  for (const std::uint8_t p : pixels) ++counts[p];
  return counts;
}

std::string sha256_of(const std::vector<std::uint8_t>& pixels) {
  return tb::sha256_hex(
      std::string_view(reinterpret_cast<const char*>(pixels.data()), pixels.size()));
}

// Encodes, decodes with python, and expects exactly the same indices back.
void expect_round_trip(const std::string& name, int width, int height,
                       const std::vector<std::uint8_t>& pixels, const Palette& palette) {
  const auto path = temp_png(name);
  tb::write_png_indexed(path, width, height, pixels, palette);
  const Decoded d = decode_with_python(path);
  ASSERT_EQ(d.exit_code, 0) << name << ": " << d.output;
  EXPECT_EQ(d.width, width) << name;
  EXPECT_EQ(d.height, height) << name;
  EXPECT_EQ(d.palette, static_cast<int>(palette.size())) << name;
  EXPECT_EQ(d.sha256, sha256_of(pixels)) << name;
  EXPECT_EQ(d.counts, count_indices(pixels)) << name;
  std::filesystem::remove(path);
}

std::uint32_t read_u32_be(const std::string& bytes, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(bytes[at])} << 24) |
         (std::uint32_t{static_cast<std::uint8_t>(bytes[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(bytes[at + 2])} << 8) |
         std::uint32_t{static_cast<std::uint8_t>(bytes[at + 3])};
}

// Bit-at-a-time CRC-32, independent of the table-driven one in png_writer.cpp.
std::uint32_t slow_crc32(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    crc ^= static_cast<std::uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

struct Chunk {
  std::string type, data;
};

std::vector<Chunk> parse_chunks(const std::string& png) {
  std::vector<Chunk> chunks;
  std::size_t at = 8;
  while (at + 12 <= png.size()) {
    const std::uint32_t length = read_u32_be(png, at);
    Chunk chunk{png.substr(at + 4, 4), png.substr(at + 8, length)};
    EXPECT_EQ(read_u32_be(png, at + 8 + length), slow_crc32(chunk.type + chunk.data))
        << "CRC of " << chunk.type;
    chunks.push_back(std::move(chunk));
    at += 12 + length;
  }
  EXPECT_EQ(at, png.size()) << "trailing bytes";
  return chunks;
}

// width x height random indices below colors.
std::vector<std::uint8_t> noise(int width, int height, int colors, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) *
                                   static_cast<std::size_t>(height));
  for (auto& p : pixels) p = static_cast<std::uint8_t>(rng() % static_cast<std::uint32_t>(colors));
  return pixels;
}

Palette gray_palette(int count) {
  Palette palette;
  for (int i = 0; i < count; ++i) {
    const auto v = static_cast<std::uint8_t>(count == 1 ? 0 : i * 255 / (count - 1));
    palette.push_back({v, static_cast<std::uint8_t>(255 - v), v});
  }
  return palette;
}

tb::LineChart loss_chart() {
  tb::LineChart chart;
  chart.title = "Training loss (run 7)";
  chart.x_label = "step";
  chart.y_label = "loss";
  tb::ChartSeries train{"train", {}, {}, {31, 119, 180}};
  tb::ChartSeries val{"validation", {}, {}, {255, 127, 14}};
  val.points = true;
  std::mt19937 rng(3);
  std::normal_distribution<double> jitter(0.0, 0.05);
  for (int i = 0; i <= 1000; ++i) {
    train.x.push_back(i);
    train.y.push_back(2.0 * std::exp(-i / 250.0) + 0.6 + jitter(rng));
  }
  for (int i = 0; i <= 1000; i += 100) {
    val.x.push_back(i);
    val.y.push_back(2.0 * std::exp(-i / 300.0) + 0.75);
  }
  chart.series = {train, val};
  chart.markers = {{700, "best"}};
  return chart;
}

// Palette index of a colour in a rendered chart, or -1.
int index_of(const tb::IndexedImage& image, const std::array<std::uint8_t, 3>& rgb) {
  for (std::size_t i = 0; i < image.palette.size(); ++i) {
    if (image.palette[i] == rgb) return static_cast<int>(i);
  }
  return -1;
}

long long count_color(const tb::IndexedImage& image, const std::array<std::uint8_t, 3>& rgb) {
  const int index = index_of(image, rgb);
  if (index < 0) return 0;
  return count_indices(image.pixels)[index];
}

// ---- PNG writer ----------------------------------------------------------------------------

TEST(PngWriter, SignatureChunksAndCrcs) {
  const int width = 37;
  const int height = 11;
  const auto pixels = noise(width, height, 3, 1);
  const Palette palette = {{255, 255, 255}, {255, 0, 0}, {0, 0, 255}};
  const std::string png = tb::encode_png_indexed(width, height, pixels, palette);

  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const auto chunks = parse_chunks(png);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].type, "IHDR");
  EXPECT_EQ(chunks[1].type, "PLTE");
  EXPECT_EQ(chunks[2].type, "IDAT");
  EXPECT_EQ(chunks[3].type, "IEND");

  const std::string& ihdr = chunks[0].data;
  ASSERT_EQ(ihdr.size(), 13u);
  EXPECT_EQ(read_u32_be(ihdr, 0), 37u);
  EXPECT_EQ(read_u32_be(ihdr, 4), 11u);
  EXPECT_EQ(ihdr.substr(8), std::string("\x08\x03\x00\x00\x00", 5));  // 8-bit indexed
  EXPECT_EQ(chunks[1].data, std::string("\xff\xff\xff\xff\x00\x00\x00\x00\xff", 9));
  EXPECT_TRUE(chunks[3].data.empty());

  // zlib: header checksum, and the Adler-32 of the filtered scanlines at the end.
  const std::string& idat = chunks[2].data;
  ASSERT_GE(idat.size(), 6u);
  const auto cmf = static_cast<std::uint8_t>(idat[0]);
  const auto flg = static_cast<std::uint8_t>(idat[1]);
  EXPECT_EQ(cmf & 0x0F, 8);
  EXPECT_EQ((cmf * 256 + flg) % 31, 0);
  EXPECT_EQ(flg & 0x20, 0);  // no preset dictionary
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (int row = 0; row < height; ++row) {
    b = (b + a) % 65521;  // the filter byte 0 leaves a as it is
    for (int x = 0; x < width; ++x) {
      a = (a + pixels[row * width + x]) % 65521;
      b = (b + a) % 65521;
    }
  }
  EXPECT_EQ(read_u32_be(idat, idat.size() - 4), (b << 16) | a);
}

TEST(PngWriter, PixelsSurviveAnIndependentDecoder) {
  if (!have_python()) GTEST_SKIP() << "needs python3";
  // Noise over 256 colours (stored blocks), over 4 colours (short matches everywhere), runs of
  // random length (every match length and many distances), tiny and lopsided sizes.
  expect_round_trip("noise256", 123, 77, noise(123, 77, 256, 2), gray_palette(256));
  expect_round_trip("noise4", 200, 150, noise(200, 150, 4, 3), gray_palette(4));
  std::mt19937 rng(4);
  const std::size_t run_pixels = std::size_t{300} * 200;
  std::vector<std::uint8_t> runs;
  while (runs.size() < run_pixels) {
    const auto color = static_cast<std::uint8_t>(rng() % 9);
    const std::size_t length = 1 + rng() % (rng() % 4 == 0 ? 700 : 12);
    runs.insert(runs.end(), length, color);
  }
  runs.resize(run_pixels);
  expect_round_trip("runs", 300, 200, runs, gray_palette(9));
  expect_round_trip("one_pixel", 1, 1, {0}, gray_palette(1));
  expect_round_trip("one_row", 5000, 1, noise(5000, 1, 2, 5), gray_palette(2));
  expect_round_trip("one_column", 1, 3000, noise(1, 3000, 7, 6), gray_palette(7));
  expect_round_trip("blank", 640, 480, std::vector<std::uint8_t>(std::size_t{640} * 480, 0),
                    gray_palette(1));
}

TEST(PngWriter, CompressesFlatImagesAndNeverBloatsNoise) {
  const std::vector<std::uint8_t> blank(std::size_t{800} * 400, 0);
  EXPECT_LT(tb::encode_png_indexed(800, 400, blank, gray_palette(2)).size(), 3000u);
  const auto random = noise(256, 256, 256, 7);
  // Stored blocks: the raw scanlines plus 5 bytes a block plus the PNG and zlib framing.
  EXPECT_LT(tb::encode_png_indexed(256, 256, random, gray_palette(256)).size(),
            257u * 256u + 5u * 2u + 1000u);
}

TEST(PngWriter, BadSizesThrow) {
  const Palette palette = gray_palette(2);
  EXPECT_THROW(tb::encode_png_indexed(0, 1, {}, palette), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(1, 0, {}, palette), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(-3, 1, {}, palette), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(16385, 1, std::vector<std::uint8_t>(16385), palette),
               tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(1, 16385, std::vector<std::uint8_t>(16385), palette),
               tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(4, 4, std::vector<std::uint8_t>(15), palette), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(4, 4, std::vector<std::uint8_t>(17), palette), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(2, 2, std::vector<std::uint8_t>(4), {}), tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(2, 2, std::vector<std::uint8_t>(4), gray_palette(257)),
               tb::Error);
  EXPECT_THROW(tb::encode_png_indexed(2, 2, {0, 1, 2, 0}, palette), tb::Error);  // index 2 of 2
  EXPECT_NO_THROW(tb::encode_png_indexed(2, 2, {0, 1, 255, 0}, gray_palette(256)));
  EXPECT_NO_THROW(tb::encode_png_indexed(16384, 1, std::vector<std::uint8_t>(16384), palette));
  EXPECT_THROW(tb::write_png_indexed(temp_png("no_such_dir") / "x.png", 1, 1, {0}, palette),
               tb::Error);
}

TEST(PngWriter, WriteMatchesEncode) {
  const auto pixels = noise(64, 32, 5, 8);
  const auto path = temp_png("write");
  tb::write_png_indexed(path, 64, 32, pixels, gray_palette(5));
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, tb::encode_png_indexed(64, 32, pixels, gray_palette(5)));
  std::filesystem::remove(path);
}

// ---- Line chart ----------------------------------------------------------------------------

TEST(LineChart, ChartSurvivesAnIndependentDecoder) {
  if (!have_python()) GTEST_SKIP() << "needs python3";
  const tb::LineChart chart = loss_chart();
  const tb::IndexedImage image = tb::render_line_chart(chart);
  ASSERT_EQ(image.width, 800);
  ASSERT_EQ(image.height, 400);
  ASSERT_EQ(image.pixels.size(), 800u * 400u);
  EXPECT_EQ(image.palette.at(0), (std::array<std::uint8_t, 3>{255, 255, 255}));

  const auto path = temp_png("chart");
  tb::write_line_chart_png(path, chart);
  const Decoded d = decode_with_python(path);
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_EQ(d.width, 800);
  EXPECT_EQ(d.height, 400);
  EXPECT_EQ(d.palette, static_cast<int>(image.palette.size()));
  EXPECT_EQ(d.sha256, sha256_of(image.pixels));
  EXPECT_EQ(d.counts, count_indices(image.pixels));
  std::filesystem::remove(path);
}

TEST(LineChart, LooksLikeAChart) {
  const tb::IndexedImage image = tb::render_line_chart(loss_chart());
  const long long total = 800LL * 400;
  const auto counts = count_indices(image.pixels);
  EXPECT_GT(counts.at(0), total * 7 / 10);              // mostly white background
  EXPECT_GT(count_color(image, {31, 119, 180}), 1000);  // the train curve
  EXPECT_GT(count_color(image, {255, 127, 14}), 300);   // validation line and markers
  EXPECT_GT(count_color(image, {34, 34, 34}), 1500);    // frame, ticks and text
  // Deterministic: the same chart gives the same bytes.
  EXPECT_EQ(tb::render_line_chart_png(loss_chart()), tb::render_line_chart_png(loss_chart()));
}

TEST(LineChart, CompressesToUnderATenthOfRaw) {
  const std::string png = tb::render_line_chart_png(loss_chart());
  const std::size_t raw = std::size_t{801} * 400;  // filter byte + one index a pixel
  EXPECT_LT(png.size(), raw / 10) << png.size() << " bytes";
}

TEST(LineChart, NonFiniteValuesLeaveAGap) {
  tb::LineChart chart;
  tb::ChartSeries series{"", {}, {}, {200, 0, 0}};
  for (int i = 0; i <= 100; ++i) {
    series.x.push_back(i);
    series.y.push_back(i % 7);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (int i = 40; i <= 60; ++i) series.y[i] = (i % 3 == 0) ? inf : nan;
  series.y[10] = -inf;
  series.x[80] = nan;
  chart.series = {series};
  const tb::IndexedImage image = tb::render_line_chart(chart);

  // Columns holding the series colour: there is a long stretch without any in the middle.
  const int red = index_of(image, {200, 0, 0});
  ASSERT_GE(red, 0);
  std::vector<bool> used(image.width, false);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (image.pixels[y * image.width + x] == red) used[x] = true;
    }
  }
  int first = 0;
  while (first < image.width && !used[first]) ++first;
  int longest_gap = 0;
  int gap = 0;
  for (int x = first; x < image.width; ++x) {
    gap = used[x] ? 0 : gap + 1;
    longest_gap = std::max(longest_gap, gap);
  }
  EXPECT_GT(longest_gap, 100);  // 20 of 100 x-units on a ~700-px plot
}

TEST(LineChart, HundredThousandPointsRender) {
  tb::LineChart chart;
  chart.title = "100,000 points";
  tb::ChartSeries series{"noisy", {}, {}, {44, 160, 44}};
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 100000; ++i) {
    series.x.push_back(i);
    series.y.push_back(std::sin(i / 5000.0) + 0.3 * u(rng));
  }
  chart.series = {series};
  const tb::IndexedImage image = tb::render_line_chart(chart);
  EXPECT_GT(count_color(image, {44, 160, 44}), 20000);  // a dense band
  EXPECT_NO_THROW(tb::encode_png_indexed(image));
}

TEST(LineChart, EmptyChartStillHasAxes) {
  tb::LineChart chart;
  chart.title = "nothing yet";
  const tb::IndexedImage empty = tb::render_line_chart(chart);
  EXPECT_GT(count_color(empty, {34, 34, 34}), 1000);   // frame and tick labels
  EXPECT_GT(count_color(empty, {140, 140, 140}), 30);  // "no data"

  chart.series = {tb::ChartSeries{"all NaN", {0, 1}, {std::nan(""), std::nan("")}, {9, 9, 9}}};
  chart.log_y = true;
  chart.series.push_back(tb::ChartSeries{"not positive", {0, 1}, {0.0, -2.0}, {8, 8, 8}});
  const tb::IndexedImage nothing = tb::render_line_chart(chart);
  EXPECT_GT(count_color(nothing, {140, 140, 140}), 30);
}

TEST(LineChart, SinglePointIsAMarker) {
  tb::LineChart chart;
  chart.series = {tb::ChartSeries{"", {3.0}, {0.25}, {120, 0, 200}}};
  chart.markers = {{3.0, "only"}, {std::nan(""), "ignored"}};
  const tb::IndexedImage image = tb::render_line_chart(chart);
  EXPECT_GE(count_color(image, {120, 0, 200}), 25);
  EXPECT_LE(count_color(image, {120, 0, 200}), 80);
}

TEST(LineChart, LogAxisAndOddInputs) {
  tb::LineChart chart;
  chart.log_y = true;
  chart.width = 1600;
  chart.height = 800;
  chart.title = std::string(500, 'T') + " caf\xc3\xa9";  // far too long, not ASCII
  for (int k = 0; k < 12; ++k) {
    tb::ChartSeries series{
        "series " + std::to_string(k), {}, {}, {static_cast<std::uint8_t>(20 * k), 50, 100}};
    for (int i = 0; i < 50; ++i) series.y.push_back(std::pow(10.0, -k + i / 10.0));  // x = i
    chart.series.push_back(series);
  }
  chart.markers = {{10, "a"}, {10.5, "b"}, {11, "c"}, {1e9, "far away"}};
  EXPECT_NO_THROW(tb::render_line_chart(chart));
  chart.width = 160;  // the smallest chart still lays out
  chart.height = 120;
  EXPECT_NO_THROW(tb::render_line_chart(chart));
  chart.series = {tb::ChartSeries{"flat", {1, 2, 3}, {5, 5, 5}, {0, 0, 0}}};
  EXPECT_NO_THROW(tb::render_line_chart(chart));
  chart.log_y = false;
  chart.series = {tb::ChartSeries{"huge", {0, 1}, {-1e299, 1e299}, {0, 0, 0}},
                  tb::ChartSeries{"tiny", {0, 1e-300}, {1e-300, 2e-300}, {1, 1, 1}}};
  EXPECT_NO_THROW(tb::render_line_chart(chart));
}

TEST(LineChart, BadRequestsThrow) {
  tb::LineChart chart;
  chart.width = 100;
  EXPECT_THROW(tb::render_line_chart(chart), tb::Error);
  chart.width = 800;
  chart.height = 20000;
  EXPECT_THROW(tb::render_line_chart(chart), tb::Error);
  chart.height = 400;
  chart.series = {tb::ChartSeries{"mismatch", {1, 2, 3}, {1, 2}, {0, 0, 0}}};
  EXPECT_THROW(tb::render_line_chart(chart), tb::Error);
}

}  // namespace
