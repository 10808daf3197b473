# Every third-party library comes from a Debian package (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Snappy CONFIG REQUIRED)
find_package(zstd CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# JSON records on the hot path (src/stream; fuzzed, so also in fuzz builds).
find_package(simdjson CONFIG REQUIRED)
# SQL parsing: libpg_query (no CMake or pkg-config file in Debian) and protobuf, whose protoc
# compiles libpg_query's pg_query.proto at build time (src/sql/CMakeLists.txt).
find_package(Protobuf REQUIRED)
find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_library(PG_QUERY_LIBRARY pg_query REQUIRED)
find_file(PG_QUERY_PROTO pg_query.proto PATHS ${PG_QUERY_INCLUDE_DIR}/pg_query REQUIRED NO_DEFAULT_PATH)
add_library(pg_query::pg_query UNKNOWN IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES IMPORTED_LOCATION ${PG_QUERY_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${PG_QUERY_INCLUDE_DIR})
if(NOT OXBOW_FUZZ)
  find_package(CLI11 CONFIG REQUIRED)
  find_package(tomlplusplus CONFIG REQUIRED)
  find_package(GTest CONFIG REQUIRED)
  find_package(benchmark CONFIG REQUIRED)
  pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
  # Streaming state (src/stream): RocksDB.
  find_package(RocksDB CONFIG REQUIRED)
endif()
