#include "backend/backend_store.h"

#include "backend/pg_store.h"
#include "backend/sqlite_store.h"

namespace es {

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<BackendStore>> OpenBackendStore(const std::string& location,
                                                       int busy_timeout_ms) {
  if (IsPostgresUrl(location)) {
    ES_ASSIGN_OR_RETURN(auto pg, PgStore::Open(location));
    return std::unique_ptr<BackendStore>(std::move(pg));
  }
  ES_ASSIGN_OR_RETURN(auto lite, SqliteStore::Open(location, busy_timeout_ms));
  return std::unique_ptr<BackendStore>(std::move(lite));
}

}  // namespace es
