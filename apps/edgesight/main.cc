// edgesight: thin main; everything lives in src/app.
#include "app/cli.h"

int main(int argc, char** argv) { return es::Main(argc, argv); }
