// Fixture for check_torch_free.cmake: the offending include.
#pragma once
#include <ATen/Tensor.h>
