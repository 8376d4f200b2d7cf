// YamlGuard: rejects, before yaml-cpp sees it, YAML that makes yaml-cpp 0.7 (Debian bookworm)
// allocate without bound. Found by fuzzing (scripts/fuzz.sh): a ',' that starts a token outside
// any flow collection, e.g. the three bytes ",[\n" or "- a\n, y", takes all of the machine's
// memory inside YAML::LoadAll. Such a ',' is never valid YAML (a flow entry indicator outside
// [...] / {...} cannot start a plain scalar), so refusing it loses no valid config.
//
// Contract: CheckYamlText scans the text once: quoted scalars (single, double, across lines),
// comments, flow brackets and block scalars (| and >, whose content is taken verbatim) are
// followed; a ',' at flow level 0 whose preceding text on its line is empty, an indicator
// ('-', '?', a key ending in ':', '---') or a tag / anchor / alias token is reported as
// kInvalidArgument "ORIGIN:LINE:COL: invalid YAML: ',' outside [...] or {...} (quote the value)".
// Anything else is left to the parser. Linear in the text; never throws. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {

Status CheckYamlText(std::string_view text, const std::string& origin);

}  // namespace es
