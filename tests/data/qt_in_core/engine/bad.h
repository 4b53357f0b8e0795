// Fixture for tests/cmake/check_no_qt_in_core.cmake: a core-like file that includes Qt.
#pragma once
#include <QString>
