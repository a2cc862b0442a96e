package study

import (
	"context"
	"errors"
	"time"

	"github.com/ibidbot/ibid/bot"
)

// Store keeps study sessions durably. It is declared here, in the core, so
// that SQLite (bot/sqlite) today and PostgreSQL later can stand behind it.
//
// Every method that changes state does so in one transaction, and the
// conditional ones (Decide, EndSession, Answer) change state at most once
// however often they are called: that is what makes a double click on a
// Discord button approve once and post once, and what lets a process killed
// at any moment be restarted without losing or repeating anything.
type Store interface {
	// CreateSession opens a session; ErrSessionOpen when the channel already
	// has an open one. The returned session has its ID set.
	CreateSession(ctx context.Context, s Session, a Audit) (Session, error)
	// OpenSession returns the channel's open session, or ErrNoSession.
	OpenSession(ctx context.Context, channel string) (Session, error)
	// Session returns a session by ID, open or ended, or ErrNoSession.
	Session(ctx context.Context, id int64) (Session, error)
	// EndSession marks an open session ended; changed is false when it
	// already was.
	EndSession(ctx context.Context, id int64, at time.Time, a Audit) (changed bool, err error)

	// AddQuestion queues a question, numbering it within its session. When
	// limit > 0 and the asker already has limit questions in the session it
	// returns ErrLimit, checked in the same transaction as the insert.
	AddQuestion(ctx context.Context, q Question, limit int) (Question, error)
	// Questions returns a session's questions by number.
	Questions(ctx context.Context, session int64) ([]Question, error)
	// Decide applies a moderator's decision to a question and audits it.
	// Approve and reject apply only to a pending question (changed is false
	// otherwise, and nothing is written); an approval records the question as
	// posted in the same transaction. Skip moves a pending question to the
	// back of the queue.
	Decide(ctx context.Context, d Decision, a Audit) (q Question, changed bool, err error)

	// AddRound stores a quiz round, numbering it within its session.
	AddRound(ctx context.Context, r Round, a Audit) (Round, error)
	// Rounds returns a session's quiz rounds by number, with their answers.
	Rounds(ctx context.Context, session int64) ([]Round, error)
	// Answer records a member's choice in an open round; ErrAnswered when the
	// member already answered it, ErrRoundClosed when it was revealed.
	Answer(ctx context.Context, round int64, ans QuizAnswer) error
	// Reveal closes a round; changed is false when it was already closed.
	Reveal(ctx context.Context, round int64, a Audit) (changed bool, err error)

	// AddFeedback records a 👍 or 👎 on an answer; a member's later vote on
	// the same message replaces the earlier one.
	AddFeedback(ctx context.Context, f Feedback) error
	// AuditLog returns the moderator actions of a session, oldest first.
	AuditLog(ctx context.Context, session int64) ([]Audit, error)
}

// Errors the store returns; Service passes them on, and adapters show their
// text to the user.
var (
	ErrNoSession   = errors.New("there is no study session in this channel")
	ErrSessionOpen = errors.New("a study session is already open in this channel")
	ErrLimit       = errors.New("you have asked as many questions as this session allows")
	ErrNotFound    = errors.New("no such question or quiz round in this session")
	ErrAnswered    = errors.New("you have already answered this round")
	ErrRoundClosed = errors.New("this round has been revealed")
)

// Session is one study session in one channel or thread.
type Session struct {
	ID      int64
	Channel string
	Topic   string
	Scope   bot.Scope
	// PerMember caps the questions a member may ask; 0 means no cap.
	PerMember int
	StartedBy Actor
	Started   time.Time
	Ended     time.Time // zero while open
}

// Open reports whether the session is still running.
func (s Session) Open() bool { return s.Ended.IsZero() }

// Status of a queued question.
type Status string

// Question statuses.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Question is a member's question with the answer drafted for it.
type Question struct {
	ID      int64
	Session int64
	// Number is the question's number in its session, as moderators type it
	// ("/study approve 2").
	Number int
	Asker  Actor
	Text   string
	Draft  Draft
	Status Status
	// Position orders the queue; a skip moves a question to the back.
	Position int
	Asked    time.Time
	// DecidedBy, Reason and Decided describe the final decision, if any.
	DecidedBy Actor
	Reason    string
	Decided   time.Time
	// Posted is when an approved question was posted (set in the same
	// transaction as the approval, so it is posted once).
	Posted time.Time
}

// Draft is an answer drafted by the bot. Quotes are stored as paragraph IDs
// and byte offsets, never as text, and are cut from the corpus again when
// shown, so a transcript can only ever quote the corpus.
type Draft struct {
	Lead    string
	Refused bool
	Quotes  []QuoteRef
}

// QuoteRef locates a quote: bytes [Start, End) of paragraph Paragraph.
type QuoteRef struct {
	Paragraph  string `json:"paragraph"`
	Start, End int
}

// Decision is what a moderator does with a queued question.
type Decision struct {
	Question int64
	Action   DecisionAction
	By       Actor
	Reason   string
	At       time.Time
}

// DecisionAction is approve, reject or skip.
type DecisionAction string

// Decision actions.
const (
	Approve DecisionAction = "approve"
	Reject  DecisionAction = "reject"
	Skip    DecisionAction = "skip"
)

// Round is one quiz question: a sentence of an in-scope paragraph with one
// word blanked out, and four choices of which one is that word.
type Round struct {
	ID      int64
	Session int64
	Number  int
	// Paragraph, Sentence and Blank locate the quoted sentence and the
	// hidden word in the corpus (byte offsets into the paragraph's text).
	Paragraph string
	Sentence  [2]int
	Blank     [2]int
	Kind      BlankKind
	// Choices are the four words offered; Correct indexes the hidden one.
	Choices []string
	Correct int
	Created time.Time
	Closed  bool
	Answers []QuizAnswer
}

// QuizAnswer is one member's choice in a round.
type QuizAnswer struct {
	Member Actor
	Choice int
	At     time.Time
}

// Feedback is a 👍 or 👎 on an answer the bot gave, keyed by the message it
// was given in.
type Feedback struct {
	Message  string
	Question string
	Answer   string
	User     string
	Up       bool
	At       time.Time
}

// Audit is one moderator action, kept for accountability.
type Audit struct {
	Session int64
	Actor   Actor
	Action  string
	Target  string
	Detail  string
	At      time.Time
}
