#include "track/mot_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace es {
namespace {

std::string ErrorOf(std::string_view text) {
  auto r = ParseMotText(text, "f.txt");
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  return r.status().message();
}

TEST(MotIoTest, ParsesAllColumnCounts) {
  auto seven = ParseMotText("3,-1,1.5,2.5,10,20,0.9\n", "a");
  ASSERT_TRUE(seven.ok()) << seven.status().ToString();
  EXPECT_EQ(seven->num_columns, 7);
  ASSERT_EQ(seven->rows.size(), 1u);
  const MotRow& r = seven->rows[0];
  EXPECT_EQ(r.frame, 3);
  EXPECT_EQ(r.id, -1);
  EXPECT_DOUBLE_EQ(r.box.x, 1.5);
  EXPECT_DOUBLE_EQ(r.box.y, 2.5);
  EXPECT_DOUBLE_EQ(r.box.w, 10);
  EXPECT_DOUBLE_EQ(r.box.h, 20);
  EXPECT_DOUBLE_EQ(r.score, 0.9);
  EXPECT_EQ(r.line, 1);

  auto nine = ParseMotText("1, 2, 3, 4, 5, 6, 1, 7, 0.25\r\n", "b");
  ASSERT_TRUE(nine.ok()) << nine.status().ToString();
  EXPECT_EQ(nine->num_columns, 9);
  EXPECT_DOUBLE_EQ(nine->rows[0].col8, 7);
  EXPECT_DOUBLE_EQ(nine->rows[0].col9, 0.25);

  auto ten =
      ParseMotText("\n1,1,399,182,121,229,1,-1,-1,-1\n\n2,1,400,182,121,229,1,-1,-1,-1", "c");
  ASSERT_TRUE(ten.ok()) << ten.status().ToString();
  EXPECT_EQ(ten->num_columns, 10);
  ASSERT_EQ(ten->rows.size(), 2u);
  EXPECT_EQ(ten->rows[0].line, 2);
  EXPECT_EQ(ten->rows[1].line, 4);  // blank lines still count
  EXPECT_EQ(ten->rows[1].frame, 2);

  auto empty = ParseMotText("", "d");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->num_columns, 0);
  EXPECT_TRUE(empty->rows.empty());
}

TEST(MotIoTest, BadRowsNameFileAndLine) {
  const std::string ok = "1,1,0,0,10,10,1\n";
  EXPECT_EQ(ErrorOf(ok + "2,1,0,0,nan,10,1\n"), "f.txt:2: column 5: 'nan' is not a finite number");
  EXPECT_EQ(ErrorOf(ok + ok + "2,1,0,0,10,inf,1\n"),
            "f.txt:3: column 6: 'inf' is not a finite number");
  EXPECT_EQ(ErrorOf("1,1,0,0,0,10,1\n"), "f.txt:1: width and height must be > 0");
  EXPECT_EQ(ErrorOf(ok + "1,2,0,0,10,-3,1\n"), "f.txt:2: width and height must be > 0");
  EXPECT_EQ(ErrorOf(ok + "1,2,0,abc,10,10,1\n"), "f.txt:2: column 4: 'abc' is not a number");
  EXPECT_EQ(ErrorOf("1,2,0,0,10,10\n"),
            "f.txt:1: 6 columns, expected 7 to 10 (frame,id,x,y,w,h,score,...)");
  EXPECT_EQ(ErrorOf("1,2,0,0,10,10,1,1,1,1,1\n"), "f.txt:1: too many columns (expected 7 to 10)");
  EXPECT_EQ(ErrorOf(ok + "\n1,2,0,0,10,10,1,-1\n"), "f.txt:3: 8 columns, but line 1 has 7");
  EXPECT_EQ(ErrorOf("0,1,0,0,10,10,1\n"), "f.txt:1: frame must be an integer >= 1");
  EXPECT_EQ(ErrorOf("1.5,1,0,0,10,10,1\n"), "f.txt:1: frame must be an integer >= 1");
  EXPECT_EQ(ErrorOf("1,1.5,0,0,10,10,1\n"), "f.txt:1: id must be an integer");
  // Hostile sizes are refused before they drive an allocation.
  EXPECT_EQ(ErrorOf("999999999,1,0,0,10,10,1\n"),
            "f.txt:1: frame 999999999 is beyond the limit of 1000000 frames (over 9 hours at 30 "
            "fps)");
  EXPECT_EQ(ErrorOf("1,99999999999,0,0,10,10,1\n"), "f.txt:1: id must be an integer");
  EXPECT_EQ(ErrorOf("1,1,,0,10,10,1\n"), "f.txt:1: column 3: empty field");
}

TEST(MotIoTest, MissingFileIsNotFound) {
  auto r = ReadMotFile("/nonexistent/dir/gt.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  auto dir = ReadMotFile(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), StatusCode::kNotFound);
}

TEST(MotIoTest, WriterFormatsAndRoundTrips) {
  MotRow a;
  a.frame = 2;
  a.id = 7;
  a.box = {1.23456, 2, 30.5, 40.25};
  a.score = 0.875;
  EXPECT_EQ(FormatMotRow(a, 2), "2,7,1.23,2.00,30.50,40.25,0.88,-1,-1,-1");
  EXPECT_EQ(FormatMotRow(a, 3), "2,7,1.235,2.000,30.500,40.250,0.875,-1,-1,-1");
  MotRow b = a;
  b.frame = 1;
  b.id = 9;
  const std::string path =
      (std::filesystem::temp_directory_path() / "es_mot_io_test_roundtrip.txt").string();
  ASSERT_TRUE(WriteMotFile(path, {a, b}, 3).ok());
  auto back = ReadMotFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->num_columns, 10);
  ASSERT_EQ(back->rows.size(), 2u);
  EXPECT_EQ(back->rows[0].frame, 1);  // sorted by frame
  EXPECT_EQ(back->rows[0].id, 9);
  EXPECT_DOUBLE_EQ(back->rows[1].box.x, 1.235);

  TrackOutput t;
  t.id = 4;
  t.score = 0.5f;
  t.box = {10, 20, 30, 40};
  const MotRow r = MotRowFromTrack(12, t);
  EXPECT_EQ(FormatMotRow(r), "12,4,10.00,20.00,30.00,40.00,0.50,-1,-1,-1");
  EXPECT_FALSE(WriteMotFile("/nonexistent/dir/res.txt", {a}).ok());
}

TEST(MotIoTest, IouMatchesTrackEval) {
  EXPECT_DOUBLE_EQ(MotIoU({0, 0, 100, 100}, {0, 0, 100, 62}), 0.62);
  EXPECT_DOUBLE_EQ(MotIoU({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0 / 150.0);
  EXPECT_DOUBLE_EQ(MotIoU({0, 0, 10, 10}, {20, 20, 10, 10}), 0.0);
  EXPECT_DOUBLE_EQ(MotIoU({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0);
}

TEST(MotIoTest, DetectsGroundTruthFlavour) {
  auto mot15 = ParseMotText("1,1,0,0,10,10,1,-1,-1,-1\n", "g");
  auto mot16 = ParseMotText("1,1,0,0,10,10,1,1,0.5\n", "g");
  auto plain = ParseMotText("1,1,0,0,10,10,1\n", "g");
  ASSERT_TRUE(mot15.ok() && mot16.ok() && plain.ok());
  EXPECT_EQ(DetectGtFormat(*mot15), GtFormat::kMot15);
  EXPECT_EQ(DetectGtFormat(*mot16), GtFormat::kMot16);
  EXPECT_EQ(DetectGtFormat(*plain), GtFormat::kMot15);
}

TEST(MotIoTest, UnsortedRowsAreGroupedByFrameAndId) {
  auto gt =
      ParseMotText("3,2,50,0,10,10,1\n1,2,50,0,10,10,1\n1,1,0,0,10,10,1\n3,1,0,0,10,10,1\n", "gt");
  auto res = ParseMotText("3,8,0,0,10,10,1\n1,9,50,0,10,10,1\n", "res");
  ASSERT_TRUE(gt.ok() && res.ok());
  auto seq = PrepareMotSequence(*gt, *res, {}, "s");
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  ASSERT_EQ(seq->frames.size(), 3u);
  EXPECT_EQ(seq->gt_ids, (std::vector<int>{1, 2}));
  EXPECT_EQ(seq->tracker_ids, (std::vector<int>{8, 9}));
  EXPECT_EQ(seq->frames[0].gt, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(seq->frames[0].gt_boxes[1].x, 50);
  EXPECT_TRUE(seq->frames[1].gt.empty());
  EXPECT_EQ(seq->frames[2].tracker, (std::vector<int>{0}));
  EXPECT_DOUBLE_EQ(seq->frames[0].Iou(1, 0), 1.0);
  EXPECT_DOUBLE_EQ(seq->frames[0].Iou(0, 0), 0.0);
  EXPECT_EQ(seq->num_gt_dets, 4);
  EXPECT_EQ(seq->num_tracker_dets, 2);
}

TEST(MotIoTest, DuplicateIdInAFrameIsRejected) {
  auto gt = ParseMotText("1,1,0,0,10,10,1\n2,1,0,0,10,10,1\n2,1,5,0,10,10,1\n", "gt.txt");
  auto res = ParseMotText("1,1,0,0,10,10,1\n", "res.txt");
  ASSERT_TRUE(gt.ok() && res.ok());
  auto seq = PrepareMotSequence(*gt, *res, {}, "s");
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.status().message(), "gt.txt:3: id 1 appears twice in frame 2 (also line 2)");
}

// MOT16+: class 1 with conf != 0 is evaluated; tracker boxes on ignored classes are dropped.
TEST(MotIoTest, Mot16IgnoredRegionsRemoveMatchedTrackerBoxes) {
  auto gt = ParseMotText(
      "1,1,0,0,100,100,1,1,1.0\n"      // pedestrian
      "1,2,200,0,100,100,1,7,1.0\n"    // static person (ignored)
      "1,3,400,0,100,100,0,1,1.0\n"    // pedestrian marked "do not consider"
      "1,4,600,0,100,100,1,8,0.3\n"    // distractor (ignored)
      "1,5,800,0,100,100,1,12,1.0\n",  // reflection (ignored)
      "gt.txt");
  auto res = ParseMotText(
      "1,10,0,0,100,100,1\n"     // on the pedestrian: TP
      "1,11,200,0,100,90,1\n"    // on the static person (IoU 0.9): removed
      "1,12,400,0,100,100,1\n"   // on the conf-0 pedestrian: stays, a false positive
      "1,13,600,0,100,40,1\n"    // on the distractor with IoU 0.4: stays
      "1,14,805,0,100,100,1\n",  // on the reflection (IoU ~0.9): removed
      "res.txt");
  ASSERT_TRUE(gt.ok() && res.ok());
  auto seq = PrepareMotSequence(*gt, *res, {}, "s");
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(seq->gt_format, GtFormat::kMot16);
  EXPECT_EQ(seq->gt_ids, (std::vector<int>{1}));
  EXPECT_EQ(seq->tracker_ids, (std::vector<int>{10, 12, 13}));
  EXPECT_EQ(seq->removed_tracker_dets, 2);
  EXPECT_EQ(seq->num_gt_dets, 1);
  EXPECT_EQ(seq->num_tracker_dets, 3);

  // Forcing MOT15 semantics keeps every gt row with conf != 0 and removes nothing.
  MotEvalOptions mot15;
  mot15.gt_format = GtFormat::kMot15;
  auto seq15 = PrepareMotSequence(*gt, *res, mot15, "s");
  ASSERT_TRUE(seq15.ok());
  EXPECT_EQ(seq15->gt_ids, (std::vector<int>{1, 2, 4, 5}));
  EXPECT_EQ(seq15->removed_tracker_dets, 0);
  EXPECT_EQ(seq15->num_tracker_dets, 5);
}

// A tracker box overlapping both a pedestrian and a distractor goes to whichever one-to-one
// matching maximises total IoU, as in TrackEval.
TEST(MotIoTest, Mot16IgnoreMatchingIsOneToOne) {
  auto gt = ParseMotText(
      "1,1,0,0,100,100,1,1,1\n"
      "1,2,10,0,100,100,1,8,1\n",
      "gt.txt");
  // One box between the two: it matches the distractor better (IoU 1.0 vs ~0.82).
  auto one = ParseMotText("1,5,10,0,100,100,1\n", "res.txt");
  // Two boxes: each on one object; only the one on the distractor is removed.
  auto two = ParseMotText("1,5,10,0,100,100,1\n1,6,0,0,100,100,1\n", "res.txt");
  ASSERT_TRUE(gt.ok() && one.ok() && two.ok());
  auto s1 = PrepareMotSequence(*gt, *one, {}, "s");
  auto s2 = PrepareMotSequence(*gt, *two, {}, "s");
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(s1->removed_tracker_dets, 1);
  EXPECT_EQ(s1->num_tracker_dets, 0);
  EXPECT_EQ(s2->removed_tracker_dets, 1);
  EXPECT_EQ(s2->tracker_ids, (std::vector<int>{6}));
}

TEST(MotIoTest, ReadsRepositoryTestData) {
  auto gt = ReadMotFile(std::string(ES_SOURCE_DIR) + "/tests/data/mot/TUD-Campus/gt/gt.txt");
  ASSERT_TRUE(gt.ok()) << gt.status().ToString();
  EXPECT_EQ(gt->num_columns, 10);
  EXPECT_EQ(gt->rows.size(), 359u);
  auto det =
      ReadMotFile(std::string(ES_SOURCE_DIR) + "/tests/data/mot/MOT17-04-FRCNN-boxmot/det/det.txt");
  ASSERT_TRUE(det.ok()) << det.status().ToString();
  EXPECT_EQ(det->num_columns, 7);
  EXPECT_GT(det->rows.size(), 10000u);
}

}  // namespace
}  // namespace es
