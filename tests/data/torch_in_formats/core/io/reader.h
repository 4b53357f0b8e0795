// Fixture for check_torch_free.cmake.
#pragma once
#include "core/io/tensor_view.h"
