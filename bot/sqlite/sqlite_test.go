package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/study"
)

// open opens the database at path, failing the test on error, and closes it
// when the test ends.
func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, db *DB) int {
	t.Helper()
	var v int
	if err := db.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// feedbackRow is a row of the feedback table.
type feedbackRow struct {
	message, user, guild, answerID, question, answer string
	up                                               bool
	at                                               int64
}

func feedbackRows(t *testing.T, db *DB) []feedbackRow {
	t.Helper()
	rows, err := db.db.Query(`SELECT message, user_id, guild_id, answer_id, question, answer, up, at FROM feedback ORDER BY message, user_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []feedbackRow
	for rows.Next() {
		var r feedbackRow
		if err := rows.Scan(&r.message, &r.user, &r.guild, &r.answerID, &r.question, &r.answer, &r.up, &r.at); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpen_MigratesAFreshFileAndReopensIt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ibid.db")
	db := open(t, path)
	if v := userVersion(t, db); v != len(migrations) {
		t.Fatalf("a fresh file is at version %d, want %d", v, len(migrations))
	}
	if err := db.SetAutoAnswer(ctx, "c1", true); err != nil {
		t.Fatal(err)
	}
	at := time.UnixMilli(1700000000123)
	if err := db.SaveFeedback(ctx, discord.Feedback{MessageID: "m1", AnswerID: "a1", UserID: "u1", GuildID: "g1", Question: "Q?", Answer: "A.", Up: true, At: at}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = open(t, path) // as after a restart: nothing migrates twice, nothing is lost
	if v := userVersion(t, db); v != len(migrations) {
		t.Errorf("reopened at version %d, want %d", v, len(migrations))
	}
	if on, err := db.AutoAnswer(ctx, "c1"); err != nil || !on {
		t.Errorf("auto-answer after a restart: %v, %v", on, err)
	}
	want := []feedbackRow{{"m1", "u1", "g1", "a1", "Q?", "A.", true, at.UnixMilli()}}
	if got := feedbackRows(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("feedback after a restart: %+v, want %+v", got, want)
	}
}

// TestOpen_UpgradesADatabaseOfTheFirstSchema opens a file written by a
// build that knew only the first migration, with a study session's
// feedback in it: the later migrations apply and the row keeps its values.
func TestOpen_UpgradesADatabaseOfTheFirstSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ibid.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{migrations[0], "PRAGMA user_version = 1",
		`INSERT INTO feedback (message, user_id, question, answer, up, at) VALUES ('m0', 'u0', 'Old?', 'Old.', 0, 5)`} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db := open(t, path)
	if v := userVersion(t, db); v != len(migrations) {
		t.Fatalf("upgraded to version %d, want %d", v, len(migrations))
	}
	if got := feedbackRows(t, db); len(got) != 1 || got[0] != (feedbackRow{"m0", "u0", "", "", "Old?", "Old.", false, 5}) {
		t.Errorf("the old feedback became %+v", got)
	}
	if err := db.AddFeedback(context.Background(), study.Feedback{Message: "m1", User: "u1", Question: "Q", Answer: "A", Up: true, At: time.Now()}); err != nil {
		t.Errorf("the study store's feedback no longer fits the table: %v", err)
	}
}

func TestSaveFeedback_KeepsOneVotePerReaderAndMessage(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "ibid.db"))
	t0 := time.UnixMilli(1700000000000)
	votes := []discord.Feedback{
		{MessageID: "m1", AnswerID: "a1", UserID: "alice", GuildID: "g", Question: "Who?", Answer: "Him.", Up: true, At: t0},
		{MessageID: "m1", AnswerID: "a1", UserID: "bob", GuildID: "g", Question: "Who?", Answer: "Him.", Up: false, At: t0.Add(time.Second)},
		// Alice changes her mind after a restart: the adapter no longer
		// knows the question, and has the message's text for the answer.
		{MessageID: "m1", AnswerID: "a1", UserID: "alice", GuildID: "g", Answer: "Him (as shown).", Up: false, At: t0.Add(2 * time.Second)},
		// A vote without a message ID (no message on the interaction) is
		// kept by the answer's ID.
		{AnswerID: "a2", UserID: "alice", Question: "When?", Answer: "Then.", Up: true, At: t0.Add(3 * time.Second)},
	}
	for _, f := range votes {
		if err := db.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	want := []feedbackRow{
		{"answer:a2", "alice", "", "a2", "When?", "Then.", true, t0.Add(3 * time.Second).UnixMilli()},
		{"m1", "alice", "g", "a1", "Who?", "Him (as shown).", false, t0.Add(2 * time.Second).UnixMilli()},
		{"m1", "bob", "g", "a1", "Who?", "Him.", false, t0.Add(time.Second).UnixMilli()},
	}
	if got := feedbackRows(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("feedback\n got %+v\nwant %+v", got, want)
	}
}

func TestAutoAnswer_RoundTrip(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "ibid.db"))
	steps := []struct {
		channel string
		set     *bool
		want    map[string]bool
	}{
		{want: map[string]bool{"c1": false, "c2": false}}, // never set is off
		{channel: "c1", set: ptr(true), want: map[string]bool{"c1": true, "c2": false}},
		{channel: "c2", set: ptr(true), want: map[string]bool{"c1": true, "c2": true}},
		{channel: "c1", set: ptr(false), want: map[string]bool{"c1": false, "c2": true}},
		{channel: "c1", set: ptr(false), want: map[string]bool{"c1": false, "c2": true}}, // again: no error
	}
	for n, s := range steps {
		if s.set != nil {
			if err := db.SetAutoAnswer(ctx, s.channel, *s.set); err != nil {
				t.Fatalf("step %d: %v", n, err)
			}
		}
		for ch, want := range s.want {
			if on, err := db.AutoAnswer(ctx, ch); err != nil || on != want {
				t.Errorf("step %d: %s is %v (%v), want %v", n, ch, on, err, want)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestOpen_UnusableFilesGiveAnErrorNamingThem(t *testing.T) {
	// A database with enough rows to fill several pages, to corrupt.
	good := filepath.Join(t.TempDir(), "good.db")
	db := open(t, good)
	for i := range 300 {
		if err := db.SetAutoAnswer(context.Background(), fmt.Sprintf("channel-%04d-%s", i, strings.Repeat("x", 40)), true); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	valid, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(valid) < 4*4096 {
		t.Fatalf("the database is %d bytes; the test needs pages to corrupt", len(valid))
	}
	garbled := func(from int) []byte {
		b := append([]byte(nil), valid...)
		copy(b[from:], strings.Repeat("\xde\xad\xbe\xef", 2048))
		return b
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	raw, err := sql.Open("sqlite", "file:"+newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	newerFile, _ := os.ReadFile(newer)

	for _, tc := range []struct {
		name, why string
		content   []byte
	}{
		{"NotSQLite", "unusable", []byte(strings.Repeat("not a database ", 500))},
		{"HeaderOverwritten", "unusable", garbled(0)},
		{"PagesOverwritten", "unusable", garbled(2 * 4096)},
		{"NewerSchema", "newer than this program knows", newerFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ibid.db")
			if err := os.WriteFile(path, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := Open(context.Background(), path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("error %q, want one naming %s and saying %q", err, path, tc.why)
			}
		})
	}
}

// TestConcurrentWriters has two handles on one file, as two processes
// would, each written by several goroutines at once: every write lands,
// none fails on a locked database.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ibid.db")
	handles := []*DB{open(t, path), open(t, path)}
	const writers, each = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, len(handles)*writers*each*2)
	for h, db := range handles {
		for w := range writers {
			wg.Go(func() {
				for n := range each {
					user := fmt.Sprintf("user-%d-%d", h, w)
					if err := db.SaveFeedback(ctx, discord.Feedback{MessageID: fmt.Sprintf("m%d", n), UserID: user, Question: "Q", Answer: "A", Up: n%2 == 0, At: time.Now()}); err != nil {
						errs <- err
					}
					if err := db.SetAutoAnswer(ctx, user, n%2 == 0); err != nil {
						errs <- err
					}
					if _, err := db.AutoAnswer(ctx, user); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(feedbackRows(t, handles[0])), len(handles)*writers*each; got != want {
		t.Errorf("%d feedback rows, want %d", got, want)
	}
	for h := range handles {
		for w := range writers {
			if on, err := handles[1-h].AutoAnswer(ctx, fmt.Sprintf("user-%d-%d", h, w)); err != nil || on != ((each-1)%2 == 0) {
				t.Errorf("user-%d-%d: %v %v, want the last write", h, w, on, err)
			}
		}
	}
}
