// QCustomPlot for tb_ui: its header uses Qt's lower-case keywords, which tb_ui turns off
// (QT_NO_KEYWORDS), so they are lent to it for the include only. Include this, never
// <qcustomplot.h> directly.
#pragma once

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
