package corpus

import (
	"strings"
	"testing"
)

// FuzzParseText: the pipeline never panics on arbitrary input, and whatever
// it produces is well-formed (offsets inside the text, no empty records).
func FuzzParseText(f *testing.F) {
	for _, name := range []string{"000_091d0e3404114efd.txt", "003_be1d1abdf54f382f.txt", "004_561ceef106423b6b.txt"} {
		data, err := fsReadDefault(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(data[:min(len(data), 4000)]))
	}
	f.Add([]byte("Title\n\nA para-\ngraph.12 With¬\n a marker.³²Next\n\n\n 1Note text\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseText("fuzz.txt", data)
		if err != nil {
			return // invalid UTF-8 is refused, not parsed
		}
		for _, p := range d.Paragraphs {
			if strings.TrimSpace(p.Text) == "" {
				t.Fatalf("empty record %s", p.ID)
			}
			for _, s := range p.Sentences {
				if s.Start < 0 || s.End > len(p.Text) || s.Start > s.End {
					t.Fatalf("%s: sentence %v outside %d bytes", p.ID, s, len(p.Text))
				}
			}
			for _, r := range p.NoteRefs {
				if r.Offset < 0 || r.Offset > len(p.Text) {
					t.Fatalf("%s: ref %v outside %d bytes", p.ID, r, len(p.Text))
				}
			}
		}
	})
}

// BenchmarkLoadDefault measures loading the whole default corpus (all five
// texts through the pipeline). Run on one core: go test -bench LoadDefault
// -cpu 1 ./corpus
func BenchmarkLoadDefault(b *testing.B) {
	for b.Loop() {
		if _, err := LoadDefault(); err != nil {
			b.Fatal(err)
		}
	}
}
