// Fixture for check_torch_free.cmake: torch reached two headers down.
#include "core/io/reader.h"
