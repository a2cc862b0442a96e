package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ibidbot/ibid/corpus"
)

// runIbid runs the command line in-process with an empty environment.
func runIbid(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	return runIbidInput(t, env, "", args...)
}

// runIbidInput runs the command line with stdin as standard input.
func runIbidInput(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestRun_CorpusStatsListsEveryDocument(t *testing.T) {
	out, err := runIbid(t, nil, "--data", t.TempDir(), "corpus", "stats")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"linkhoeva2020-ch3", "kuromiya2023", "bridges1980", "dean1932", "kuromiya-mamoulia2016"} {
		if !strings.Contains(out, id) {
			t.Errorf("stats lack %s:\n%s", id, out)
		}
	}
	if !strings.Contains(out, "5 documents") {
		t.Errorf("no totals line:\n%s", out)
	}
}

func TestRun_CorpusExportWritesTheRecordFormat(t *testing.T) {
	out, err := runIbid(t, nil, "corpus", "export")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n, notes := 0, 0
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		for _, k := range []string{"id", "doc", "source", "kind", "text", "citation", "page"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("line %d lacks %q: %s", n+1, k, sc.Text())
			}
		}
		if r["kind"] == "note" {
			notes++
		}
		n++
	}
	if n < 1000 || notes < 100 {
		t.Errorf("%d records, %d notes: too few", n, notes)
	}
}

func TestRun_CorpusShow(t *testing.T) {
	out, err := runIbid(t, nil, "corpus", "show", "kuromiya-mamoulia2016:ch6:p135:2")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Moscow’s confidence was apparent", "Kuromiya and Mamoulia, The Eurasian Triangle (2016), ch. 6, p. 135, ¶2", "previous: kuromiya-mamoulia2016:ch6:p135:1", "De Gruyter Open"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	_, err = runIbid(t, nil, "corpus", "show", "kuromiya-mamoulia2016:ch6:p999:1")
	if err == nil || !strings.Contains(err.Error(), `no record with ID "kuromiya-mamoulia2016:ch6:p999:1"; nearest: kuromiya-mamoulia2016:ch6:p`) {
		t.Errorf("unknown ID: %v", err)
	}
}

func TestRun_OtherCorpusDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("The pact was signed in 1941.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--corpus", dir, "corpus", "export"}} {
		out, err := runIbid(t, nil, args...)
		if err != nil || !strings.Contains(out, `"text":"The pact was signed in 1941."`) || !strings.Contains(out, `"source":"notes.txt"`) {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	out, err := runIbid(t, map[string]string{"IBID_CORPUS": dir}, "corpus", "export")
	if err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("IBID_CORPUS: %v\n%s", err, out)
	}
	if _, err := runIbid(t, nil, "--corpus", filepath.Join(dir, "missing"), "corpus", "stats"); err == nil || !strings.Contains(err.Error(), "corpus directory") {
		t.Errorf("missing corpus directory: %v", err)
	}
}

func TestRun_UsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"corpus"}, {"corpus", "show"}, {"--nope", "corpus", "stats"}} {
		_, err := runIbid(t, nil, args...)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%q: %v is not a usage error", args, err)
		}
	}
}

func TestRun_ConfigFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("data_dri: /x\n"), 0o644)
	if _, err := runIbid(t, nil, "--config", bad, "corpus", "stats"); err == nil || !strings.Contains(err.Error(), "data_dri") {
		t.Errorf("misspelt key: %v", err)
	}
}

func TestRun_SearchCiteAndEval(t *testing.T) {
	data := t.TempDir()
	out, err := runIbid(t, nil, "--data", data, "search", "--json", "--k", "2", "Kuhara", "Hitachi")
	if err != nil {
		t.Fatal(err)
	}
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 2 {
		t.Fatalf("search --json: %v, %d hits\n%s", err, len(hits), out)
	}
	out, err = runIbid(t, nil, "--data", data, "cite", "If we beat Japan no scoundrel in the West would poke his nose")
	if err != nil || !strings.Contains(out, "“If we beat Japan, no scoundrel in the West would poke his nose into our affairs.") || !strings.Contains(out, "exact match") {
		t.Errorf("cite: %v\n%s", err, out)
	}
	questions := filepath.Join(data, "q.jsonl")
	os.WriteFile(questions, []byte(`{"id":"a","type":"factoid","question":"Who founded what became Hitachi and met Stalin?","gold":["affluent and powerful industrialist who founded what later became the huge"]}
{"id":"b","type":"quote","question":"/cite if we beat Japan no scoundrel in the West","gold":["If we beat Japan, no scoundrel in the West would poke his"]}
`), 0o644)
	results := filepath.Join(data, "r.jsonl")
	out, err = runIbid(t, nil, "--data", data, "eval", questions, "--out", results)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "cite exact on quote questions: 1.000 (1/1)") {
		t.Errorf("eval summary:\n%s", out)
	}
	data2, _ := os.ReadFile(results)
	lines := strings.Split(strings.TrimSpace(string(data2)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d result lines", len(lines))
	}
	var r struct {
		ID   string           `json:"id"`
		Hits []map[string]any `json:"hits"`
		Cite map[string]any   `json:"cite"`
		MS   map[string]float64
	}
	if err := json.Unmarshal([]byte(lines[1]), &r); err != nil || r.ID != "b" || len(r.Hits) == 0 || r.Cite["found"] != true || r.MS["search"] <= 0 {
		t.Errorf("result line: %v %+v", err, r)
	}
}

func TestRun_AskQuotesAndCitesTheParagraph(t *testing.T) {
	data := t.TempDir()
	out, err := runIbid(t, nil, "--data", data, "ask", "--json", "Who published the first complete Japanese translation of Das Kapital?")
	if err != nil {
		t.Fatal(err)
	}
	var a answerOut
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a.Refused || a.Mode != "extractive" || len(a.Quotes) == 0 {
		t.Fatalf("%+v", a)
	}
	q := a.Quotes[0]
	c, err := corpus.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.Paragraph(q.ParagraphID)
	if !ok || p.Text[q.Start:q.End] != q.Text || !strings.Contains(q.Text, "Takabatake") || q.Citation != p.Citation {
		t.Errorf("quote %+v is not cut from %s", q, q.ParagraphID)
	}
	// A model endpoint that is down falls back to the extractive answer.
	env := map[string]string{"IBID_LLM_BASE_URL": "http://127.0.0.1:1/v1", "IBID_LLM_MODEL": "m", "IBID_LLM_TIMEOUT": "2s"}
	out, err = runIbid(t, env, "--data", data, "ask", "--json", "Who published the first complete Japanese translation of Das Kapital?")
	if err != nil || !strings.Contains(out, `"fallback_reason"`) || !strings.Contains(out, "Takabatake") {
		t.Errorf("fallback: %v\n%s", err, out)
	}
}

func TestRun_ChatReadsAScriptAndKeepsTheConversation(t *testing.T) {
	script := "Who founded what became Hitachi?\nWhen did he meet Stalin?\n/cite kuromiya2023:intro:p14:2\n/cite kuromiya2023:nope\n/bogus\n/sources\n"
	out, err := runIbidInput(t, nil, script, "--data", t.TempDir(), "chat")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Kuhara",                     // the first answer
		"(read as: When did he meet", // the follow-up was resolved
		"Paragraph kuromiya2023:intro:p14:2",
		"error: no paragraph has the ID kuromiya2023:nope",
		"error: unknown command /bogus",
		"Bridges, Brian.", // the bibliography
	} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
}

func TestRun_IndexSaysWhatItBuilt(t *testing.T) {
	data := t.TempDir()
	out, err := runIbid(t, nil, "--data", data, "index")
	if err != nil || !strings.Contains(out, "built the search index of") || !strings.Contains(out, filepath.Join(data, "index-")) || !strings.Contains(out, " MB)") {
		t.Errorf("index: %v\n%s", err, out)
	}
	if _, err := runIbid(t, nil, "--data", data, "index", "extra"); err == nil {
		t.Error("index takes no arguments")
	}
}

func TestProgressBar_RedrawsOneLine(t *testing.T) {
	var b bytes.Buffer
	bar := progressBar(&b)
	bar(500, 2000)
	bar(2000, 2000)
	want := "\rindexing [#######.......................] 500/2000 records" +
		"\rindexing [##############################] 2000/2000 records\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
