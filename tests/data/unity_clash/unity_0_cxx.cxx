/* A unity batch as CMake writes one, for unity_check_catches_a_clash: a.cpp and b.cpp both
   define parse_size(const std::string&) with internal linkage. */

#include "a.cpp"

#include "b.cpp"
