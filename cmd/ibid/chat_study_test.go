package main

import (
	"strings"
	"testing"

	"github.com/ibidbot/ibid/bot/study/studytest"
	"github.com/ibidbot/ibid/corpus"
)

// TestRun_ChatStudySession plays the README's study session with three
// console processes sharing one data directory: a moderator and two members,
// five questions, three approved, one rejected, a quiz of three rounds. Every
// quote of the transcript must be verbatim from the corpus and cited.
func TestRun_ChatStudySession(t *testing.T) {
	data := t.TempDir()
	chat := func(stdin string, who ...string) string {
		t.Helper()
		out, err := runIbidInput(t, nil, stdin, append([]string{"--data", data, "chat"}, who...)...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", who, err, out)
		}
		if strings.Contains(out, "error:") {
			t.Fatalf("%v: a command failed:\n%s", who, out)
		}
		return out
	}
	moderator := []string{"--as", "mira", "--moderator", "--channel", "study-1"}
	chat(`/study start topic:"Stalin, Zhang and Tanaka" source:kuromiya2023 chapter:ch2 questions_per_member:3`, moderator...)
	chat("/study ask question:\"Who killed Zhang Zuolin?\"\nWhat did Tanaka decide about Zhang?\n/study ask question:\"Was there pizza?\"\n", "--as", "alice", "--channel", "study-1")
	chat("/study ask question:\"Who was Kuhara?\"\n/study ask question:\"Why did Stalin fear Japan?\"\n", "--as", "bob", "--channel", "study-1")
	out := chat("/study queue\n/study approve 1\n/study approve 2\n/study approve 4\n/study approve 4\n/study reject 3 reason:\"off topic\"\n/study quiz rounds:3\n", moderator...)
	if strings.Count(out, "Question #4 from bob") != 1 || !strings.Contains(out, "already approved") || !strings.Contains(out, "(privately to alice)") {
		t.Fatalf("moderator's run:\n%s", out)
	}
	chat("/study answer 1 A\n/study answer 2 B\n/study answer 3 C\n", "--as", "alice", "--channel", "study-1")
	chat("/study answer 1 B\n/study answer 2 B\n/study answer 3 A\n", "--as", "bob", "--channel", "study-1")
	out = chat("/study end\n", moderator...)
	for _, want := range []string{"5 question(s) asked, 3 answered, 1 rejected", "### 1. Who killed Zhang Zuolin?", "### 2. What did Tanaka decide about Zhang?", "### 4. Who was Kuhara?", "### Round 3", "| alice |", "| bob |", "## Bibliography", "Kuromiya, Hiroaki."} {
		if !strings.Contains(out, want) {
			t.Errorf("end lacks %q:\n%s", want, out)
		}
	}
	c, err := corpus.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	quotes := studytest.CheckQuotes(t, c, out[strings.Index(out, "# Study session"):], nil)
	if quotes < 6 {
		t.Errorf("only %d quotes in the transcript", quotes)
	}
	t.Logf("transcript: %d quotes, all verbatim and cited", quotes)
}
