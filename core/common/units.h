// Numbers for people, written one way everywhere (the GUI, the CLI, reports, the estimate):
// bytes in decimal (SI) units, durations rounded as an estimate says them, and elapsed or
// remaining times as a progress line counts them. Not for machine-readable output (JSON keeps
// plain numbers).
#pragma once

#include <cstdint>
#include <string>

namespace tb {

// "0 B", "512 B", "7 MB", "1.9 GB", "540 MB", "12 GB"; one decimal below 10.
std::string format_bytes(std::uint64_t bytes);

// An estimated duration: "0.04 s", "12 s", "7.5 min", "2.5 h", "3 days"; "0 s" for none.
std::string format_duration(double seconds);

// Elapsed or remaining time of something running: "12 s", "3 min 05 s", "1 h 02 min"; "—" when
// not known (negative, NaN or infinite).
std::string format_elapsed(double seconds);

}  // namespace tb
