// edgesight: the small front (src/app/front.h); the whole CLI is edgesight-full.
#include "app/front.h"

int main(int argc, char** argv) { return es::FrontMain(argc, argv); }
