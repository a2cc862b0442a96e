// Package studytest checks what study sessions show their members: that
// every quote is the corpus's own words, followed by its citation. The
// console's and Discord's tests share it.
package studytest

import (
	"strings"
	"testing"

	"github.com/ibidbot/ibid/corpus"
)

// CheckQuotes asserts that every "> " block of text is a substring of the
// paragraph its following citation line ("— … [ID]") names, and returns how
// many blocks there were. unescape, when not nil, undoes a renderer's
// escaping of each line first.
func CheckQuotes(t testing.TB, c *corpus.Corpus, text string, unescape func(string) string) int {
	t.Helper()
	if unescape == nil {
		unescape = func(s string) string { return s }
	}
	lines := strings.Split(text, "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "> ") {
			continue
		}
		var q []string
		for ; i < len(lines) && strings.HasPrefix(lines[i], "> "); i++ {
			q = append(q, unescape(strings.TrimPrefix(lines[i], "> ")))
		}
		if i == len(lines) || !strings.HasPrefix(lines[i], "— ") {
			t.Errorf("quote %q is not followed by its citation", q)
			continue
		}
		cite := unescape(lines[i])
		open, end := strings.LastIndex(cite, "["), strings.LastIndex(cite, "]")
		if open < 0 || end < open {
			t.Errorf("citation %q names no paragraph", cite)
			continue
		}
		id := cite[open+1 : end]
		p, ok := c.Paragraph(id)
		if !ok {
			t.Errorf("quote cites unknown paragraph %s", id)
			continue
		}
		if quote := strings.Join(q, "\n"); !strings.Contains(p.Text, quote) {
			t.Errorf("quote %q is not verbatim from %s", quote, id)
		}
		if !strings.Contains(cite, p.Citation) {
			t.Errorf("citation %q is not %s's", cite, id)
		}
		n++
	}
	return n
}
