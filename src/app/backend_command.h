// edgesight-backend: the backend tier's process (apps/edgesight-backend is its thin main).
//
//   edgesight-backend [--config backend.yaml] [--mqtt URL] [--worker ID] [--group G]
//                     [--db PATH] [--http HOST:PORT] [--keys]
// Flags override the file's keys (backend/backend_config.h). It opens the store, loads the
// verifier's model, binds the HTTP API, connects to the broker (in the background: a broker that
// is down is retried, with the store and API up), and runs until SIGINT/SIGTERM; then it stops
// consuming, finishes the verification in progress, and prints a JSON summary on stdout.
// Exit codes: 2 for bad flags or config, a model that does not load, a store that is not one
// (one line on stderr); 1 when the store cannot be opened (database unreachable) or the HTTP
// port cannot be bound for another reason; 0 after a signal.
#pragma once

namespace es {

int BackendMain(int argc, char** argv);

}  // namespace es
