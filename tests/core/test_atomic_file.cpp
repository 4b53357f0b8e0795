// Atomic writes: the target holds the old content or the whole new one; an abandoned write
// leaves no trace; a folder that cannot be written to is a clear error naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFile, ReplacesTheTargetWhole) {
  const fs::path dir = fresh_dir("atomic_replace");
  tb::write_file_atomic(dir / "a.txt", "old");
  tb::write_file_atomic(dir / "a.txt", "new content");
  EXPECT_EQ(read_all(dir / "a.txt"), "new content");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, AbandonedWriteLeavesOldFileAndNoTemporary) {
  const fs::path dir = fresh_dir("atomic_abandon");
  tb::write_file_atomic(dir / "a.txt", "old");
  {
    tb::AtomicFileWriter w(dir / "a.txt");
    w.write("half of the new");
    // no commit: as if an exception unwound here
  }
  EXPECT_EQ(read_all(dir / "a.txt"), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, MissingFolderIsAnIoErrorNamingTheFile) {
  const fs::path target = fs::path(tb_test::test_tmp()) / "no_such_folder" / "x" / "a.txt";
  try {
    tb::write_file_atomic(target, "x");
    FAIL() << "expected tb::IoError";
  } catch (const tb::IoError& e) {
    EXPECT_EQ(e.where().path, target.string());
    EXPECT_NE(std::string(e.what()).find("temporary file"), std::string::npos) << e.what();
  }
}

}  // namespace
