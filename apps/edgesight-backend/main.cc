// edgesight-backend: thin main; everything lives in src/app/backend_command.cc and src/backend.
#include "app/backend_command.h"

int main(int argc, char** argv) { return es::BackendMain(argc, argv); }
