// The Compare step: the base model and a run's tuned model side by side. "Chat" streams both
// answers to one prompt at once (with shared sampling settings), has a blind mode whose votes
// go into the project, and lets an expert correct the tuned answer and send it to the Data
// step. "Batch compare" lists the run's answers to its test prompts with word differences
// against the reference. The models run on the engine's worker (EngineBridge); this page only
// shows.
#pragma once

#include <QRandomGenerator>
#include <QString>
#include <QWidget>
#include <array>
#include <vector>

#include "core/data/example.h"
#include "core/engine/chat_request.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QWidget;

namespace tbui {

class BatchCompareModel;
class DiffView;
class EngineBridge;
class ProjectSession;

class ComparePage : public QWidget {
  Q_OBJECT

 public:
  ComparePage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // The run whose tuned model answers ("" = the base model only). Starts a new conversation and
  // loads the run's batch answers.
  void setRun(const QString& runDir);
  QString run() const { return run_; }
  // Lists the project's runs that have a report.json, newest first (also on runsChanged()).
  void refreshRuns();
  QComboBox* runChooser() const { return runs_; }

  // Chat. sendPrompt() asks both models (the engine's chat job) and watches that job.
  void sendPrompt(const QString& text);
  // Shows job `job`'s answers to `prompt` as the next turn (sendPrompt's second half; tests
  // call it with a job id of their own and feed the bridge's signals).
  void watchJob(quint64 job, const QString& prompt);
  void stop();
  void newConversation();
  bool busy() const { return job_ != 0; }
  // The plain text of the pane that shows the base (tuned) model's answers.
  QString baseText() const;
  QString tunedText() const;
  QString leftTitle() const;
  QString rightTitle() const;
  QString statusText(int pane) const;  // under pane 0 (left) or 1 (right)
  QString errorText() const;
  tb::ChatSampling sampling() const;

  // Blind mode: the answers are "Answer A" (left) and "Answer B" (right), sides shuffled per
  // prompt, until a vote: "left", "right" or "tie" as displayed.
  bool blind() const { return blind_; }
  void setBlind(bool on);
  void vote(const QString& choice);
  QString tallyText() const;
  QString revealText() const;
  // The shuffle's seed: the same seed gives the same order of sides.
  quint32 shuffleSeed() const { return shuffleSeed_; }
  void setShuffleSeed(quint32 seed) {
    shuffleSeed_ = seed;
    shuffle_.seed(seed);
  }

  // Corrections: edit the tuned answer in place and send it to the Data step.
  void startCorrection();
  QPlainTextEdit* correctionEditor() const { return correction_; }
  void addCorrection();
  QString correctionNote() const;

  // Batch compare.
  BatchCompareModel* batchModel() const { return batch_; }
  QTableView* batchTable() const { return batchTable_; }
  void showBatchRow(int row);
  DiffView* batchDiff(int side) const { return side == 0 ? batchBase_ : batchTuned_; }
  QTabWidget* tabs() const { return tabs_; }

 Q_SIGNALS:
  // A corrected answer: {user: prompt, assistant: the corrected answer}, tagged "from-compare".
  void exampleCorrected(const tb::data::Example& example);

 private:
  QWidget* buildChatTab();
  QWidget* buildBatchTab();
  int paneOf(int side) const { return blind_ && swapped_ ? 1 - side : side; }
  QString runName() const;
  void onToken(quint64 job, int side, const QString& text);
  void onFinished(quint64 job, int side, const QString& text, const QString& stopReason,
                  double tokensPerS);
  void onJobState(quint64 job, const QString& name, const QString& state, const QString& message);
  void appendToPane(int pane, const QString& text, bool user = false);
  void endTurn();
  void updateTitles();
  void updateControls();
  void updateTally();

  EngineBridge* bridge_;
  ProjectSession* session_;
  QString run_;

  // The conversation: the user's turns and the base model's answers (see sendPrompt).
  std::vector<tb::ChatMessage> history_;
  QString prompt_;               // the current turn's prompt
  quint64 job_ = 0;              // the chat job being shown; 0 = idle
  int sides_ = 1;                // 2 when a run answers too
  std::array<QString, 2> text_;  // the current turn's answers, by side (0 base, 1 tuned)
  std::array<bool, 2> done_{};
  std::array<QString, 2> stats_;  // "N tok/s · stopped at …", by side

  bool blind_ = false;
  bool swapped_ = false;  // blind: the base answer is on the right
  bool voted_ = false;
  quint32 shuffleSeed_;
  QRandomGenerator shuffle_;

  QComboBox* runs_;
  QTabWidget* tabs_;
  std::array<QLabel*, 2> titles_{};
  std::array<QTextBrowser*, 2> panes_{};
  std::array<QLabel*, 2> status_{};
  QLabel* error_;
  QDoubleSpinBox* temperature_;
  QDoubleSpinBox* topP_;
  QSpinBox* topK_;
  QSpinBox* maxTokens_;
  QSpinBox* seed_;
  QCheckBox* blindBox_;
  QWidget* voteRow_;
  QPushButton* voteLeft_;
  QPushButton* voteRight_;
  QPushButton* voteTie_;
  QLabel* reveal_;
  QLabel* tally_;
  QPlainTextEdit* promptBox_;
  QPushButton* send_;
  QPushButton* stop_;
  QPushButton* newConversation_;
  QPushButton* edit_;
  QWidget* correctionPanel_;
  QPlainTextEdit* correction_;
  QLabel* note_;

  BatchCompareModel* batch_;
  QLabel* batchEmpty_;
  QTableView* batchTable_;
  QLabel* batchPrompt_;
  QTextBrowser* batchReference_;
  DiffView* batchBase_;
  DiffView* batchTuned_;
  QLabel* batchScores_;
};

}  // namespace tbui
