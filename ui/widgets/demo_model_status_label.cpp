// DemoModelStatusLabel (see demo_model_status_label.h).
#include "ui/widgets/demo_model_status_label.h"

#include <QFileInfo>

#include "core/common/units.h"
#include "core/engine/locations.h"

namespace tbui {

DemoModelStatusLabel::DemoModelStatusLabel(QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("demoModelStatus"));
  const QString path =
      QString::fromStdString(tb::Locations::from_environment().demo_model().string());
  const QFileInfo file(path);
  if (file.isFile()) {
    setText(tr("Demo model ready: %1 (%2)")
                .arg(file.fileName(),
                     QString::fromStdString(tb::format_bytes(static_cast<std::uint64_t>(file.size())))));
    setToolTip(path);
  } else {
    // The command is selectable so it can be copied into a terminal.
    const QString fetch = QString::fromStdString(tb::Locations::demo_model_fetch_command());
    setText(tr("Demo model missing: fetch it once with %1").arg(fetch));
    setToolTip(tr("Expected at %1").arg(path));
    setTextInteractionFlags(Qt::TextSelectableByMouse);
  }
}

}  // namespace tbui
