// Precompiled header for tb_core and the tests that use torch: libtorch's headers are most of
// a core file's compile time. Only torch goes here; our own headers are included normally.
#pragma once

#include <torch/torch.h>
