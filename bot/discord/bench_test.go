package discord_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/discord/discordtest"
)

// burst is how many interactions arrive at once in
// BenchmarkConcurrentInteractions: issue 5's latency figure is measured with
// 50.
const burst = 50

// BenchmarkConcurrentInteractions measures what a user waits for under load:
// bursts of 50 /ask from 50 users dispatched at once through the local
// Discord's gateway to a real discordgo session and the adapter. For each
// interaction it takes the time from sending INTERACTION_CREATE to the
// fake receiving the deferral (Discord's 3-second rule) and the final
// extractive answer (the edit of the deferred response), and reports
// percentiles over every interaction of the run. The questions are the
// answerable and unanswerable ones of ../shared/eval/dev.jsonl
// (testdata/questions.txt). Issue 5 asks for defer-p99-ms ≤ 100 and
// final-p99-ms ≤ 300:
//
//	go test -bench ConcurrentInteractions -run '^$' -benchtime 20x ./bot/discord
func BenchmarkConcurrentInteractions(b *testing.B) {
	raw, err := os.ReadFile("testdata/questions.txt")
	if err != nil {
		b.Fatal(err)
	}
	questions := strings.Split(strings.TrimSpace(string(raw)), "\n")
	// The fake dispatches MESSAGE_UPDATE when an answer replaces a deferred
	// response; counting them tells when a burst is answered without
	// scanning the fake's records (under its lock) while it works. 50 users
	// at once would be rate limited by the defaults, which are not what is
	// measured.
	edited := make(chan struct{}, burst)
	srv, _ := connectWith(b, discord.Options{UserRate: 1e6, GuildRate: 1e9}, func(s *discordgo.Session) {
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.MessageUpdate) { edited <- struct{}{} })
	})
	users := make([]discordtest.User, burst)
	for k := range users {
		users[k] = discordtest.User{ID: fmt.Sprintf("9000000000000%03d", k), Username: fmt.Sprintf("user%d", k)}
	}

	var deferred, final []time.Duration
	b.ResetTimer()
	for n := range b.N {
		seen := len(srv.Requests())
		sent := make([]time.Time, burst)
		byToken := make(map[string]int, burst)
		for k := range burst {
			i := discordtest.Command("ask", discordtest.String("question", questions[(n*burst+k)%len(questions)]))
			i.User = users[k]
			sent[k] = time.Now()
			byToken[srv.Interact(b, i).Token] = k
		}
		timeout := time.After(10 * time.Second)
		for k := range burst {
			select {
			case <-edited:
			case <-timeout:
				b.Fatalf("%d answers of %d after 10 s", k, burst)
			}
		}
		reqs := srv.Requests()
		deferredAt, finalAt := map[int]time.Time{}, map[int]time.Time{}
		for _, r := range reqs[seen:] {
			parts := strings.Split(r.Path, "/")
			switch {
			case r.Method == "POST" && len(parts) == 5 && parts[1] == "interactions" && parts[4] == "callback":
				if r.Status != 204 {
					b.Fatalf("deferral answered %d %s", r.Status, r.Response)
				}
				deferredAt[byToken[parts[3]]] = r.Time
			case r.Method == "PATCH" && len(parts) == 6 && parts[1] == "webhooks" && parts[5] == "@original":
				if r.Status != 200 {
					b.Fatalf("answer answered %d %s", r.Status, r.Response)
				}
				finalAt[byToken[parts[3]]] = r.Time
			}
		}
		if len(deferredAt) != burst || len(finalAt) != burst {
			b.Fatalf("%d deferrals and %d answers recorded for %d interactions", len(deferredAt), len(finalAt), burst)
		}
		for k := range burst {
			deferred = append(deferred, deferredAt[k].Sub(sent[k]))
			final = append(final, finalAt[k].Sub(sent[k]))
		}
	}
	b.StopTimer()
	report(b, "defer", deferred)
	report(b, "final", final)
}

// report adds the 50th and 99th percentiles of ds, in milliseconds.
func report(b *testing.B, name string, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), name+"-p50-ms")
	b.ReportMetric(at(0.99), name+"-p99-ms")
}
