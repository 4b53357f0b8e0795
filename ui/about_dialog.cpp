// AboutDialog (see about_dialog.h).
#include "ui/about_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/common/build_info.h"
#include "ui/bridge/engine_bridge.h"

namespace tbui {

AboutDialog::AboutDialog(const EngineBridge& bridge, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("aboutDialog"));
  setWindowTitle(tr("About Tunebench"));

  QVector<QPair<QString, QString>> rows = {
      {tr("Tunebench"), QString::fromLatin1(tb::build_info::kVersion)},
      {tr("Qt"), tr("%1 (built with %2)").arg(QString::fromLatin1(qVersion()),
                                              QStringLiteral(QT_VERSION_STR))},
  };
  if (const auto& device = bridge.device()) {
    rows.append({tr("libtorch"), QString::fromStdString(device->libtorch_version)});
    rows.append({tr("CUDA"), device->cuda_build_version.empty()
                                 ? tr("none (CPU-only libtorch)")
                                 : tr("%1 (libtorch's build)").arg(QString::fromStdString(
                                       device->cuda_build_version))});
    rows.append({tr("Device"), QString::fromStdString(device->summary())});
  } else {
    rows.append({tr("libtorch"), tr("not probed yet")});
  }

  QString html = QStringLiteral("<h2>Tunebench</h2><p>%1</p><table cellspacing='4'>")
                     .arg(tr("Fine-tune language models on your own data, on your own machine."));
  for (const auto& [name, value] : rows) {
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    facts_ += name + QStringLiteral(": ") + value + QLatin1Char('\n');
  }
  html += QStringLiteral("</table>");

  auto* layout = new QVBoxLayout(this);
  auto* label = new QLabel(html, this);
  label->setObjectName(QStringLiteral("aboutFacts"));
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(label);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto* copy = buttons->addButton(tr("Copy details"), QDialogButtonBox::ActionRole);
  connect(copy, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(facts_); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

}  // namespace tbui
