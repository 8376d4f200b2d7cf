#include "alarm/http_poster.h"

#include <httplib.h>

#include <cmath>

namespace es {
namespace {

void SplitSeconds(double s, time_t* sec, time_t* usec) {
  const double whole = std::floor(s);
  *sec = static_cast<time_t>(whole);
  *usec = static_cast<time_t>((s - whole) * 1e6);
}

std::string Describe(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "connection failed";
    case httplib::Error::ConnectionTimeout:
      return "connect timed out";
    case httplib::Error::Read:
      return "read failed or timed out";
    case httplib::Error::Write:
      return "write failed or timed out";
    case httplib::Error::Canceled:
      return "aborted";
    default:
      return httplib::to_string(e);
  }
}

}  // namespace

Status HttpPoster::Post(const LoopbackUrl& url, const std::string& body, const std::string& rule,
                        double timeout_s) {
  const std::string host_text = url.host == "::1" ? "[::1]" : url.host;
  const std::string what =
      "POST http://" + host_text + ":" + std::to_string(url.port) + url.path + ": ";
  try {
    httplib::Client client(url.host, url.port);
    time_t sec = 0, usec = 0;
    SplitSeconds(timeout_s, &sec, &usec);
    client.set_connection_timeout(sec, usec);
    client.set_read_timeout(sec, usec);
    client.set_write_timeout(sec, usec);
    client.set_keep_alive(false);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (aborted_) return Cancelled(what + "aborted");
      active_ = &client;
    }
    httplib::Headers headers = {{"X-Edgesight-Alarm", rule}};
    httplib::Result res = client.Post(url.path, headers, body, "application/json");
    {
      std::lock_guard<std::mutex> lock(mu_);
      active_ = nullptr;
      if (aborted_ && !res) return Cancelled(what + "aborted");
    }
    if (!res) return Unavailable(what + Describe(res.error()));
    if (res->status < 200 || res->status >= 300) {
      return Unavailable(what + "HTTP " + std::to_string(res->status));
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mu_);
    active_ = nullptr;
    return Internal(what + e.what());
  }
}

void HttpPoster::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  if (active_ != nullptr) active_->stop();
}

}  // namespace es
