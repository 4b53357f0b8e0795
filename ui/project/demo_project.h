// The demo projects (resources/demo/*.tbproj); the workbench opens science-qa (the demo model and
// the science Q&A dataset) on a first start. Each is copied once into the user's data folder so its runs
// and edits have somewhere to live, with its data paths pointing at the installed resources.
// Also which project the workbench opens at start.
#pragma once

#include <QString>
#include <QStringList>

namespace tbui {

// The project a first start opens.
inline constexpr const char* kDefaultDemo = "science-qa";

// The demo projects shipped in resources/demo/ by name ("science-qa", "reviews", ...), the
// default first.
QStringList demoProjects();

// A demo project's file in `folder` (default: the user's data folder / projects / name), written
// there on first use. Empty with `error` set when the resources or the folder cannot be read or
// written.
QString ensureDemoProject(QString* error = nullptr, const QString& folder = {},
                          const QString& name = QString::fromLatin1(kDefaultDemo));

// The project to open at start: a .tbproj named in `args`, else the most recent one that still
// exists, else the demo project. Empty with `error` set when none can be had.
QString startupProject(const QStringList& args, QString* error = nullptr);

}  // namespace tbui
