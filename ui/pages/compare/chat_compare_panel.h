// The Compare step's "Chat" tab: one prompt, the base model's and the tuned model's answers
// streamed side by side with shared sampling settings; a blind mode whose votes go into the
// project; and an inline editor that turns a corrected tuned answer into a training example.
// The models run on the engine's worker (EngineBridge's chat job); this panel only shows.
#pragma once

#include <QRandomGenerator>
#include <QString>
#include <QWidget>
#include <array>
#include <vector>

#include "core/data/example.h"
#include "core/engine/chat_request.h"
#include "ui/bridge/job_handle.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace tbui {

class EngineBridge;
class ProjectSession;

class ChatComparePanel : public QWidget {
  Q_OBJECT

 public:
  ChatComparePanel(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // The run whose tuned model answers ("" = the base model only): stops a turn in progress,
  // leaves blind mode without a run, and starts a new conversation.
  void setRun(const QString& runDir);

  // sendPrompt() asks both models (the engine's chat job) and watches that job.
  void sendPrompt(const QString& text);
  // Shows job `job`'s answers to `prompt` as the next turn (sendPrompt's second half; tests
  // call it with a handle of their own and emit its signals).
  void watchJob(JobHandle* job, const QString& prompt);
  void stop();
  void newConversation();
  bool busy() const { return !job_.isNull(); }
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

 Q_SIGNALS:
  // A corrected answer: {user: prompt, assistant: the corrected answer}, tagged "from-compare".
  void exampleCorrected(const tb::data::Example& example);
  // Each time the controls are brought up to date (also when busy() did not change): the page
  // locks its run chooser while a turn is in progress.
  void busyChanged(bool busy);

 private:
  int paneOf(int side) const { return blind_ && swapped_ ? 1 - side : side; }
  QString runName() const;
  void onToken(int side, const QString& text);
  void onFinished(int side, const QString& text, const QString& stopReason, double tokensPerS);
  void onEnded(JobEnd how, const QString& message);
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
  QPointer<JobHandle> job_;      // the chat job being shown; null = idle
  int sides_ = 1;                // 2 when a run answers too
  std::array<QString, 2> text_;  // the current turn's answers, by side (0 base, 1 tuned)
  std::array<bool, 2> done_{};
  std::array<QString, 2> stats_;  // "N tok/s · stopped at …", by side

  bool blind_ = false;
  bool swapped_ = false;  // blind: the base answer is on the right
  bool voted_ = false;
  quint32 shuffleSeed_;
  QRandomGenerator shuffle_;

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
};

}  // namespace tbui
