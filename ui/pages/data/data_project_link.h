// Keeps the Data step and the open project in step: opening a project imports its first data
// source with its shape, template and split; a successful import writes the page's choices back
// as that source; curation edits (and examples sent from the Compare step) are saved, a second
// after the last edit, as <project>/data/<file>-curated.jsonl, which becomes the source — so a
// run trains on exactly what the table shows. Other data sources of the project are kept.
#pragma once

#include <QObject>

class QTimer;

namespace tbui {

class DataPage;
class ProjectSession;

class DataProjectLink : public QObject {
  Q_OBJECT

 public:
  DataProjectLink(DataPage* page, ProjectSession* session, QObject* parent = nullptr);

  // Writes the curated examples now when there are unsaved edits; false with `error` when it
  // cannot. The Train step calls it before a run starts.
  bool saveCurated(QString* error = nullptr);

 Q_SIGNALS:
  void curatedSaved(const QString& path);

 private:
  void loadFromProject();
  void storeSource();

  DataPage* page_;
  ProjectSession* session_;
  QTimer* curate_;
  bool loading_ = false;
};

}  // namespace tbui
