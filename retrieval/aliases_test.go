package retrieval

import (
	"slices"
	"testing"
)

func TestExpansion_InitialsSpellTheAbbreviation(t *testing.T) {
	cases := map[[2]string]string{
		{"the buffer state, the Far Eastern Republic", "FER"}:             "Far Eastern Republic",
		{"the Union of Soviet Socialist Republics", "USSR"}:               "Union of Soviet Socialist Republics",
		{"“Chinese Eastern Railway", "CER"}:                               "Chinese Eastern Railway",
		{"a meeting of the Communist International", "FER"}:               "",
		{"Soviet Military Intelligence", "GRU"}:                           "",
		{"founded the Japanese Communist Party", "JCP"}:                   "Japanese Communist Party",
		{"the International Military Tribunal for the Far East", "IMTFE"}: "International Military Tribunal for the Far East",
		{"Tribunal for the", "TF"}:                                        "",
	}
	for in, want := range cases {
		if got := expansion(in[0], in[1]); got != want {
			t.Errorf("expansion(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}

func TestAbbreviations_LearnedFromTheCorpus(t *testing.T) {
	ix := defaultIndex(t)
	var fer bool
	for _, g := range ix.aliases {
		if slices.Equal(g.names, []string{"Far Eastern Republic", "FER"}) {
			fer = true
		}
	}
	if !fer {
		t.Error("the FER abbreviation was not learned")
	}
	if got := ix.aliasMatches("When was the Far Eastern Republic founded?"); len(got) != 1 || !slices.Contains(got[0].others, "FER") {
		t.Errorf("matches %v lack FER", got)
	}
}
