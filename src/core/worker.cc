#include "core/worker.h"

#include <pthread.h>
#include <signal.h>

namespace es {

void Worker::Start(std::string name, std::function<void()> body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  thread_ = std::thread([name = std::move(name), body = std::move(body)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    body();
  });
}

void Worker::Join() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) thread_.join();
}

bool Worker::started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable();
}

}  // namespace es
