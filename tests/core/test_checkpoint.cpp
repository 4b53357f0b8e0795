// Sealed checkpoint folders (core/train/checkpoint.h): verification against the MANIFEST,
// pruning, and crash safety under SIGKILL at random moments while checkpoints are written and
// pruned.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/train/checkpoint.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace tb::train;

TEST(Checkpoint, SealedVerifiedAndPruned) {
  const fs::path root = fs::path(tb_test::test_tmp()) / "checkpoint_sealed";
  fs::remove_all(root);
  for (int step : {1, 2, 3, 4}) {
    write_checkpoint(checkpoint_folder(root, step), [&](const fs::path& dir) {
      tb::write_file_atomic(dir / "a.bin", std::string(100, static_cast<char>('a' + step)));
      fs::create_directories(dir / "adapter");
      tb::write_file_atomic(dir / "adapter" / "x.json", "{}");
    });
  }
  EXPECT_EQ(list_checkpoints(root).size(), 4u);
  // Flip a byte: that checkpoint is never used.
  {
    std::fstream f(checkpoint_folder(root, 3) / "a.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('z');
  }
  std::vector<std::string> rejected;
  auto ok = list_checkpoints(root, &rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].find("SHA-256"), std::string::npos);
  EXPECT_EQ(ok.back().step, 4);
  // An extra file and a missing MANIFEST are refused too; a failing writer leaves nothing.
  tb::write_file_atomic(checkpoint_folder(root, 4) / "extra", "x");
  EXPECT_TRUE(verify_checkpoint(checkpoint_folder(root, 4)).has_value());
  fs::remove(checkpoint_folder(root, 4) / "extra");
  fs::remove(checkpoint_folder(root, 2) / kManifestName);
  EXPECT_TRUE(verify_checkpoint(checkpoint_folder(root, 2)).has_value());
  EXPECT_THROW(write_checkpoint(checkpoint_folder(root, 9), [](const fs::path&) { throw tb::IoError("disk full"); }),
               tb::IoError);
  EXPECT_FALSE(fs::exists(checkpoint_folder(root, 9)));
  // Keep the last 1 and the best (step 1).
  prune_checkpoints(root, 1, 1);
  EXPECT_TRUE(fs::exists(checkpoint_folder(root, 1)));
  EXPECT_TRUE(fs::exists(checkpoint_folder(root, 4)));
  EXPECT_FALSE(fs::exists(checkpoint_folder(root, 3)));  // sealed (if damaged) and old: pruned
  EXPECT_TRUE(fs::exists(checkpoint_folder(root, 2)));   // no MANIFEST: left for inspection
}

TEST(Checkpoint, DiscardLeavesOnlyAnUnsealedTemporaryBehind) {
  const fs::path root = fs::path(tb_test::test_tmp()) / "checkpoint_discard";
  fs::remove_all(root);
  write_checkpoint(checkpoint_folder(root, 7), [](const fs::path& dir) { tb::write_file_atomic(dir / "a.bin", "x"); });
  discard_checkpoint(checkpoint_folder(root, 7));
  EXPECT_FALSE(fs::exists(checkpoint_folder(root, 7)));
  EXPECT_TRUE(fs::is_empty(root));
  // What a kill in the middle of a discard leaves: a renamed folder whose MANIFEST names a
  // file that is gone. It is not a checkpoint, and a resume removes it.
  write_checkpoint(checkpoint_folder(root, 8), [](const fs::path& dir) { tb::write_file_atomic(dir / "a.bin", "x"); });
  const fs::path half = root / ".step-8.tmp-discard-12345";
  fs::rename(checkpoint_folder(root, 8), half);
  fs::remove(half / "a.bin");
  EXPECT_TRUE(list_checkpoints(root, nullptr, /*verify=*/false).empty());
  EXPECT_EQ(remove_unsealed_temporaries(root), 1);
  EXPECT_TRUE(fs::is_empty(root));
}

// The step-N folders under `root` that do not verify: none may, after any kill, since no
// step-N folder is written in place (a half-removed folder, MANIFEST or not, is a defect).
std::vector<std::string> broken_checkpoints(const fs::path& root) {
  std::vector<std::string> broken;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.path().filename().string().rfind("step-", 0) != 0) continue;
    if (const auto problem = verify_checkpoint(entry.path())) broken.push_back(*problem);
  }
  return broken;
}

void write_many_files(const fs::path& root, std::int64_t step) {
  write_checkpoint(checkpoint_folder(root, step), [](const fs::path& dir) {
    for (int i = 0; i < 40; ++i) std::ofstream(dir / ("f" + std::to_string(i))) << i;
  });
}

// Runs `work` in a child process, SIGKILLs it after `delay`, and reaps it. The child never
// returns into the test runner.
template <typename Work>
void kill_after(std::chrono::microseconds delay, Work work) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      work();
    } catch (...) {
    }
    ::_exit(1);
  }
  std::this_thread::sleep_for(delay);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
}

// A child writes checkpoints of 40 files and prunes all but the newest, over and over, and is
// killed at a random moment (10 to 300 ms); after each kill every step-N folder must verify,
// and a resume's clean-up must leave nothing but step-N folders.
TEST(Checkpoint, SigkillWhileWritingAndPruningLeavesOnlyWholeCheckpoints) {
  const fs::path root = fs::path(tb_test::test_tmp()) / "checkpoint_kill_write";
  std::mt19937 rng(7);
  for (int kill = 0; kill < 20; ++kill) {
    fs::remove_all(root);
    kill_after(std::chrono::microseconds(std::uniform_int_distribution<int>(10000, 300000)(rng)), [&] {
      for (std::int64_t step = 1;; ++step) {
        write_many_files(root, step);
        prune_checkpoints(root, 1, -1);
      }
    });
    for (const auto& problem : broken_checkpoints(root)) ADD_FAILURE() << "kill " << kill << ": " << problem;
    remove_unsealed_temporaries(root);
    for (const auto& entry : fs::directory_iterator(root)) {
      EXPECT_EQ(entry.path().filename().string().rfind("step-", 0), 0u) << "left after the clean-up: " << entry.path();
    }
  }
}

// Kills aimed at the prune itself: four sealed checkpoints are pruned to none, and the child
// is killed at a random moment within the time that prune takes (measured first). With a
// prune that deletes files in place, nearly every kill leaves a half-removed folder.
TEST(Checkpoint, SigkillWhilePruningLeavesOnlyWholeCheckpoints) {
  const fs::path root = fs::path(tb_test::test_tmp()) / "checkpoint_kill_prune";
  const auto fill = [&] {
    fs::remove_all(root);
    for (std::int64_t step = 1; step <= 4; ++step) write_many_files(root, step);
  };
  fill();
  const auto t0 = std::chrono::steady_clock::now();
  prune_checkpoints(root, 0, -1);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  ASSERT_TRUE(fs::is_empty(root));
  std::mt19937 rng(11);
  for (int kill = 0; kill < 20; ++kill) {
    fill();
    kill_after(std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(0, took.count())(rng)),
               [&] { prune_checkpoints(root, 0, -1); });
    for (const auto& problem : broken_checkpoints(root)) ADD_FAILURE() << "kill " << kill << ": " << problem;
  }
}

}  // namespace
