// The demo project the workbench opens on a first start: resources/demo/science-qa.tbproj (the
// demo model and the science Q&A dataset), copied once into the user's data folder so its runs
// and edits have somewhere to live, with its data paths pointing at the installed resources.
// Also which project the workbench opens at start.
#pragma once

#include <QString>
#include <QStringList>

namespace tbui {

// The demo project's file in `folder` (default: the user's data folder), written there on first
// use. Empty with `error` set when the resources or the folder cannot be read or written.
QString ensureDemoProject(QString* error = nullptr, const QString& folder = {});

// The project to open at start: a .tbproj named in `args`, else the most recent one that still
// exists, else the demo project. Empty with `error` set when none can be had.
QString startupProject(const QStringList& args, QString* error = nullptr);

}  // namespace tbui
