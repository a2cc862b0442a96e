// Package study runs moderated study-group sessions: members ask questions
// that are queued with a drafted, cited answer; a moderator approves (the
// question and its answer are posted) or rejects them; quizzes are made from
// the quoted sentences of in-scope paragraphs; the session ends with a
// Markdown transcript and a bibliography.
//
// The package is platform-independent: each operation takes the Actor doing
// it (whose moderator flag the adapter computes from Discord permissions or
// the console's flags) and returns a Reply describing what to show, and to
// whom. It never sends anything. State lives behind Store.
package study

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/corpus"
)

// Actor is the member doing something. Moderator is computed by the adapter
// (Manage Messages or a configured role on Discord, --moderator at the
// console) and checked here on every moderator operation.
type Actor struct {
	ID, Name  string
	Moderator bool
}

// Reply is what an operation produces; the adapter sends it.
type Reply struct {
	// Public is posted in the session's channel for everyone.
	Public string
	// Private is shown only to the actor (an ephemeral message).
	Private string
	// Notices are private messages to other members (a rejected asker).
	Notices []Notice
	// Items are entries shown with buttons (the queue, a quiz round); they
	// are public when Public is set, private otherwise.
	Items []Item
	// Transcript, when set, is a Markdown file to attach.
	Transcript string
}

// Notice is a private message to one member.
type Notice struct {
	UserID, Text string
}

// Item is one entry with its buttons.
type Item struct {
	Text    string
	Actions []Action
}

// Action is a button, described neutrally: ID is what Press takes back.
type Action struct {
	ID, Label string
}

// Asker drafts answers; *bot.Bot is one.
type Asker interface {
	Ask(ctx context.Context, question string, scope bot.Scope, conv *bot.Conversation, onLead func(string)) (bot.Answer, error)
}

// Errors for what a member may not do.
var (
	ErrNotModerator = errors.New("only a moderator can do this")
	ErrOwnQuestion  = errors.New("no one approves their own question")
	ErrNoRounds     = errors.New("no quiz question can be made from this session's scope")
	ErrBadScope     = errors.New("the corpus has no such source or chapter")
)

// Service runs study sessions. It is safe for concurrent use: all state is
// in the Store.
type Service struct {
	store  Store
	asker  Asker
	corpus *corpus.Corpus
	now    func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock, for tests and transcripts that must not change.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service keeping state in st, drafting answers with a, and
// quoting corpus c.
func New(st Store, a Asker, c *corpus.Corpus, opts ...Option) *Service {
	s := &Service{store: st, asker: a, corpus: c, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// DefaultPerMember is how many questions a member may ask when the session
// does not say: enough to take part, not enough to flood the queue.
const DefaultPerMember = 3

// StartOptions are the options of /study start.
type StartOptions struct {
	Topic string
	// Scope limits drafts and quizzes to a document or chapter.
	Scope bot.Scope
	// PerMember caps each member's questions; 0 means DefaultPerMember,
	// negative means no cap.
	PerMember int
}

// Start opens a session in channel. Moderators only.
func (s *Service) Start(ctx context.Context, channel string, who Actor, o StartOptions) (Reply, error) {
	if !who.Moderator {
		return Reply{}, ErrNotModerator
	}
	o.Topic = strings.TrimSpace(o.Topic)
	if o.Topic == "" {
		return Reply{}, errors.New("a session needs a topic")
	}
	if err := s.checkScope(o.Scope); err != nil {
		return Reply{}, err
	}
	switch {
	case o.PerMember == 0:
		o.PerMember = DefaultPerMember
	case o.PerMember < 0:
		o.PerMember = 0
	}
	now := s.now()
	sess, err := s.store.CreateSession(ctx, Session{Channel: channel, Topic: o.Topic, Scope: o.Scope, PerMember: o.PerMember, StartedBy: who, Started: now},
		Audit{Actor: who, Action: "start", Target: channel, Detail: o.Topic, At: now})
	if err != nil {
		return Reply{}, err
	}
	limit := "no limit on questions"
	if sess.PerMember > 0 {
		limit = fmt.Sprintf("up to %d questions each", sess.PerMember)
	}
	return Reply{Public: fmt.Sprintf("Study session on %q opened by %s (%s; %s). Ask with /study ask question:\"…\"; a moderator approves each answer before it is posted.",
		sess.Topic, who.Name, s.scopeText(sess.Scope), limit)}, nil
}

func (s *Service) checkScope(sc bot.Scope) error {
	if sc.Doc == "" {
		if sc.Division != "" {
			return fmt.Errorf("%w: a chapter needs a source", ErrBadScope)
		}
		return nil
	}
	d, ok := s.corpus.Doc(sc.Doc)
	if !ok {
		return fmt.Errorf("%w: %q", ErrBadScope, sc.Doc)
	}
	if sc.Division == "" {
		return nil
	}
	for _, div := range d.Divisions {
		if div.Key == sc.Division {
			return nil
		}
	}
	return fmt.Errorf("%w: %s has no chapter %q", ErrBadScope, sc.Doc, sc.Division)
}

func (s *Service) scopeText(sc bot.Scope) string {
	if sc.Doc == "" {
		return "the whole corpus"
	}
	d, ok := s.corpus.Doc(sc.Doc)
	if !ok {
		return sc.Doc
	}
	t := d.Meta.ShortCitation()
	for _, div := range d.Divisions {
		if div.Key == sc.Division {
			t += ", " + div.Label
		}
	}
	return t
}

// Ask queues a member's question with an answer drafted in the session's
// scope. A draft that refuses is queued too, marked, so that the moderator
// sees the corpus does not answer it.
func (s *Service) Ask(ctx context.Context, channel string, who Actor, question string) (Reply, error) {
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	a, err := s.asker.Ask(ctx, question, sess.Scope, nil, nil)
	if err != nil {
		return Reply{}, fmt.Errorf("draft an answer: %w", err)
	}
	d := Draft{Lead: a.Lead, Refused: a.Refused}
	for _, q := range a.Quotes {
		d.Quotes = append(d.Quotes, QuoteRef{Paragraph: q.Paragraph.ID, Start: q.Start, End: q.End})
	}
	q, err := s.store.AddQuestion(ctx, Question{Session: sess.ID, Asker: who, Text: a.Question, Draft: d, Status: Pending, Asked: s.now()}, sess.PerMember)
	if err != nil {
		return Reply{}, err
	}
	msg := fmt.Sprintf("Your question is #%d in the queue; a moderator will review the drafted answer.", q.Number)
	if d.Refused {
		msg += " (The corpus in this session's scope does not seem to answer it.)"
	}
	return Reply{Private: msg}, nil
}

// Queue shows a moderator the pending questions, each with its draft and
// Approve / Reject / Skip buttons.
func (s *Service) Queue(ctx context.Context, channel string, who Actor) (Reply, error) {
	if !who.Moderator {
		return Reply{}, ErrNotModerator
	}
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	qs, err := s.store.Questions(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	pending := pendingQueue(qs)
	if len(pending) == 0 {
		return Reply{Private: "The queue is empty."}, nil
	}
	r := Reply{Private: fmt.Sprintf("%d question(s) waiting:", len(pending))}
	for _, q := range pending {
		var b strings.Builder
		fmt.Fprintf(&b, "#%d from %s: %s\n", q.Number, q.Asker.Name, q.Text)
		if q.Draft.Refused {
			b.WriteString("(draft: the corpus does not answer this)\n")
		}
		b.WriteString(s.renderDraft(q.Draft, "", true))
		n := fmt.Sprint(q.Number)
		r.Items = append(r.Items, Item{Text: b.String(), Actions: []Action{
			{ID: "study:approve:" + n, Label: "Approve"},
			{ID: "study:reject:" + n, Label: "Reject"},
			{ID: "study:skip:" + n, Label: "Skip"},
		}})
	}
	return r, nil
}

// pendingQueue is the pending questions in queue order.
func pendingQueue(qs []Question) []Question {
	var out []Question
	for _, q := range qs {
		if q.Status == Pending {
			out = append(out, q)
		}
	}
	slices.SortStableFunc(out, func(a, b Question) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Number, b.Number))
	})
	return out
}

// decide runs a moderator decision on question number n.
func (s *Service) decide(ctx context.Context, channel string, who Actor, n int, action DecisionAction, reason string) (Session, Question, bool, error) {
	if !who.Moderator {
		return Session{}, Question{}, false, ErrNotModerator
	}
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Session{}, Question{}, false, err
	}
	q, err := s.question(ctx, sess.ID, n)
	if err != nil {
		return Session{}, Question{}, false, err
	}
	if action == Approve && q.Asker.ID == who.ID {
		return Session{}, Question{}, false, ErrOwnQuestion
	}
	now := s.now()
	q, changed, err := s.store.Decide(ctx, Decision{Question: q.ID, Action: action, By: who, Reason: reason, At: now},
		Audit{Session: sess.ID, Actor: who, Action: string(action), Target: fmt.Sprintf("question %d", n), Detail: reason, At: now})
	return sess, q, changed, err
}

func (s *Service) question(ctx context.Context, session int64, n int) (Question, error) {
	qs, err := s.store.Questions(ctx, session)
	if err != nil {
		return Question{}, err
	}
	for _, q := range qs {
		if q.Number == n {
			return q, nil
		}
	}
	return Question{}, fmt.Errorf("%w: question %d", ErrNotFound, n)
}

// Approve posts question n with its asker and cited answer. Approving
// twice approves once and posts once: the second call says so privately.
func (s *Service) Approve(ctx context.Context, channel string, who Actor, n int) (Reply, error) {
	_, q, changed, err := s.decide(ctx, channel, who, n, Approve, "")
	if err != nil {
		return Reply{}, err
	}
	if !changed {
		return Reply{Private: fmt.Sprintf("Question %d was already %s.", n, q.Status)}, nil
	}
	return Reply{Public: s.renderPost(q)}, nil
}

// Reject declines question n; its asker is told privately, with the reason
// when one is given.
func (s *Service) Reject(ctx context.Context, channel string, who Actor, n int, reason string) (Reply, error) {
	_, q, changed, err := s.decide(ctx, channel, who, n, Reject, strings.TrimSpace(reason))
	if err != nil {
		return Reply{}, err
	}
	if !changed {
		return Reply{Private: fmt.Sprintf("Question %d was already %s.", n, q.Status)}, nil
	}
	text := fmt.Sprintf("Your question %q was not taken up by the moderator.", q.Text)
	if q.Reason != "" {
		text += " Reason: " + q.Reason
	}
	return Reply{Private: fmt.Sprintf("Question %d rejected; %s has been told.", n, q.Asker.Name), Notices: []Notice{{UserID: q.Asker.ID, Text: text}}}, nil
}

// Skip moves pending question n to the back of the queue.
func (s *Service) Skip(ctx context.Context, channel string, who Actor, n int) (Reply, error) {
	_, q, changed, err := s.decide(ctx, channel, who, n, Skip, "")
	if err != nil {
		return Reply{}, err
	}
	if !changed {
		return Reply{Private: fmt.Sprintf("Question %d was already %s.", n, q.Status)}, nil
	}
	return Reply{Private: fmt.Sprintf("Question %d moved to the back of the queue.", n)}, nil
}

// Status says where the session stands.
func (s *Service) Status(ctx context.Context, channel string, who Actor) (Reply, error) {
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	qs, rounds, err := s.contents(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	count := map[Status]int{}
	mine := 0
	for _, q := range qs {
		count[q.Status]++
		if q.Asker.ID == who.ID {
			mine++
		}
	}
	open := 0
	for _, r := range rounds {
		if !r.Closed {
			open++
		}
	}
	text := fmt.Sprintf("Session %q (%s), opened by %s: %d pending, %d approved, %d rejected; %d quiz round(s), %d open.",
		sess.Topic, s.scopeText(sess.Scope), sess.StartedBy.Name, count[Pending], count[Approved], count[Rejected], len(rounds), open)
	if sess.PerMember > 0 {
		text += fmt.Sprintf(" You have asked %d of %d.", mine, sess.PerMember)
	}
	return Reply{Private: text}, nil
}

// Export returns the transcript so far.
func (s *Service) Export(ctx context.Context, channel string, who Actor) (Reply, error) {
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	t, err := s.Transcript(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Private: "The transcript so far is attached.", Transcript: t}, nil
}

// End closes the session: open quiz rounds are revealed, a summary is
// posted and the transcript attached. Moderators only.
func (s *Service) End(ctx context.Context, channel string, who Actor) (Reply, error) {
	if !who.Moderator {
		return Reply{}, ErrNotModerator
	}
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	reveal, err := s.revealOpen(ctx, sess, who)
	if err != nil {
		return Reply{}, err
	}
	now := s.now()
	changed, err := s.store.EndSession(ctx, sess.ID, now, Audit{Session: sess.ID, Actor: who, Action: "end", Target: channel, At: now})
	if err != nil {
		return Reply{}, err
	}
	if !changed {
		return Reply{}, ErrNoSession
	}
	qs, rounds, err := s.contents(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	sess.Ended = now
	t := s.transcript(sess, qs, rounds)
	count := map[Status]int{}
	for _, q := range qs {
		count[q.Status]++
	}
	var b strings.Builder
	if reveal != "" {
		b.WriteString(reveal + "\n")
	}
	fmt.Fprintf(&b, "Study session %q ended: %d question(s) asked, %d answered, %d rejected, %d left in the queue; %d quiz round(s).\n",
		sess.Topic, len(qs), count[Approved], count[Rejected], count[Pending], len(rounds))
	if len(rounds) > 0 {
		b.WriteString(scoreboard(rounds))
	}
	b.WriteString("The transcript is attached.")
	return Reply{Public: b.String(), Transcript: t}, nil
}

// Press runs a button: the Action IDs that Queue and Quiz return.
func (s *Service) Press(ctx context.Context, channel string, who Actor, actionID string) (Reply, error) {
	parts := strings.Split(actionID, ":")
	if len(parts) < 3 || parts[0] != "study" {
		return Reply{}, fmt.Errorf("unknown button %q", actionID)
	}
	var n int
	if _, err := fmt.Sscan(parts[2], &n); err != nil {
		return Reply{}, fmt.Errorf("unknown button %q", actionID)
	}
	switch {
	case parts[1] == "approve" && len(parts) == 3:
		return s.Approve(ctx, channel, who, n)
	case parts[1] == "reject" && len(parts) == 3:
		return s.Reject(ctx, channel, who, n, "")
	case parts[1] == "skip" && len(parts) == 3:
		return s.Skip(ctx, channel, who, n)
	case parts[1] == "answer" && len(parts) == 4:
		return s.Answer(ctx, channel, who, n, parts[3])
	}
	return Reply{}, fmt.Errorf("unknown button %q", actionID)
}

// Current returns the channel's open session, or ErrNoSession; adapters use
// it to route plain messages in a session's thread to Ask.
func (s *Service) Current(ctx context.Context, channel string) (Session, error) {
	return s.store.OpenSession(ctx, channel)
}
