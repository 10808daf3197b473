// Replay driver for libFuzzer targets in the normal (gcc) build; see oxbow_fuzz in
// cmake/OxbowTargets.cmake.
//
//   <target>_replay PATH...
//
// Runs LLVMFuzzerTestOneInput on every file under the given files and directories (recursively),
// then on kMutationsPerSeed deterministic mutations of each (bit flips, byte overwrites with
// boundary values, truncations), so every `ctest` exercises the decoders beyond the seeds
// without a fuzzing toolchain. The same inputs run every time: a failure reproduces.
// Exit status: 0 when all inputs ran (a crash or abort in the target ends the process
// instead), 1 when no input files were found, 2 on a usage error.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr int kMutationsPerSeed = 3000;

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Run(const std::vector<uint8_t>& input) {
  // Copy to an exactly-sized heap buffer so sanitizers see reads past the end.
  std::vector<uint8_t> copy(input);
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

std::vector<uint8_t> Mutate(const std::vector<uint8_t>& seed, std::mt19937_64& rng) {
  std::vector<uint8_t> m = seed;
  if (m.empty()) return m;
  switch (rng() % 4) {
    case 0: {  // flip one to four bits
      for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
        m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      }
      break;
    }
    case 1: {  // overwrite a byte with a boundary value
      static constexpr uint8_t kValues[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
      m[rng() % m.size()] = kValues[rng() % std::size(kValues)];
      break;
    }
    case 2:  // truncate
      m.resize(rng() % m.size());
      break;
    default: {  // flip a bit and truncate
      m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      m.resize(m.size() - rng() % std::min<size_t>(m.size(), 16));
      break;
    }
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no input files found in the given paths\n");
    return 1;
  }
  std::sort(files.begin(), files.end());  // deterministic order, hence deterministic seeds

  size_t runs = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    std::vector<uint8_t> seed = ReadFile(files[i]);
    Run(seed);
    ++runs;
    std::mt19937_64 rng(0x0b0bULL * (i + 1));
    for (int m = 0; m < kMutationsPerSeed; ++m) {
      Run(Mutate(seed, rng));
      ++runs;
    }
  }
  std::printf("fuzz_replay: ran %zu inputs (%zu files, %d mutations each)\n", runs, files.size(),
              kMutationsPerSeed);
  return 0;
}
