// Where the tests find their inputs and write their outputs: the source tree, the build tree,
// the venv's Python, the parity fixtures, the demo model. Given at run time by one generated
// object (test_paths.cpp.in), never as -D flags: a flag holding the checkout's absolute path
// would make every test file miss the compiler cache in a fresh clone.
#pragma once

#include <string>

namespace tb_test {

std::string source_dir();      // the checkout's root
std::string binary_dir();      // the build tree's root
std::string venv_python();     // the Python with torch and the reference libraries
std::string parity_scripts();  // tests/parity in the source tree
std::string parity_out();      // where the parity fixtures are written (build tree)
std::string demo_model_path(); // the demo model in the model cache
std::string tiny_model();      // the tiny random Llama of the parity fixtures
// A scratch folder of this test program's own in the build tree (created by the caller).
std::string test_tmp();

}  // namespace tb_test
