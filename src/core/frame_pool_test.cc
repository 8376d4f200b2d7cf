#include "core/frame_pool.h"

#include <gtest/gtest.h>

#include <thread>

namespace es {
namespace {

TEST(FramePool, ReusesABufferOnlyAfterEveryUserLetItGo) {
  FramePool pool(4);
  cv::Mat a = pool.Acquire(720, 1280, CV_8UC3);
  a.setTo(cv::Scalar(1, 2, 3));
  const uchar* a_data = a.data;
  cv::Mat held = a;                           // a queue still holds the frame
  cv::Mat roi = a(cv::Rect(10, 10, 20, 20));  // and someone a region of it
  a.release();
  held.release();
  cv::Mat b = pool.Acquire(720, 1280, CV_8UC3);
  EXPECT_NE(b.data, a_data) << "a buffer someone still views was handed out again";
  EXPECT_EQ(roi.at<cv::Vec3b>(0, 0), cv::Vec3b(1, 2, 3));
  roi.release();
  b.release();
  cv::Mat c = pool.Acquire(720, 1280, CV_8UC3);
  EXPECT_TRUE(c.data == a_data || c.data == b.data);
  EXPECT_EQ(pool.allocated(), 2);
  EXPECT_EQ(pool.reused(), 1);
}

TEST(FramePool, GrowsToTheFramesInFlightAndNoFurther) {
  FramePool pool(3);
  std::vector<cv::Mat> in_flight;
  for (int i = 0; i < 5; ++i) in_flight.push_back(pool.Acquire(10, 10, CV_8UC3));
  EXPECT_EQ(pool.size(), 3u);  // the 4th and 5th are not kept
  EXPECT_EQ(pool.allocated(), 5);
  in_flight.clear();
  for (int i = 0; i < 100; ++i) {
    cv::Mat m = pool.Acquire(10, 10, CV_8UC3);  // one in flight at a time
  }
  EXPECT_EQ(pool.allocated(), 5);
  EXPECT_EQ(pool.reused(), 100);
}

TEST(FramePool, ANewGeometryDropsTheOldBuffers) {
  FramePool pool;
  cv::Mat small = pool.Acquire(10, 10, CV_8UC3);
  small.release();
  cv::Mat big = pool.Acquire(20, 20, CV_8UC3);
  EXPECT_EQ(big.rows, 20);
  EXPECT_EQ(pool.size(), 1u);
  cv::Mat gray = pool.Acquire(20, 20, CV_8UC1);
  EXPECT_EQ(gray.type(), CV_8UC1);
}

TEST(FramePool, BuffersReleasedOnOtherThreadsComeBack) {
  FramePool pool(4);
  for (int i = 0; i < 200; ++i) {
    cv::Mat m = pool.Acquire(64, 64, CV_8UC3);
    std::thread([f = std::move(m)]() mutable { f.release(); }).join();
  }
  EXPECT_LE(pool.allocated(), 4);
}

}  // namespace
}  // namespace es
