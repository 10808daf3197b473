# One helper per kind of target, so every target of a kind is built the same way.
#
#   oxbow_library(NAME SOURCES ... DEPS ...)     static library oxbow_<NAME>
#   oxbow_executable(NAME SOURCES ... DEPS ...)  a program
#   oxbow_test(NAME SOURCES ... DEPS ... [LABELS ...] [TIMEOUT s])  GoogleTest binary run by CTest
#   oxbow_benchmark(NAME SOURCES ... DEPS ...)   Google Benchmark binary (not run by CTest)
#   oxbow_fuzz(NAME SOURCES ... DEPS ...)        libFuzzer target (clang, OXBOW_FUZZ=ON)
include(CMakeParseArguments)

set(OXBOW_WARNINGS -Wall -Wextra -Werror -Wno-unused-parameter)

set(OXBOW_SANITIZER_FLAGS "")
if(OXBOW_SANITIZE)
  set(OXBOW_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
                            -fno-sanitize-recover=undefined)
endif()
if(OXBOW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "OXBOW_FUZZ=ON needs clang: CXX=clang++ CC=clang cmake ...")
  endif()
  set(OXBOW_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
endif()

function(_oxbow_common target)
  target_compile_options(${target} PRIVATE ${OXBOW_WARNINGS} ${OXBOW_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${OXBOW_SANITIZER_FLAGS})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
endfunction()

function(oxbow_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(oxbow_${name} STATIC ${ARG_SOURCES})
  _oxbow_common(oxbow_${name})
  target_link_libraries(oxbow_${name} PUBLIC ${ARG_DEPS})
endfunction()

function(oxbow_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _oxbow_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

function(oxbow_test name)
  if(OXBOW_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS;ARGS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _oxbow_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} ${ARG_ARGS} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "unit;${ARG_LABELS}")
endfunction()

function(oxbow_benchmark name)
  if(OXBOW_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  _oxbow_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

# A fuzz target defines LLVMFuzzerTestOneInput. With OXBOW_FUZZ=ON it links libFuzzer.
# In the normal build it links a replay driver that runs the checked-in seed corpus, so
# corpus regressions are caught by every `make test`; when OXBOW_FUZZ_BUILD_DIR names a
# fuzz build, CTest also runs the real coverage-guided fuzzer for a few seconds.
function(oxbow_fuzz name)
  cmake_parse_arguments(ARG "" "CORPUS;SECONDS" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_SECONDS)
    set(ARG_SECONDS 15)
  endif()
  if(OXBOW_FUZZ)
    add_executable(${name} ${ARG_SOURCES})
    _oxbow_common(${name})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    return()
  endif()
  add_executable(${name}_replay ${ARG_SOURCES} ${CMAKE_SOURCE_DIR}/tests/fuzz_replay_main.cc)
  _oxbow_common(${name}_replay)
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
  add_test(NAME ${name}_replay COMMAND ${name}_replay ${ARG_CORPUS})
  set_tests_properties(${name}_replay PROPERTIES LABELS "unit;fuzz" TIMEOUT 120)
  if(OXBOW_FUZZ_BUILD_DIR)
    file(RELATIVE_PATH rel ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR})
    set(fuzzer ${OXBOW_FUZZ_BUILD_DIR}/${rel}/${name})
    set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus)
    add_test(NAME ${name}_libfuzzer
             COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                     ${CMAKE_SOURCE_DIR}/scripts/run-fuzzer.sh ${fuzzer} ${ARG_SECONDS}
                     ${work} ${ARG_CORPUS})
    set_tests_properties(${name}_libfuzzer PROPERTIES LABELS "fuzz" TIMEOUT 300
                         SKIP_RETURN_CODE 77)
  endif()
endfunction()
