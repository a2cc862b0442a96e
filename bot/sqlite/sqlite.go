// Package sqlite keeps what must survive a restart in a SQLite database in
// the data directory, through modernc.org/sqlite (pure Go, so the bot builds
// without cgo): study sessions (study.Store), and the Discord adapter's
// answer feedback and per-channel settings (discord.FeedbackStore and
// discord.ChannelStore). It imports those packages for their types; they
// never import it.
//
// Durability: the database runs in WAL mode with synchronous=FULL, every
// state change is one transaction, and the changes that must happen once
// (approve, reject, end, reveal, a member's answer) are conditional updates
// or guarded by unique constraints, so a process killed at any moment and
// restarted neither loses nor repeats anything.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/study"
)

// DB is the store over one SQLite file.
type DB struct {
	db   *sql.DB
	path string
}

var (
	_ study.Store           = (*DB)(nil)
	_ discord.FeedbackStore = (*DB)(nil)
	_ discord.ChannelStore  = (*DB)(nil)
)

// busyTimeout is how long a writer waits for another process's transaction
// (several console processes play the members of one session).
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the database at path and migrates it.
// A file that is not a SQLite database, or a corrupt one, gives an error
// naming the file.
func Open(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// BEGIN IMMEDIATE takes the write lock at the start, so two processes
	// never deadlock upgrading read transactions.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &DB{db: db, path: path}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s is unusable (corrupt or not a SQLite database; move it aside to start afresh): %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return s, nil
}

// check reads the file's header and pages before anything is written.
func (s *DB) check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New(res)
	}
	return nil
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// migrations are applied in order, each in its own transaction together
// with the user_version that records it. Append; never edit a released one.
var migrations = []string{
	`CREATE TABLE sessions (
		id INTEGER PRIMARY KEY,
		channel TEXT NOT NULL,
		topic TEXT NOT NULL,
		doc TEXT NOT NULL DEFAULT '',
		division TEXT NOT NULL DEFAULT '',
		per_member INTEGER NOT NULL,
		started_by TEXT NOT NULL,
		started_by_name TEXT NOT NULL,
		started_at INTEGER NOT NULL,
		ended_at INTEGER
	);
	CREATE UNIQUE INDEX sessions_open_channel ON sessions(channel) WHERE ended_at IS NULL;
	CREATE TABLE questions (
		id INTEGER PRIMARY KEY,
		session_id INTEGER NOT NULL REFERENCES sessions(id),
		number INTEGER NOT NULL,
		asker TEXT NOT NULL,
		asker_name TEXT NOT NULL,
		text TEXT NOT NULL,
		draft_lead TEXT NOT NULL,
		draft_refused INTEGER NOT NULL,
		draft_quotes TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
		position INTEGER NOT NULL,
		asked_at INTEGER NOT NULL,
		posted_at INTEGER,
		UNIQUE (session_id, number)
	);
	CREATE TABLE decisions (
		id INTEGER PRIMARY KEY,
		question_id INTEGER NOT NULL REFERENCES questions(id),
		action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'skip')),
		actor TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		reason TEXT NOT NULL DEFAULT '',
		at INTEGER NOT NULL
	);
	CREATE UNIQUE INDEX decisions_final ON decisions(question_id) WHERE action IN ('approve', 'reject');
	CREATE TABLE quiz_rounds (
		id INTEGER PRIMARY KEY,
		session_id INTEGER NOT NULL REFERENCES sessions(id),
		number INTEGER NOT NULL,
		paragraph TEXT NOT NULL,
		sentence_start INTEGER NOT NULL,
		sentence_end INTEGER NOT NULL,
		blank_start INTEGER NOT NULL,
		blank_end INTEGER NOT NULL,
		kind TEXT NOT NULL,
		choices TEXT NOT NULL,
		correct INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		closed INTEGER NOT NULL DEFAULT 0,
		UNIQUE (session_id, number)
	);
	CREATE TABLE quiz_answers (
		round_id INTEGER NOT NULL REFERENCES quiz_rounds(id),
		member TEXT NOT NULL,
		member_name TEXT NOT NULL,
		choice INTEGER NOT NULL,
		at INTEGER NOT NULL,
		PRIMARY KEY (round_id, member)
	);
	CREATE TABLE feedback (
		message TEXT NOT NULL,
		user_id TEXT NOT NULL,
		question TEXT NOT NULL,
		answer TEXT NOT NULL,
		up INTEGER NOT NULL,
		at INTEGER NOT NULL,
		PRIMARY KEY (message, user_id)
	);
	CREATE TABLE audit (
		id INTEGER PRIMARY KEY,
		session_id INTEGER REFERENCES sessions(id),
		actor TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		action TEXT NOT NULL,
		target TEXT NOT NULL,
		detail TEXT NOT NULL,
		at INTEGER NOT NULL
	);`,
	// The Discord adapter's feedback (keyed by the answer's message) and
	// its channels that answer every message.
	`ALTER TABLE feedback ADD COLUMN guild_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE feedback ADD COLUMN answer_id TEXT NOT NULL DEFAULT '';
	CREATE TABLE channel_settings (
		channel TEXT PRIMARY KEY,
		auto_answer INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	);`,
}

func (s *DB) migrate(ctx context.Context) error {
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration, reading the version inside the
// write transaction so two processes starting at once migrate once.
func (s *DB) migrateOne(ctx context.Context) (done bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program knows (%d)", v, len(migrations))
		}
		if v == len(migrations) {
			done = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
		return err
	})
	return done, err
}

// tx runs f in one write transaction.
func (s *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func audit(ctx context.Context, tx *sql.Tx, a study.Audit) error {
	var session any
	if a.Session != 0 {
		session = a.Session
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (session_id, actor, actor_name, action, target, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		session, a.Actor.ID, a.Actor.Name, a.Action, a.Target, a.Detail, ms(a.At))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// CreateSession implements study.Store.
func (s *DB) CreateSession(ctx context.Context, sess study.Session, a study.Audit) (study.Session, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE channel = ? AND ended_at IS NULL`, sess.Channel).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return study.ErrSessionOpen
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (channel, topic, doc, division, per_member, started_by, started_by_name, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sess.Channel, sess.Topic, sess.Scope.Doc, sess.Scope.Division, sess.PerMember, sess.StartedBy.ID, sess.StartedBy.Name, ms(sess.Started))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		if sess.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		a.Session = sess.ID
		return audit(ctx, tx, a)
	})
	sess.Started = time.UnixMilli(ms(sess.Started)).UTC()
	return sess, err
}

const sessionCols = `id, channel, topic, doc, division, per_member, started_by, started_by_name, started_at, ended_at`

func scanSession(row *sql.Row) (study.Session, error) {
	var s study.Session
	var started, ended sql.NullInt64
	err := row.Scan(&s.ID, &s.Channel, &s.Topic, &s.Scope.Doc, &s.Scope.Division, &s.PerMember, &s.StartedBy.ID, &s.StartedBy.Name, &started, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return s, study.ErrNoSession
	}
	s.Started, s.Ended = fromMS(started), fromMS(ended)
	s.StartedBy.Moderator = true
	return s, err
}

// OpenSession implements study.Store.
func (s *DB) OpenSession(ctx context.Context, channel string) (study.Session, error) {
	return scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE channel = ? AND ended_at IS NULL`, channel))
}

// Session implements study.Store.
func (s *DB) Session(ctx context.Context, id int64) (study.Session, error) {
	return scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
}

// EndSession implements study.Store.
func (s *DB) EndSession(ctx context.Context, id int64, at time.Time, a study.Audit) (changed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL`, ms(at), id)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return audit(ctx, tx, a)
	})
	return changed, err
}

// AddQuestion implements study.Store.
func (s *DB) AddQuestion(ctx context.Context, q study.Question, limit int) (study.Question, error) {
	quotes, err := json.Marshal(q.Draft.Quotes)
	if err != nil {
		return q, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if limit > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM questions WHERE session_id = ? AND asker = ?`, q.Session, q.Asker.ID).Scan(&n); err != nil {
				return err
			}
			if n >= limit {
				return study.ErrLimit
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1, coalesce(max(position), 0) + 1 FROM questions WHERE session_id = ?`, q.Session).Scan(&q.Number, &q.Position); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO questions (session_id, number, asker, asker_name, text, draft_lead, draft_refused, draft_quotes, status, position, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
			q.Session, q.Number, q.Asker.ID, q.Asker.Name, q.Text, q.Draft.Lead, q.Draft.Refused, string(quotes), q.Position, ms(q.Asked))
		if err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
		q.ID, err = res.LastInsertId()
		return err
	})
	q.Status = study.Pending
	return q, err
}

const questionQuery = `SELECT q.id, q.session_id, q.number, q.asker, q.asker_name, q.text, q.draft_lead, q.draft_refused, q.draft_quotes,
	q.status, q.position, q.asked_at, q.posted_at, d.actor, d.actor_name, d.reason, d.at
	FROM questions q LEFT JOIN decisions d ON d.question_id = q.id AND d.action IN ('approve', 'reject')`

type scanner interface{ Scan(...any) error }

func scanQuestion(r scanner) (study.Question, error) {
	var q study.Question
	var quotes string
	var asked, posted, decided sql.NullInt64
	var by, byName, reason sql.NullString
	if err := r.Scan(&q.ID, &q.Session, &q.Number, &q.Asker.ID, &q.Asker.Name, &q.Text, &q.Draft.Lead, &q.Draft.Refused, &quotes,
		&q.Status, &q.Position, &asked, &posted, &by, &byName, &reason, &decided); err != nil {
		return q, err
	}
	if err := json.Unmarshal([]byte(quotes), &q.Draft.Quotes); err != nil {
		return q, fmt.Errorf("question %d: draft quotes: %w", q.ID, err)
	}
	q.Asked, q.Posted, q.Decided = fromMS(asked), fromMS(posted), fromMS(decided)
	q.DecidedBy = study.Actor{ID: by.String, Name: byName.String, Moderator: by.Valid}
	q.Reason = reason.String
	return q, nil
}

// Questions implements study.Store.
func (s *DB) Questions(ctx context.Context, session int64) ([]study.Question, error) {
	rows, err := s.db.QueryContext(ctx, questionQuery+` WHERE q.session_id = ? ORDER BY q.number`, session)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer rows.Close()
	var out []study.Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Decide implements study.Store.
func (s *DB) Decide(ctx context.Context, d study.Decision, a study.Audit) (q study.Question, changed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch d.Action {
		case study.Approve:
			res, err = tx.ExecContext(ctx, `UPDATE questions SET status = 'approved', posted_at = ? WHERE id = ? AND status = 'pending'`, ms(d.At), d.Question)
		case study.Reject:
			res, err = tx.ExecContext(ctx, `UPDATE questions SET status = 'rejected' WHERE id = ? AND status = 'pending'`, d.Question)
		case study.Skip:
			res, err = tx.ExecContext(ctx, `UPDATE questions SET position = (SELECT max(position) + 1 FROM questions WHERE session_id = (SELECT session_id FROM questions WHERE id = ?)) WHERE id = ? AND status = 'pending'`, d.Question, d.Question)
		default:
			return fmt.Errorf("unknown decision %q", d.Action)
		}
		if err != nil {
			return fmt.Errorf("%s question: %w", d.Action, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			changed = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (question_id, action, actor, actor_name, reason, at) VALUES (?, ?, ?, ?, ?, ?)`,
				d.Question, d.Action, d.By.ID, d.By.Name, d.Reason, ms(d.At)); err != nil {
				return fmt.Errorf("record decision: %w", err)
			}
			if err := audit(ctx, tx, a); err != nil {
				return err
			}
		}
		q, err = scanQuestion(tx.QueryRowContext(ctx, questionQuery+` WHERE q.id = ?`, d.Question))
		if errors.Is(err, sql.ErrNoRows) {
			return study.ErrNotFound
		}
		return err
	})
	return q, changed, err
}

// AddRound implements study.Store.
func (s *DB) AddRound(ctx context.Context, r study.Round, a study.Audit) (study.Round, error) {
	choices, err := json.Marshal(r.Choices)
	if err != nil {
		return r, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM quiz_rounds WHERE session_id = ?`, r.Session).Scan(&r.Number); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO quiz_rounds (session_id, number, paragraph, sentence_start, sentence_end, blank_start, blank_end, kind, choices, correct, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Session, r.Number, r.Paragraph, r.Sentence[0], r.Sentence[1], r.Blank[0], r.Blank[1], r.Kind, string(choices), r.Correct, ms(r.Created))
		if err != nil {
			return fmt.Errorf("insert round: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		a.Target = fmt.Sprintf("round %d", r.Number)
		return audit(ctx, tx, a)
	})
	return r, err
}

// Rounds implements study.Store.
func (s *DB) Rounds(ctx context.Context, session int64) ([]study.Round, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, session_id, number, paragraph, sentence_start, sentence_end, blank_start, blank_end, kind, choices, correct, created_at, closed
		FROM quiz_rounds WHERE session_id = ? ORDER BY number`, session)
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	var out []study.Round
	byID := map[int64]int{}
	for rows.Next() {
		var r study.Round
		var choices string
		var created sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Session, &r.Number, &r.Paragraph, &r.Sentence[0], &r.Sentence[1], &r.Blank[0], &r.Blank[1], &r.Kind, &choices, &r.Correct, &created, &r.Closed); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
			rows.Close()
			return nil, fmt.Errorf("round %d: choices: %w", r.ID, err)
		}
		r.Created = fromMS(created)
		byID[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	arows, err := s.db.QueryContext(ctx, `SELECT a.round_id, a.member, a.member_name, a.choice, a.at FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round_id
		WHERE r.session_id = ? ORDER BY a.at, a.member`, session)
	if err != nil {
		return nil, fmt.Errorf("quiz answers: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var id int64
		var a study.QuizAnswer
		var at sql.NullInt64
		if err := arows.Scan(&id, &a.Member.ID, &a.Member.Name, &a.Choice, &at); err != nil {
			return nil, err
		}
		a.At = fromMS(at)
		out[byID[id]].Answers = append(out[byID[id]].Answers, a)
	}
	return out, arows.Err()
}

// Answer implements study.Store.
func (s *DB) Answer(ctx context.Context, round int64, ans study.QuizAnswer) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var closed bool
		if err := tx.QueryRowContext(ctx, `SELECT closed FROM quiz_rounds WHERE id = ?`, round).Scan(&closed); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return study.ErrNotFound
			}
			return err
		}
		if closed {
			return study.ErrRoundClosed
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO quiz_answers (round_id, member, member_name, choice, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			round, ans.Member.ID, ans.Member.Name, ans.Choice, ms(ans.At))
		if err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return study.ErrAnswered
		}
		return nil
	})
}

// Reveal implements study.Store.
func (s *DB) Reveal(ctx context.Context, round int64, a study.Audit) (changed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE quiz_rounds SET closed = 1 WHERE id = ? AND closed = 0`, round)
		if err != nil {
			return fmt.Errorf("reveal round: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		return audit(ctx, tx, a)
	})
	return changed, err
}

// AddFeedback implements study.Store.
func (s *DB) AddFeedback(ctx context.Context, f study.Feedback) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feedback (message, user_id, question, answer, up, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (message, user_id) DO UPDATE SET up = excluded.up, at = excluded.at`,
			f.Message, f.User, f.Question, f.Answer, f.Up, ms(f.At))
		if err != nil {
			return fmt.Errorf("record feedback: %w", err)
		}
		return nil
	})
}

// AuditLog implements study.Store.
func (s *DB) AuditLog(ctx context.Context, session int64) ([]study.Audit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT coalesce(session_id, 0), actor, actor_name, action, target, detail, at FROM audit WHERE session_id = ? ORDER BY id`, session)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []study.Audit
	for rows.Next() {
		var a study.Audit
		var at sql.NullInt64
		if err := rows.Scan(&a.Session, &a.Actor.ID, &a.Actor.Name, &a.Action, &a.Target, &a.Detail, &at); err != nil {
			return nil, err
		}
		a.At = fromMS(at)
		a.Actor.Moderator = true
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveFeedback implements discord.FeedbackStore. A reader's later vote on
// the same message replaces the earlier one; a question or answer already
// known is kept when the later vote comes without them (after a restart).
func (s *DB) SaveFeedback(ctx context.Context, f discord.Feedback) error {
	message := f.MessageID
	if message == "" {
		message = "answer:" + f.AnswerID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feedback (message, user_id, guild_id, answer_id, question, answer, up, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (message, user_id) DO UPDATE SET up = excluded.up, at = excluded.at,
				question = coalesce(nullif(excluded.question, ''), feedback.question),
				answer = coalesce(nullif(excluded.answer, ''), feedback.answer)`,
			message, f.UserID, f.GuildID, f.AnswerID, f.Question, f.Answer, f.Up, ms(f.At))
		if err != nil {
			return fmt.Errorf("record feedback: %w", err)
		}
		return nil
	})
}

// AutoAnswer implements discord.ChannelStore; a channel never set is off.
func (s *DB) AutoAnswer(ctx context.Context, channelID string) (bool, error) {
	var on bool
	err := s.db.QueryRowContext(ctx, `SELECT auto_answer FROM channel_settings WHERE channel = ?`, channelID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("channel %s setting: %w", channelID, err)
	}
	return on, nil
}

// SetAutoAnswer implements discord.ChannelStore.
func (s *DB) SetAutoAnswer(ctx context.Context, channelID string, on bool) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO channel_settings (channel, auto_answer, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (channel) DO UPDATE SET auto_answer = excluded.auto_answer, updated_at = excluded.updated_at`,
			channelID, on, ms(time.Now()))
		if err != nil {
			return fmt.Errorf("set channel %s: %w", channelID, err)
		}
		return nil
	})
}

// Feedback lists the stored votes on the Discord bot's answers, oldest
// first, for reviewing what readers found wrong. A vote kept by its answer
// ID has the MessageID "answer:" and that ID.
func (s *DB) Feedback(ctx context.Context) ([]discord.Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT message, answer_id, user_id, guild_id, question, answer, up, at FROM feedback ORDER BY at, message, user_id`)
	if err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	var out []discord.Feedback
	for rows.Next() {
		var f discord.Feedback
		var at sql.NullInt64
		if err := rows.Scan(&f.MessageID, &f.AnswerID, &f.UserID, &f.GuildID, &f.Question, &f.Answer, &f.Up, &at); err != nil {
			return nil, fmt.Errorf("feedback: %w", err)
		}
		f.At = fromMS(at)
		out = append(out, f)
	}
	return out, rows.Err()
}
