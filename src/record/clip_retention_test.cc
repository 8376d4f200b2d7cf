#include "record/clip_retention.h"

#include <gtest/gtest.h>

#include <fstream>

#include "record/record_test_util.h"

namespace es {
namespace {

using rectest::TempDir;
namespace fs = std::filesystem;

void WriteFile(const std::string& path, size_t bytes, int age_s) {
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::seconds(age_s));
}

TEST(ClipNameTest, RoundTripsAndRejectsEverythingElse) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1735732800123));
  const std::string n = ClipFileName("cam/0 east", t, 7, "mp4");
  EXPECT_EQ(n, "clip_cam-0-east_20250101T120000.123Z_000007.mp4");
  EXPECT_EQ(ParseClipFileName(n), "cam-0-east");
  EXPECT_EQ(ParseClipFileName("clip_cam-x_20250101T120000.123Z_000007.mkv"), "cam-x");
  EXPECT_EQ(ParseClipFileName("clip_cam_x_20250101T120000.123Z_000007.mkv"), std::nullopt);
  EXPECT_EQ(ParseClipFileName(n + ".part"), std::nullopt);
  EXPECT_EQ(ParseClipFileName("events.jsonl"), std::nullopt);
  EXPECT_EQ(ParseClipFileName("clip_cam_20250101T120000Z_1.mp4"), std::nullopt);
  EXPECT_EQ(ParseClipFileName("clip_cam_20250101T120000.123Z_000007.avi"), std::nullopt);
  EXPECT_EQ(SanitizeStreamName(""), "stream");
}

TEST(RetentionTest, QuotaDeletesOldestClipsOnlyAndNeverOtherFiles) {
  TempDir d;
  const auto t = std::chrono::system_clock::now();
  std::vector<std::string> clips;
  for (int i = 0; i < 5; ++i) {
    clips.push_back(ClipFileName("cam", t, i + 1, "mp4"));
    WriteFile(d / clips.back(), 1000, 100 - i * 10);  // clip 0 is the oldest
  }
  for (const char* other : {"events.jsonl", "outbox.db", "clip_notes.mp4", "x.mp4"}) {
    WriteFile(d / other, 5000, 1000);  // older and bigger than every clip
  }
  WriteFile(d / (clips[0] + ".part"), 5000, 1000);
  RetentionPolicy p;
  p.quota_bytes = 2500;
  Result<RetentionResult> r = ApplyRetention(d.path(), p, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->deleted, 3);
  EXPECT_EQ(r->bytes_deleted, 3000);
  EXPECT_EQ(r->kept, 2);
  EXPECT_EQ(r->bytes_kept, 2000);
  EXPECT_EQ(r->deleted_names, (std::vector<std::string>{clips[0], clips[1], clips[2]}));
  for (int i = 3; i < 5; ++i) EXPECT_TRUE(fs::exists(d / clips[i]));
  for (const char* other : {"events.jsonl", "outbox.db", "clip_notes.mp4", "x.mp4"}) {
    EXPECT_TRUE(fs::exists(d / other)) << other;
  }
  EXPECT_TRUE(fs::exists(d / (clips[0] + ".part")));  // in progress: not retention's
}

TEST(RetentionTest, ReserveCountsTheClipBeingWritten) {
  TempDir d;
  const auto t = std::chrono::system_clock::now();
  for (int i = 0; i < 3; ++i) WriteFile(d / ClipFileName("cam", t, i + 1, "ts"), 1000, 30 - i);
  RetentionPolicy p;
  p.quota_bytes = 3000;
  p.reserve_bytes = 1500;
  Result<RetentionResult> r = ApplyRetention(d.path(), p, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 2);
  EXPECT_EQ(r->kept, 1);
}

TEST(RetentionTest, AgeLimitDeletesOldClipsEvenUnderQuota) {
  TempDir d;
  const auto t = std::chrono::system_clock::now();
  const std::string old_clip = ClipFileName("cam", t, 1, "mp4");
  const std::string new_clip = ClipFileName("cam", t, 2, "mp4");
  WriteFile(d / old_clip, 10, 7200);
  WriteFile(d / new_clip, 10, 10);
  WriteFile(d / "events.jsonl", 10, 7200);
  RetentionPolicy p;
  p.quota_bytes = 1 << 30;
  p.max_age_s = 3600;
  Result<RetentionResult> r = ApplyRetention(d.path(), p, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted_names, std::vector<std::string>{old_clip});
  EXPECT_TRUE(fs::exists(d / new_clip));
  EXPECT_TRUE(fs::exists(d / "events.jsonl"));
}

TEST(RetentionTest, LowFreeSpaceDeletesOldestUntilEnoughIsFree) {
  TempDir d;
  const auto t = std::chrono::system_clock::now();
  for (int i = 0; i < 4; ++i) WriteFile(d / ClipFileName("cam", t, i + 1, "mp4"), 1000, 40 - i);
  // A fake file system with 500 bytes free plus whatever clips were deleted.
  const std::string dir = d.path();
  FreeBytesFn fake = [&](const std::string&) -> Result<int64_t> {
    int64_t clips = 0;
    for (const auto& e : fs::directory_iterator(dir)) clips += e.file_size();
    return 500 + (4000 - clips);
  };
  RetentionPolicy p;
  p.quota_bytes = 1 << 30;
  p.min_free_bytes = 2000;
  Result<RetentionResult> r = ApplyRetention(dir, p, fake);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 2);  // 500 -> 1500 -> 2500
  EXPECT_EQ(r->free_bytes, 2500);
}

TEST(RetentionTest, MissingDirectoryIsAnErrorNotACrash) {
  RetentionPolicy p;
  p.quota_bytes = 1;
  Result<RetentionResult> r = ApplyRetention("/nonexistent/es/clips", p, nullptr);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace es
