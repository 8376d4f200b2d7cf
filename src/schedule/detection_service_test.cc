#include "schedule/detection_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace es {
namespace {

// Counts calls and returns one box whose score names the detector.
class CountingDetector : public Detector {
 public:
  explicit CountingDetector(float tag, std::chrono::milliseconds delay = {})
      : tag_(tag), delay_(delay) {}
  std::string name() const override { return "counting"; }
  Result<std::vector<Detection>> Detect(const cv::Mat& image) override {
    if (image.empty()) return DataLoss("empty image");
    std::this_thread::sleep_for(delay_);
    ++calls;
    return std::vector<Detection>{{{1, 2, 3, 4}, tag_, kClassPerson}};
  }
  std::atomic<int> calls{0};

 private:
  float tag_;
  std::chrono::milliseconds delay_;
};

CameraSchedule Every(double period_s, int priority = 50) {
  CameraSchedule s;
  s.period = Duration::Seconds(period_s);
  s.priority = priority;
  return s;
}

const cv::Mat kImage(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));

TEST(DetectionServiceTest, CamerasShareOneDetectorAndGetTheirOwnResults) {
  auto shared = std::make_unique<CountingDetector>(0.5f);
  CountingDetector* d = shared.get();
  DetectionService service(std::move(shared));
  const int a = service.AddCamera("a", Every(0));
  const int b = service.AddCamera("b", Every(0));
  auto ca = service.Client(a);
  auto cb = service.Client(b);
  service.Start();
  std::vector<std::jthread> threads;
  std::atomic<int> ok{0};
  for (DetectionClient* c : {ca.get(), cb.get()}) {
    threads.emplace_back([&ok, c] {
      for (int i = 0; i < 20; ++i) {
        auto r = c->Detect(kImage, SteadyNow());
        if (r.ok() && r->detections.size() == 1) ++ok;
      }
    });
  }
  threads.clear();
  service.Stop();
  EXPECT_EQ(ok, 40);
  EXPECT_EQ(d->calls, 40);
  EXPECT_EQ(service.stats(a).runs, 20u);
  EXPECT_EQ(service.stats(b).runs, 20u);
}

TEST(DetectionServiceTest, AStatefulDetectorOfItsOwnServesOnlyItsCamera) {
  auto shared = std::make_unique<CountingDetector>(0.5f);
  auto own = std::make_unique<CountingDetector>(0.9f);
  CountingDetector* o = own.get();
  DetectionService service(std::move(shared));
  const int a = service.AddCamera("a", Every(0));
  const int b = service.AddCamera("b", Every(0), std::move(own));
  auto ca = service.Client(a);
  auto cb = service.Client(b);
  service.Start();
  auto ra = ca->Detect(kImage, SteadyNow());
  auto rb = cb->Detect(kImage, SteadyNow());
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_FLOAT_EQ(ra->detections[0].score, 0.5f);
  EXPECT_FLOAT_EQ(rb->detections[0].score, 0.9f);
  EXPECT_EQ(o->calls, 1);
}

TEST(DetectionServiceTest, DueFollowsThePeriodInTimeAndLiveUpdates) {
  DetectionService service(std::make_unique<CountingDetector>(0.5f));
  const int a = service.AddCamera("a", Every(10.0));
  auto c = service.Client(a);
  service.Start();
  EXPECT_TRUE(c->Due(SteadyNow()));  // never ran
  ASSERT_TRUE(c->Detect(kImage, SteadyNow()).ok());
  EXPECT_FALSE(c->Due(SteadyNow()));                           // 10 s period
  EXPECT_TRUE(c->Due(SteadyNow() + Duration::Seconds(10.5)));  // later in time
  service.UpdateCamera(a, Every(0.0));                         // a live settings change
  EXPECT_TRUE(c->Due(SteadyNow()));
}

TEST(DetectionServiceTest, DetectorErrorsGoBackToTheirCameraAndTheServiceGoesOn) {
  DetectionService service(std::make_unique<CountingDetector>(0.5f));
  auto c = service.Client(service.AddCamera("a", Every(0)));
  service.Start();
  auto bad = c->Detect(cv::Mat(), SteadyNow());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(c->Detect(kImage, SteadyNow()).ok());
}

TEST(DetectionServiceTest, OldestWaitShowsARequestThatIsNotAnswered) {
  DetectionService service(
      std::make_unique<CountingDetector>(0.5f, std::chrono::milliseconds(300)));
  auto a = service.Client(service.AddCamera("a", Every(0)));
  service.Start();
  const Timestamp asked = SteadyNow();
  EXPECT_EQ(service.OldestWait(asked).us, 0);
  std::jthread t([&] { (void)a->Detect(kImage, asked); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Waiting (the detector sleeps): measured from when it was asked.
  EXPECT_EQ(service.OldestWait(asked + Duration::Seconds(7)).us, Duration::Seconds(7).us);
  t.join();
  EXPECT_EQ(service.OldestWait(SteadyNow()).us, 0);
}

TEST(DetectionServiceTest, StopCancelsWaitersAndRequestsAfterStop) {
  DetectionService service(
      std::make_unique<CountingDetector>(0.5f, std::chrono::milliseconds(200)));
  auto a = service.Client(service.AddCamera("a", Every(0)));
  auto b = service.Client(service.AddCamera("b", Every(0)));
  service.Start();
  Result<DetectionResult> ra = Cancelled(), rb = Cancelled();
  std::jthread ta([&] { ra = a->Detect(kImage, SteadyNow()); });
  std::jthread tb([&] { rb = b->Detect(kImage, SteadyNow()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  service.Stop();  // one request is running (it completes), the other is cancelled
  ta.join();
  tb.join();
  EXPECT_NE(ra.ok(), rb.ok());
  EXPECT_EQ(a->Detect(kImage, SteadyNow()).status().code(), StatusCode::kCancelled);
}

// Blocks each run until `expected` runs are inside Detect at once (or a timeout), and records the
// most it saw together: proof that runs overlap.
class RendezvousDetector : public Detector {
 public:
  RendezvousDetector(std::atomic<int>* inside, std::atomic<int>* most, int expected)
      : inside_(inside), most_(most), expected_(expected) {}
  std::string name() const override { return "rendezvous"; }
  Result<std::vector<Detection>> Detect(const cv::Mat&) override {
    const int now = ++*inside_;
    int seen = most_->load();
    while (now > seen && !most_->compare_exchange_weak(seen, now)) {
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (most_->load() < expected_ && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    --*inside_;
    return std::vector<Detection>{};
  }

 private:
  std::atomic<int>* inside_;
  std::atomic<int>* most_;
  int expected_;
};

// Two cameras ask at once; returns how many runs the service had inside a detector together.
int MostRunsAtOnce(int workers) {
  std::atomic<int> inside{0}, most{0};
  std::vector<std::unique_ptr<Detector>> detectors;
  for (int w = 0; w < workers; ++w) {
    detectors.push_back(std::make_unique<RendezvousDetector>(&inside, &most, workers));
  }
  DetectionService service(std::move(detectors), SchedulerOptions{});
  auto ca = service.Client(service.AddCamera("a", Every(0)));
  auto cb = service.Client(service.AddCamera("b", Every(0)));
  service.Start();
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> threads;
    for (DetectionClient* c : {ca.get(), cb.get()}) {
      threads.emplace_back([&ok, c] {
        if (c->Detect(kImage, SteadyNow()).ok()) ++ok;
      });
    }
  }
  service.Stop();
  EXPECT_EQ(ok, 2);
  return most;
}

TEST(DetectionServiceTest, TwoWorkersDetectTwoCamerasAtOnce) {
  EXPECT_EQ(MostRunsAtOnce(2), 2);  // one worker would run them one after the other
}

TEST(DetectionServiceTest, OneWorkerRunsOneAtATime) { EXPECT_EQ(MostRunsAtOnce(1), 1); }

}  // namespace
}  // namespace es

namespace es {
namespace {

// Blocks in Detect until released: a stuck model.
class StuckDetector : public Detector {
 public:
  std::string name() const override { return "stuck"; }
  Result<std::vector<Detection>> Detect(const cv::Mat& image) override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
    if (image.empty()) return DataLoss("empty image");  // reads the image after the wait
    return std::vector<Detection>{{{1, 2, 3, 4}, 0.9f, kClassPerson}};
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool WaitEntered(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  int entered_ = 0;
};

TEST(DetectionServiceTimeoutTest, AStuckRunIsAbandonedAndTheQueuedCameraGivesUp) {
  auto stuck = std::make_unique<StuckDetector>();
  StuckDetector* d = stuck.get();
  DetectionService service(std::move(stuck));
  const int a = service.AddCamera("a", Every(0));
  const int b = service.AddCamera("b", Every(0));
  auto ca = service.Client(a, Duration::Millis(100));
  auto cb = service.Client(b, Duration::Millis(100));
  service.Start();
  {
    cv::Mat frame(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
    auto r = ca->Detect(frame, SteadyNow());  // the run starts and hangs
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(r.status().message().find("did not answer within"), std::string::npos);
    frame.release();  // the caller's frame is gone; the worker holds its own copy
  }
  ASSERT_TRUE(d->WaitEntered(1));
  // While the abandoned run goes on, camera a is refused at once...
  auto again = ca->Detect(kImage, SteadyNow());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("still busy"), std::string::npos);
  // ...and camera b, queued behind it on the only worker, gives up after its timeout.
  auto queued = cb->Detect(kImage, SteadyNow());
  ASSERT_FALSE(queued.ok());
  EXPECT_EQ(queued.status().code(), StatusCode::kUnavailable);
  EXPECT_GT(service.OldestWait(SteadyNow()), Duration{});  // the stall shows (/readyz)
  d->Release();
  // The detector recovers: both cameras are served again.
  for (DetectionClient* c : {ca.get(), cb.get()}) {
    Result<DetectionResult> r = Unavailable("not yet");
    for (int i = 0; i < 50 && !r.ok(); ++i) {
      r = c->Detect(kImage, SteadyNow());
      if (!r.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->detections.size(), 1u);
  }
  service.Stop();
}

}  // namespace
}  // namespace es

namespace es {
namespace {

// A model swap while cameras keep asking: every request is answered (none lost or failed), the
// answers switch from the old model to the new one, and the tap sees the shared runs.
TEST(DetectionServiceSwapTest, ReplaceSharedSwapsBetweenRunsWithoutLosingRequests) {
  std::vector<std::unique_ptr<Detector>> old;
  old.push_back(std::make_unique<CountingDetector>(0.5f, std::chrono::milliseconds(2)));
  DetectionService service(std::move(old), SchedulerOptions{});
  const int a = service.AddCamera("a", Every(0));
  auto client = service.Client(a);
  std::atomic<int> tapped{0};
  service.SetTap([&](const cv::Mat& img, const std::vector<Detection>& d, Duration) {
    if (!img.empty() && d.size() == 1) ++tapped;
  });
  service.Start();
  int answered = 0, old_answers = 0, new_answers = 0;
  for (int i = 0; i < 60; ++i) {
    if (i == 20) {
      std::vector<std::unique_ptr<Detector>> next;
      next.push_back(std::make_unique<CountingDetector>(0.7f));
      ASSERT_TRUE(service.ReplaceShared(std::move(next), "det@2").ok());
    }
    auto r = client->Detect(kImage, SteadyNow());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ++answered;
    const float tag = r->detections.at(0).score;
    (tag == 0.5f ? old_answers : new_answers)++;
    EXPECT_EQ(r->model, tag == 0.5f ? "counting" : "det@2");  // the answer names its model
    if (new_answers > 0) EXPECT_EQ(tag, 0.7f) << "an old answer after the swap";
  }
  EXPECT_EQ(answered, 60);
  EXPECT_GE(old_answers, 20);
  EXPECT_GE(new_answers, 39);  // the request right after ReplaceShared may still be the old one
  EXPECT_EQ(tapped, 60);
  service.SetTap(nullptr);
  std::vector<std::unique_ptr<Detector>> two;
  two.push_back(std::make_unique<CountingDetector>(0.1f));
  two.push_back(std::make_unique<CountingDetector>(0.1f));
  EXPECT_FALSE(service.ReplaceShared(std::move(two)).ok());  // one worker, two instances
  service.Stop();
}

}  // namespace
}  // namespace es
