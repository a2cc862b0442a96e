package study_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/ibidbot/ibid/bot/study"
)

// crashEnv tells the re-executed test binary to play a session against the
// database it names, printing each public post as it is made, until killed.
const crashEnv = "IBID_STUDY_CRASH_DB"

// TestCrash_Child is the session the crash test kills: members ask, a
// moderator approves one question after another, each approval printed as
// "POSTED n" once its transaction has committed. It runs only when
// re-executed by TestCrash_KillMidSession.
func TestCrash_Child(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestCrash_KillMidSession")
	}
	ctx := context.Background()
	e := newEnv(t, path)
	e.must(e.svc.Start(ctx, channel, mod, study.StartOptions{Topic: "crash", PerMember: -1}))
	for i := 1; ; i++ {
		who := alice
		if i%2 == 0 {
			who = bob
		}
		e.must(e.svc.Ask(ctx, channel, who, fmt.Sprintf("Question number %d?", i)))
		r := e.must(e.svc.Approve(ctx, channel, mod, i))
		if r.Public != "" {
			fmt.Printf("POSTED %d\n", i)
		}
	}
}

// TestCrash_KillMidSession kills a process running a session with SIGKILL
// once it has posted some answers, reopens the database and continues:
// every post the child made is still approved, approving again posts
// nothing, and the session goes on to its end.
func TestCrash_KillMidSession(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("child")
	}
	path := t.TempDir() + "/study.db"
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash_Child$", "-test.v")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	posted := map[int]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "POSTED %d", &n); err == nil {
			if posted[n] {
				t.Errorf("question %d posted twice", n)
			}
			posted[n] = true
			if len(posted) == 25 {
				break
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if len(posted) < 25 {
		t.Fatalf("the child posted %d answers before dying", len(posted))
	}

	ctx := context.Background()
	e := newEnv(t, path)
	sess, err := e.db.OpenSession(ctx, channel)
	if err != nil {
		t.Fatalf("session lost: %v", err)
	}
	qs, err := e.db.Questions(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for n := range posted {
		if n > len(qs) || qs[n-1].Status != study.Approved || qs[n-1].Posted.IsZero() {
			t.Errorf("question %d was posted before the crash but is not approved after it", n)
		}
	}
	// Continue: approve everything again; only what the child had not yet
	// approved is posted, and only once.
	reposted := 0
	for _, q := range qs {
		r := e.must(e.svc.Approve(ctx, channel, mod, q.Number))
		if r.Public != "" {
			reposted++
			if posted[q.Number] {
				t.Errorf("question %d posted again after the crash", q.Number)
			}
		}
	}
	e.must(e.svc.Ask(ctx, channel, alice, "After the crash?"))
	e.must(e.svc.Approve(ctx, channel, mod, len(qs)+1))
	tr := e.must(e.svc.End(ctx, channel, mod)).Transcript
	for _, q := range qs {
		if strings.Count(tr, fmt.Sprintf("\n### %d. ", q.Number)) != 1 {
			t.Errorf("question %d is not in the transcript exactly once", q.Number)
		}
	}
	t.Logf("killed after %d posts; %d questions in the store; %d approved after restart; nothing posted twice", len(posted), len(qs), reposted)
}
