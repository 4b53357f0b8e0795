// A run's report for people outside the workbench: report.md (or eval.md) saved elsewhere with its
// chart images copied beside it, or rendered to PDF through QTextDocument and QPdfWriter with the
// charts embedded. Both are written atomically (QSaveFile). GUI thread; no torch. Not for making
// the report itself: core writes report.md when a run ends.
#pragma once

#include <QString>
#include <QStringList>
#include <memory>

class QTextDocument;

namespace tbui {

// The relative image links of a Markdown text (`![alt](loss.png)`), in order, each once.
QStringList markdownImages(const QString& markdown);

// Copies `markdownFile` to `path`; the images it links (relative to its folder) go into a folder
// "<name>-charts" beside `path`, and the links are changed to point there. False with `error`.
bool writeReportMarkdown(const QString& markdownFile, const QString& path,
                         QString* error = nullptr);

// A document of the Markdown with its images (relative to `imageDir`) embedded as resources
// and scaled to the width of an A4 page.
std::unique_ptr<QTextDocument> reportDocument(const QString& markdown, const QString& imageDir);

// Renders `markdownFile` (with its images) to a PDF at `path`. False with `error`.
bool writeReportPdf(const QString& markdownFile, const QString& path, QString* error = nullptr);

}  // namespace tbui
