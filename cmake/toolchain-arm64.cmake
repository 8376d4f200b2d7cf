# Cross-building edgesight for ARM64 (make deb ARCH=arm64; docs/packaging.md "ARM64"): Debian's
# aarch64-linux-gnu cross compilers (crossbuild-essential-arm64) against a sysroot of Debian
# bookworm arm64 development packages, unpacked by scripts/setup_arm64.sh (mmdebstrap, extract
# variant: nothing of arm64 is installed on the build machine). Test binaries run under
# qemu-user (qemu-aarch64-static -L SYSROOT), which is also how gtest_discover_tests lists them.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake \
#         -DES_SYSROOT=$HOME/.cache/edgesight/sysroot-arm64 -DES_ORT_DIR=...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
if(NOT ES_SYSROOT)
  set(ES_SYSROOT "$ENV{HOME}/.cache/edgesight/sysroot-arm64")
endif()
set(ES_SYSROOT "${ES_SYSROOT}" CACHE PATH "arm64 sysroot (scripts/setup_arm64.sh)")
set(CMAKE_SYSROOT "${ES_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${ES_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config reads the sysroot's .pc files and prefixes their paths with it.
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_LIBDIR}
    "${ES_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${ES_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${ES_SYSROOT}")
# Libraries needed by the sysroot's libraries (transitively) are found there at link time.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${ES_SYSROOT}/usr/lib/aarch64-linux-gnu -Wl,-rpath-link,${ES_SYSROOT}/lib/aarch64-linux-gnu")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64-static -L "${ES_SYSROOT}")
