#include "app/track_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "app/exit_codes.h"

namespace es {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(ES_SOURCE_DIR) + "/tests/data/mot";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class TrackCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("es_track_test_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

// One person walking right at 50 px/s; frames listed in `frames` get a detection.
std::string WalkerDet(const std::vector<int>& frames, double fps) {
  std::ostringstream o;
  for (int f : frames) {
    const double x = 100 + 50.0 * (f - 1) / fps;
    o << f << ",-1," << x << ",100,40,100,0.9,-1,-1,-1\n";
  }
  return o.str();
}

TEST_F(TrackCommand, BadRowIsOneLineErrorNamingTheLineAndExit2) {
  const fs::path det = root_ / "det.txt";
  WriteAll(det, "1,-1,10,10,20,40,0.9,-1,-1,-1\n2,-1,10,10,0,40,0.9,-1,-1,-1\n");
  TrackArgs a;
  a.mot_det = det.string();
  a.out = (root_ / "res.txt").string();
  auto r = TrackMot(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("det.txt:2"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunTrack(a), kExitBadInput);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.rfind("edgesight: error: ", 0), 0u) << err;
  EXPECT_NE(err.find(":2:"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(a.out));
}

TEST_F(TrackCommand, NonNumericAndNanRowsAreRejected) {
  for (const std::string bad :
       {"1,-1,abc,10,20,40,0.9\n", "1,-1,nan,10,20,40,0.9\n", "1,-1,10,10,20\n"}) {
    const fs::path det = root_ / "det.txt";
    WriteAll(det, "1,-1,10,10,20,40,0.9\n" + bad);
    TrackArgs a;
    a.mot_det = det.string();
    a.out = (root_ / "res.txt").string();
    EXPECT_EQ(RunTrack(a), kExitBadInput) << bad;
  }
}

TEST_F(TrackCommand, FlagErrorsAndBadOverridesExit2) {
  TrackArgs none;
  EXPECT_EQ(RunTrack(none), kExitBadInput);
  TrackArgs both;
  both.mot_det = "x";
  both.mot_dir = "y";
  EXPECT_EQ(RunTrack(both), kExitBadInput);
  const fs::path det = root_ / "det.txt";
  WriteAll(det, WalkerDet({1, 2, 3}, 25));
  TrackArgs a;
  a.mot_det = det.string();
  a.out = (root_ / "res.txt").string();
  a.sets = {"tracker.trak_thresh=0.4"};
  auto r = TrackMot(a);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("track_thresh"), std::string::npos);
}

// Empty frames advance time: a 0.6 s gap keeps the id (buffer 1.5 s), a 3 s gap does not.
// With --set tracker.track_buffer_s=0.4 the 0.6 s gap breaks it too.
TEST_F(TrackCommand, EmptyFramesAgeLostTracksByTime) {
  const double fps = 25;
  std::vector<int> frames;
  for (int f = 1; f <= 10; ++f) frames.push_back(f);     // seen
  for (int f = 26; f <= 35; ++f) frames.push_back(f);    // after 15 empty frames (0.6 s)
  for (int f = 111; f <= 120; ++f) frames.push_back(f);  // after 75 empty frames (3 s)
  const fs::path det = root_ / "det.txt";
  WriteAll(det, WalkerDet(frames, fps));
  TrackArgs a;
  a.mot_det = det.string();
  a.out = (root_ / "res.txt").string();
  a.fps = fps;
  auto r = TrackMot(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["sequences"][0]["frames"], 120);
  auto file = ReadMotFile(a.out);
  ASSERT_TRUE(file.ok());
  std::map<int, int> id_at;
  for (const MotRow& row : file->rows) id_at[row.frame] = row.id;
  ASSERT_TRUE(id_at.count(10) && id_at.count(30) && id_at.count(115));
  EXPECT_EQ(id_at[10], id_at[30]);
  EXPECT_NE(id_at[30], id_at[115]);
  for (int f = 11; f <= 25; ++f) EXPECT_EQ(id_at.count(f), 0u) << "no detection, no row";

  a.sets = {"tracker.track_buffer_s=0.4"};
  ASSERT_TRUE(TrackMot(a).ok());
  file = ReadMotFile(a.out);
  ASSERT_TRUE(file.ok());
  id_at.clear();
  for (const MotRow& row : file->rows) id_at[row.frame] = row.id;
  ASSERT_TRUE(id_at.count(10) && id_at.count(30));
  EXPECT_NE(id_at[10], id_at[30]);
}

TEST_F(TrackCommand, OutputIsByteIdenticalAcrossRunsAndRowOrder) {
  const std::string src = ReadAll(kData + "/TUD-Stadtmitte/det/det.txt");
  WriteAll(root_ / "det.txt", src);
  // The same rows in reverse order: the tracker sees them frame by frame either way, but the
  // order inside a frame changes, which must not change the result.
  std::vector<std::string> lines;
  std::istringstream in(src);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string reversed;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) reversed += *it + "\n";
  WriteAll(root_ / "rev.txt", reversed);
  TrackArgs a;
  a.mot_det = (root_ / "det.txt").string();
  a.out = (root_ / "r1.txt").string();
  ASSERT_EQ(RunTrack(a), kExitOk);
  a.out = (root_ / "r2.txt").string();
  ASSERT_EQ(RunTrack(a), kExitOk);
  const std::string r1 = ReadAll(root_ / "r1.txt");
  EXPECT_GT(r1.size(), 1000u);
  EXPECT_EQ(r1, ReadAll(root_ / "r2.txt"));
  a.mot_det = (root_ / "rev.txt").string();
  a.out = (root_ / "r3.txt").string();
  ASSERT_EQ(RunTrack(a), kExitOk);
  // Row order within a frame may change ids in ties only; same rows count at least.
  auto f1 = ReadMotFile((root_ / "r1.txt").string());
  auto f3 = ReadMotFile((root_ / "r3.txt").string());
  ASSERT_TRUE(f1.ok() && f3.ok());
  EXPECT_NEAR(static_cast<double>(f3->rows.size()), static_cast<double>(f1->rows.size()),
              0.02 * static_cast<double>(f1->rows.size()));
}

TEST_F(TrackCommand, WritesMotChallengeRows) {
  WriteAll(root_ / "det.txt", WalkerDet({1, 2, 3, 4}, 25));
  TrackArgs a;
  a.mot_det = (root_ / "det.txt").string();
  a.out = (root_ / "res.txt").string();
  ASSERT_EQ(RunTrack(a), kExitOk);
  const std::string text = ReadAll(a.out);
  // ByteTrack reports a track from its second matched detection on (the first frame of a
  // tracker is the exception: everything is confirmed at once).
  EXPECT_EQ(text.substr(0, text.find('\n')), "1,1,100.00,100.00,40.00,100.00,0.90,-1,-1,-1");
  auto f = ReadMotFile(a.out);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->rows.size(), 4u);
  EXPECT_EQ(f->num_columns, 10);
}

TEST_F(TrackCommand, FolderModeTracksEverySequenceAndReadsSeqinfo) {
  const fs::path in = root_ / "in";
  WriteAll(in / "A" / "det" / "det.txt", WalkerDet({1, 2, 3, 4, 5}, 30));
  WriteAll(in / "A" / "seqinfo.ini", "[Sequence]\nname=A\nframeRate=30\nseqLength=5\n");
  WriteAll(in / "B" / "det" / "det.txt", WalkerDet({1, 2, 3}, 25));
  fs::create_directories(in / "not_a_sequence");
  // Plain files beside the sequences (a README, checksums) are not sequences and no error; many
  // of them, so that the last entry the directory listing returns is one of them.
  for (int k = 0; k < 20; ++k) WriteAll(in / ("NOTES" + std::to_string(k) + ".md"), "x\n");
  TrackArgs a;
  a.mot_dir = in.string();
  a.out_dir = (root_ / "out").string();
  auto r = TrackMot(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& seqs = (*r)["sequences"];
  ASSERT_EQ(seqs.size(), 2u);
  EXPECT_EQ(seqs[0]["name"], "A");
  EXPECT_EQ(seqs[0]["fps"], 30.0);
  EXPECT_EQ(seqs[1]["name"], "B");
  EXPECT_EQ(seqs[1]["fps"], kDefaultMotFps);
  EXPECT_TRUE(fs::is_regular_file(root_ / "out" / "A.txt"));
  EXPECT_TRUE(fs::is_regular_file(root_ / "out" / "B.txt"));
  a.fps = 10;  // the flag wins over seqinfo.ini
  r = TrackMot(a);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["sequences"][0]["fps"], 10.0);

  WriteAll(in / "A" / "seqinfo.ini", "[Sequence]\nframeRate=fast\n");
  a.fps = 0;
  r = TrackMot(a);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("frameRate"), std::string::npos);
}

}  // namespace
}  // namespace es
