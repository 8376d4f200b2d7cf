# cmake -DEXAMPLE=examples/backend.yaml -DHEAD=backend.yaml.head -DOUT=backend.yaml \
#       -P conffile.cmake
# The packaged /etc/edgesight/backend.yaml: the service's header, then the commented example
# without its own header, with the SQLite store in the service's state directory.
file(READ "${EXAMPLE}" text)
file(READ "${HEAD}" head)
# The example's header: the comment lines before the first key.
string(REGEX REPLACE "^(#[^\n]*\n)+" "" body "${text}")
set(key "  path: edgesight-backend.db\n")
string(FIND "${body}" "${key}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${EXAMPLE}: no '${key}' line to point into /var/lib/edgesight-backend")
endif()
string(REPLACE "${key}" "  path: /var/lib/edgesight-backend/edgesight-backend.db\n" body "${body}")
file(WRITE "${OUT}" "${head}\n${body}")
