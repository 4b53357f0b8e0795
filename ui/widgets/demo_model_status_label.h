// Status-bar label saying whether the demo model (SmolLM2-135M-Instruct) is in the model cache,
// and if not, the one command that puts it there. Checks existence and size only; the full
// hash check is `tunebench-cli doctor`.
#pragma once

#include <QLabel>

namespace tbui {

class DemoModelStatusLabel : public QLabel {
  Q_OBJECT

 public:
  explicit DemoModelStatusLabel(QWidget* parent);
};

}  // namespace tbui
