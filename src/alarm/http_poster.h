// HttpPoster: POSTs one alarm (a JSON body) to a loopback URL with cpp-httplib.
//
// Contract: Post() opens a fresh connection (no keep-alive: alarms are rare and a stale
// connection must never delay one), sends `body` as application/json with the header
// X-Edgesight-Alarm: <rule>, and succeeds only on a 2xx answer. The connect, read and write
// timeouts are each timeout_s, so one Post lasts at most about 2 * timeout_s. Abort() (from
// any thread) makes an in-flight Post fail quickly and every later Post fail at once.
// Failure: Unavailable with one line: "POST http://127.0.0.1:9/x: connection failed",
// "... : read timed out", "... : HTTP 500". Never throws.
// Thread-safety: Post() from one thread at a time; Abort() from any thread.
#pragma once

#include <mutex>
#include <string>

#include "alarm/loopback_url.h"
#include "edgesight/status.h"

namespace httplib {
class Client;
}

namespace es {

class HttpPoster {
 public:
  Status Post(const LoopbackUrl& url, const std::string& body, const std::string& rule,
              double timeout_s);
  void Abort();

 private:
  std::mutex mu_;
  httplib::Client* active_ = nullptr;  // guarded by mu_
  bool aborted_ = false;               // guarded by mu_
};

}  // namespace es
