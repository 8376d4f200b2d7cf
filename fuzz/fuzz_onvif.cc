// libFuzzer target: the ONVIF SOAP parsers, both sides (the client parses a head's responses
// and faults; the emulator parses requests). Any bytes from the network must give a value or an
// error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ptz/onvif_ptz_messages.h"
#include "ptz/onvif_soap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace es::onvif;
  auto msg = SoapMessage::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!msg.ok()) return 0;
  if (auto fault = msg->fault()) (void)fault->ToString();
  const pugi::xml_node op = msg->payload();
  (void)ParseGetStatusResponse(op);
  (void)ParseGetConfigurationOptionsResponse(op);
  (void)ParseContinuousMove(op);
  (void)ParseRelativeMove(op);
  (void)ParseAbsoluteMove(op);
  (void)ParseStop(op);
  (void)ParseGetStatus(op);
  (void)ParseGetConfigurationOptions(op);
  return 0;
}
