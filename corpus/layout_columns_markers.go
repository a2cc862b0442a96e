package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// columnsCand is a token of a body paragraph that may be an OCR'd note
// marker: a loose number ("fluence, 1 and", "pose of intervention. 8"), a
// number with a symbol for its last digit ("Urga. 1 ’ Having"), or a symbol
// glued to the word or standing alone ("Sakhalin.*", "pact.™", a closing
// quote that closes nothing: "fisheries.’").
type columnsCand struct {
	para, line int // paragraph, and line index in it
	column     int // the column it is printed in
	start, end int // bytes of the line's text the marker takes, with a space beside it
	digits     string
	symbol     bool // a symbol stands for the marker, or for its last digit
	// strong: the token follows punctuation or is glued to a word, where
	// the text itself puts no number; a number after a word ("tember 82
	// was") must read as the label itself, or nearly.
	strong bool
}

var (
	// columnsDigitTok is a loose number of up to three characters, read
	// with OCR confusions, and an optional letter ("72a").
	columnsDigitTok = regexp.MustCompile(`^(?:\d[\dlISOGb]{0,2}|[lISOGb]\d[\dlISOGb]?)[a-z]?$`)
	// columnsSymbolTok is a symbol that stands for a marker or a digit of
	// it; the quotes only after a number ("1 ’", "61 '").
	columnsSymbolTok = regexp.MustCompile(`^[*™®§°†‡'’”“"]+$`)
)

// columnsMarkSymbols are never text after a word or punctuation.
const columnsMarkSymbols = "*™®§°†‡"

// columnsCandidates finds the marker candidates of one paragraph, tracking
// its quotations so that a closing quote that closes nothing can be a
// marker while one that closes a quotation stays.
func columnsCandidates(pi int, lines []rawLine) []columnsCand {
	var out []columnsCand
	add := func(c columnsCand) {
		// A token at a line's start took the space after it: the next one
		// does not take it again.
		if k := len(out) - 1; k >= 0 && out[k].line == c.line && out[k].end > c.start {
			c.start = out[k].end
		}
		out = append(out, c)
	}
	open, openSingle := false, false
	var prev rune       // last character before the current token, across lines
	var prevWord string // the token before it
	for li, l := range lines {
		s := l.text
		fields := columnsFields(s)
		for fi := 0; fi < len(fields); fi++ {
			fs, fe := fields[fi][0], fields[fi][1]
			f := s[fs:fe]
			strong := prev != 0 && strings.ContainsRune(`.,;:!?”’"')]`+columnsMarkSymbols, prev)
			weak := unicode.IsLetter(prev)
			switch {
			case len(f) <= 4 && (strong || weak) && strings.ContainsAny(f, "0123456789") && columnsDigitTok.MatchString(f):
				if columnsTextNumber(prevWord, f) {
					break
				}
				c := columnsCand{para: pi, line: li, start: fs, end: fe, digits: f, strong: strong}
				if fi+1 < len(fields) && columnsSymbolTok.MatchString(s[fields[fi+1][0]:fields[fi+1][1]]) {
					fi++
					c.end, c.symbol, c.strong = fields[fi][1], true, true
				}
				c.start, c.end = columnsWithSpace(s, c.start, c.end)
				add(c)
			case prev != 0 && (strings.Trim(f, columnsMarkSymbols) == "" || f == "f" && strong):
				// A lone symbol; "f" is how OCR reads a dagger.
				c := columnsCand{para: pi, line: li, start: fs, end: fe, symbol: true, strong: true}
				c.start, c.end = columnsWithSpace(s, c.start, c.end)
				add(c)
			default:
				if at := columnsGluedMarker(f, &open, &openSingle); at >= 0 {
					add(columnsCand{para: pi, line: li, start: fs + at, end: fe, symbol: true, strong: true})
				}
			}
			prev, _ = utf8.DecodeLastRuneInString(s[:fields[fi][1]])
			prevWord = s[fields[fi][0]:fields[fi][1]]
		}
	}
	return out
}

// columnsNumberAbbrevs introduce a number that is text: "p. 12", "No. 8".
var columnsNumberAbbrevs = map[string]bool{
	"p": true, "pp": true, "no": true, "nos": true, "vol": true, "vols": true, "art": true, "arts": true,
	"ch": true, "chap": true, "fig": true, "figs": true, "n": true, "nn": true, "sec": true, "pt": true,
}

var columnsMonths = []string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// columnsTextNumber reports a number that the word before it makes text: a
// page or issue after its abbreviation, a day (1–31) after a month, its
// abbreviation ("Sept. 18") or the end of a month name hyphenated across
// lines ("Sep-⏎tember 18"). "tember 82" is still a marker.
func columnsTextNumber(before, tok string) bool {
	w := strings.ToLower(strings.TrimRight(before, ".,"))
	if strings.HasSuffix(before, ".") && columnsNumberAbbrevs[w] {
		return true
	}
	if d := atoiDefault(tok, 0); d < 1 || d > 31 || len(w) < 3 {
		return false
	}
	for _, m := range columnsMonths {
		if strings.HasPrefix(m, w) || len(w) >= 4 && strings.HasSuffix(m, w) {
			return true
		}
	}
	return false
}

// columnsGluedMarker follows the quotation marks of a word and returns the
// offset in it where a glued marker starts, or -1: a run of marker symbols
// at its end ("Sakhalin.*", "principles.”*"), a closing quote after
// punctuation that closes no quotation ("1931.\"", "army,”"), an opening
// quote after punctuation ("Seishin.“").
func columnsGluedMarker(f string, open, openSingle *bool) int {
	core := strings.TrimRight(f, columnsMarkSymbols)
	at := -1
	if len(core) < len(f) && core != "" {
		at = len(core)
	}
	// The quotes that end the word after punctuation.
	tail := len(strings.TrimRight(core, `"”’“`))
	afterPunct := tail > 0 && tail < len(core) && strings.ContainsAny(core[tail-1:tail], ".,!?;:")
	for i, r := range core {
		inTail := afterPunct && i >= tail
		switch r {
		case '“':
			if inTail {
				return i
			}
			*open = true
		case '‘':
			*openSingle = true
		case '”', '"':
			switch {
			case r == '"' && i == 0:
				*open = true
			case *open && (r == '”' || i == len(core)-1):
				*open = false
			case inTail && !*open:
				return i
			}
		case '’':
			switch {
			case inTail && *openSingle:
				*openSingle = false
			case inTail:
				return i
			}
		}
	}
	return at
}

// columnsFields returns the byte ranges of the space-separated tokens of s.
func columnsFields(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// columnsWithSpace widens a loose token to take the space before it, or the
// one after it at the start of a line, so that removing it leaves one space.
func columnsWithSpace(s string, start, end int) (int, int) {
	switch {
	case start > 0 && s[start-1] == ' ':
		start--
	case start == 0 && end < len(s) && s[end] == ' ':
		end++
	}
	return start, end
}

// columnsScore rates a candidate as the marker of a note label; 0 rules it
// out. A symbol fits any label and only the sequence places it.
func columnsScore(c columnsCand, label string) int {
	switch {
	case c.digits == "":
		return 3
	case c.symbol: // "1 ’" for 17: the digits open the label
		n := len(c.digits)
		switch {
		case len(label) != n+1:
			return 2
		case label[:n] == c.digits:
			return 6
		case columnsConfusable(c.digits, label[:n]):
			return 4
		}
		return 2
	case c.digits == label && c.strong:
		return 10
	case c.digits == label:
		return 6
	case columnsConfusable(c.digits, label) && c.strong:
		return 7
	case columnsConfusable(c.digits, label):
		return 4
	case c.strong && len(c.digits) == len(label) && columnsAllDigits(c.digits) && columnsAllDigits(label):
		return 2 // misread beyond the usual confusions ("86" for 35)
	}
	return 0
}

func columnsAllDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// columnsMatchBonus is added to the score of every match: markers are
// rarely lost, so anchoring one more note outweighs reading one marker
// exactly ("86 … 88 … 81" are 35, 36, 37, not 36 and 37 with 35 lost).
// columnsHomeBonus prefers the notes printed at the foot of the marker's
// own column, where a note goes unless the column is full.
const (
	columnsMatchBonus = 8
	columnsHomeBonus  = 1
)

// columnsMaxCells bounds the alignment table (64 MB): a report has a few
// hundred candidates and notes; a text that would need more is not one of
// them, and keeps its markers in the text.
const columnsMaxCells = 1 << 24

// columnsAlign aligns the candidates with the notes, both in reading
// order, maximising the total score of an order-keeping matching (a
// weighted longest common subsequence). Among equal alignments a candidate
// takes the earliest label it can: a symbol after n. 40 is n. 41, and the
// notes left without a marker are the ones before the next sure marker.
// It returns, per candidate, the index of its note or -1.
func columnsAlign(cands []columnsCand, notes []columnsNote) []int {
	n, m := len(cands), len(notes)
	match := make([]int, n)
	for i := range match {
		match[i] = -1
	}
	if n*m > columnsMaxCells {
		return match
	}
	score := func(i, j int) int32 {
		s := columnsScore(cands[i], notes[j].label)
		if s == 0 {
			return 0
		}
		if cands[i].column == notes[j].column {
			s += columnsHomeBonus
		}
		return int32(s + columnsMatchBonus)
	}
	w := m + 1
	best := make([]int32, (n+1)*w) // best[i*w+j]: candidates < i, notes < j
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			v := max(best[(i-1)*w+j], best[i*w+j-1])
			if s := score(i-1, j-1); s > 0 {
				v = max(v, best[(i-1)*w+j-1]+s)
			}
			best[i*w+j] = v
		}
	}
	for i, j := n, m; i > 0 && j > 0; {
		s := score(i-1, j-1)
		switch {
		case best[i*w+j] == best[i*w+j-1]:
			j--
		case s > 0 && best[i*w+j] == best[(i-1)*w+j-1]+s:
			match[i-1] = j - 1
			i, j = i-1, j-1
		default:
			i--
		}
	}
	return match
}

// columnsExtractMarkers finds the markers of the paragraphs, takes them out
// of the lines and records them as references; column gives the column of
// a source line. A candidate the alignment leaves unmatched stays in the
// text: a number wrongly removed would corrupt a quotation.
func columnsExtractMarkers(paras []*rawBlock, notes []columnsNote, column func(line int) int) {
	var cands []columnsCand
	for pi, p := range paras {
		for _, c := range columnsCandidates(pi, p.lines) {
			c.column = column(p.lines[c.line].no)
			cands = append(cands, c)
		}
	}
	match := columnsAlign(cands, notes)
	// Remove from the end of each line so that earlier offsets hold, then
	// shift each reference by what was removed before it.
	for k := len(cands) - 1; k >= 0; k-- {
		if match[k] < 0 {
			continue
		}
		c := cands[k]
		l := &paras[c.para].lines[c.line]
		l.text = l.text[:c.start] + l.text[c.end:]
	}
	for k, c := range cands {
		if match[k] < 0 {
			continue
		}
		off := c.start
		for j := k - 1; j >= 0 && cands[j].para == c.para && cands[j].line == c.line; j-- {
			if match[j] >= 0 {
				off -= cands[j].end - cands[j].start
			}
		}
		p := paras[c.para]
		p.refs = append(p.refs, lineRef{line: c.line, offset: off, label: notes[match[k]].label})
	}
}
