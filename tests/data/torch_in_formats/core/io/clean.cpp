// Fixture for check_torch_free.cmake: a torch-free source.
#include <string>
