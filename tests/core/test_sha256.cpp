// SHA-256 against the FIPS 180-4 / NIST example vectors, streamed in odd chunk sizes, and on files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/common/error.h"
#include "core/io/sha256.h"

namespace {

TEST(Sha256, NistVectors) {
  EXPECT_EQ(tb::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(tb::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(tb::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(tb::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, ChunkedUpdatesEqualOneShot) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += static_cast<char>((i * 131 + 7) % 251);
  const std::string whole = tb::sha256_hex(text);
  for (std::size_t chunk : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    tb::Sha256 h;
    for (std::size_t at = 0; at < text.size(); at += chunk) {
      h.update(std::string_view(text).substr(at, chunk));
    }
    EXPECT_EQ(h.hex_digest(), whole) << "chunk " << chunk;
  }
}

TEST(Sha256, FileHashAndMissingFile) {
  const auto path = std::filesystem::temp_directory_path() / "tb_test_sha256.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << "abc";
  }
  EXPECT_EQ(tb::sha256_file_hex(path),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::filesystem::remove(path);
  try {
    tb::sha256_file_hex(path);
    FAIL() << "expected tb::IoError";
  } catch (const tb::IoError& e) {
    EXPECT_EQ(e.where().path, path.string());
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
}

}  // namespace
