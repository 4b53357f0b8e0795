// ensureDemoProject (see demo_project.h).
#include "ui/project/demo_project.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <exception>
#include <filesystem>

#include "core/engine/locations.h"
#include "core/engine/project.h"
#include "ui/project/project_session.h"

namespace tbui {

QStringList demoProjects() {
  const QDir dir(QString::fromStdString((tb::Locations::resources() / "demo").string()));
  QStringList names;
  for (const QFileInfo& f : dir.entryInfoList({QStringLiteral("*.tbproj")}, QDir::Files, QDir::Name)) {
    names << f.completeBaseName();
  }
  // The first start's project first.
  if (names.removeOne(QString::fromLatin1(kDefaultDemo))) names.prepend(QString::fromLatin1(kDefaultDemo));
  return names;
}

QString ensureDemoProject(QString* error, const QString& where, const QString& name) {
  const QString folder = !where.isEmpty() ? where
                                          : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                                QStringLiteral("/projects/") + name;
  const QString file = folder + QLatin1Char('/') + name + QStringLiteral(".tbproj");
  if (QFileInfo::exists(file)) return file;
  try {
    // 1. The shipped project. Its data paths name the resources ("tunebench:datasets/...") and
    //    so stay valid in the copy; any other relative one is made absolute.
    const auto source = tb::Locations::resources() / "demo" / (name.toStdString() + ".tbproj");
    tb::Project project = tb::load_project(source);
    auto keep = [&](std::filesystem::path& path) {
      if (!path.empty() && path.string().rfind(tb::kResourcePrefix, 0) != 0) path = project.resolve(path);
    };
    for (auto& d : project.data) {
      keep(d.path);
      keep(d.test_path);
    }
    // 2. Saved in the user's folder: runs go beside it.
    if (!QDir().mkpath(folder)) {
      if (error != nullptr) *error = QObject::tr("Could not create %1").arg(folder);
      return {};
    }
    project.file = file.toStdString();
    tb::save_project(project);
  } catch (const std::exception& e) {
    if (error != nullptr) *error = QString::fromUtf8(e.what());
    return {};
  }
  return file;
}

QString startupProject(const QStringList& args, QString* error) {
  for (const QString& arg : args) {
    if (arg.endsWith(QLatin1String(".tbproj"))) return QFileInfo(arg).absoluteFilePath();
  }
  for (const QString& file : ProjectSession::recentProjects()) {
    if (QFileInfo::exists(file)) return file;
  }
  return ensureDemoProject(error);
}

}  // namespace tbui
