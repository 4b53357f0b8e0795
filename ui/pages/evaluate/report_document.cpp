// Saving a run's report as Markdown or PDF (see report_document.h).
#include "ui/pages/evaluate/report_document.h"
#include "ui/pages/runs/run_summary.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFont>
#include <QImage>
#include <QPageLayout>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextImageFormat>
#include <QUrl>
#include <QVector>

#include <optional>
#include <utility>

namespace tbui {
namespace {

void set_error(QString* error, const QString& text) {
  if (error != nullptr) *error = text;
}

const QRegularExpression& imageLink() {
  static const QRegularExpression re(QStringLiteral("!\\[([^\\]]*)\\]\\(([^)\\s]+)\\)"));
  return re;
}

// A link to a file inside the report's folder: no scheme, not absolute, no "..".
bool localRelative(const QString& link) {
  if (link.contains(QLatin1Char(':')) || link.startsWith(QLatin1Char('/')) ||
      link.startsWith(QLatin1Char('\\'))) {
    return false;
  }
  return !link.split(QRegularExpression(QStringLiteral("[/\\\\]"))).contains(QStringLiteral(".."));
}

bool writeAtomic(const QString& path, const QByteArray& bytes, QString* error) {
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
    set_error(
        error,
        QObject::tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), out.errorString()));
    return false;
  }
  return true;
}

// An A4 page with 18 mm margins, as the PDF has it.
QPageLayout pageLayout() {
  return QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(18, 18, 18, 18),
                     QPageLayout::Millimeter);
}

}  // namespace

QStringList markdownImages(const QString& markdown) {
  QStringList out;
  auto it = imageLink().globalMatch(markdown);
  while (it.hasNext()) {
    const QString link = it.next().captured(2);
    if (localRelative(link) && !out.contains(link)) out << link;
  }
  return out;
}

bool writeReportMarkdown(const QString& markdownFile, const QString& path, QString* error) {
  const auto bytes = readRunFile(markdownFile, error);
  if (!bytes) return false;
  QString markdown = QString::fromUtf8(*bytes);
  const QDir source = QFileInfo(markdownFile).absoluteDir();
  const QFileInfo target(path);
  const QDir targetDir = target.absoluteDir();
  if (!targetDir.exists() && !QDir().mkpath(targetDir.path())) {
    set_error(error, QObject::tr("Cannot create the folder %1.")
                    .arg(QDir::toNativeSeparators(targetDir.path())));
    return false;
  }
  // 1. The charts, copied into "<name>-charts" beside the report (unless it is saved in place).
  const QString chartsName = target.completeBaseName() + QStringLiteral("-charts");
  const bool inPlace = source.absolutePath() == targetDir.absolutePath();
  for (const QString& image : markdownImages(markdown)) {
    if (inPlace || !source.exists(image)) continue;
    const auto data = readRunFile(source.filePath(image), error);
    if (!data) return false;
    const QString copy = targetDir.filePath(chartsName + QLatin1Char('/') + image);
    if (!QDir().mkpath(QFileInfo(copy).absolutePath())) {
      set_error(error, QObject::tr("Cannot create the folder %1.")
                      .arg(QDir::toNativeSeparators(QFileInfo(copy).absolutePath())));
      return false;
    }
    if (!writeAtomic(copy, *data, error)) return false;
    const QString link = QString::fromLatin1(
        QUrl::toPercentEncoding(chartsName + QLatin1Char('/') + image, "/-_.~"));
    markdown.replace(QStringLiteral("](%1)").arg(image), QStringLiteral("](%1)").arg(link));
  }
  // 2. The report itself.
  return writeAtomic(path, markdown.toUtf8(), error);
}

std::unique_ptr<QTextDocument> reportDocument(const QString& markdown, const QString& imageDir) {
  auto doc = std::make_unique<QTextDocument>();
  // 1. The page in the document's units (1/96 inch), so print() scales it onto the PDF's page.
  const QSizeF page = pageLayout().paintRectPoints().size() * (96.0 / 72.0);
  doc->setPageSize(page);
  doc->setDocumentMargin(0);
  QFont font = doc->defaultFont();
  font.setPointSizeF(9.5);
  doc->setDefaultFont(font);
  // 2. The text, then the charts embedded (setMarkdown clears the resources): the document holds
  // the images, not their paths.
  doc->setMarkdown(markdown);
  const QDir dir(imageDir);
  for (const QString& image : markdownImages(markdown)) {
    QImage picture(dir.filePath(image));
    if (!picture.isNull()) doc->addResource(QTextDocument::ImageResource, QUrl(image), picture);
  }
  // 3. Charts wider than the text are scaled down to its width.
  const double width = page.width() - 2 * doc->documentMargin();
  QVector<std::pair<QTextFragment, QTextImageFormat>> wide;
  for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (!fragment.isValid() || !fragment.charFormat().isImageFormat()) continue;
      QTextImageFormat format = fragment.charFormat().toImageFormat();
      const QImage picture =
          doc->resource(QTextDocument::ImageResource, QUrl(format.name())).value<QImage>();
      if (picture.isNull() || picture.width() <= width) continue;
      format.setWidth(width);
      format.setHeight(picture.height() * width / picture.width());
      wide.push_back({fragment, format});
    }
  }
  for (const auto& [fragment, format] : wide) {
    QTextCursor cursor(doc.get());
    cursor.setPosition(fragment.position());
    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
    cursor.setCharFormat(format);
  }
  return doc;
}

bool writeReportPdf(const QString& markdownFile, const QString& path, QString* error) {
  const auto bytes = readRunFile(markdownFile, error);
  if (!bytes) return false;
  const auto doc =
      reportDocument(QString::fromUtf8(*bytes), QFileInfo(markdownFile).absolutePath());
  // Rendered into memory first; the file appears whole or not at all.
  QBuffer buffer;
  buffer.open(QIODevice::WriteOnly);
  {
    QPdfWriter writer(&buffer);
    writer.setPageLayout(pageLayout());
    writer.setResolution(300);
    writer.setCreator(QStringLiteral("Tunebench"));
    writer.setTitle(QFileInfo(markdownFile).dir().dirName() + QStringLiteral(" — ") +
                    QFileInfo(markdownFile).completeBaseName());
    doc->print(&writer);
  }
  buffer.close();
  if (!buffer.data().startsWith("%PDF")) {
    set_error(error, QObject::tr("The PDF could not be rendered."));
    return false;
  }
  const QDir targetDir = QFileInfo(path).absoluteDir();
  if (!targetDir.exists() && !QDir().mkpath(targetDir.path())) {
    set_error(error, QObject::tr("Cannot create the folder %1.")
                    .arg(QDir::toNativeSeparators(targetDir.path())));
    return false;
  }
  return writeAtomic(path, buffer.data(), error);
}

}  // namespace tbui
