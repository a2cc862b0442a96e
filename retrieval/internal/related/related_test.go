package related

import (
	"slices"
	"testing"
)

func TestOf_NearWordsFirst(t *testing.T) {
	got := Of("magnate")
	if len(got) == 0 {
		t.Fatal("magnate has no neighbours")
	}
	var words []string
	for i, n := range got {
		words = append(words, n.Word)
		if i > 0 && n.Sim > got[i-1].Sim {
			t.Errorf("not nearest first: %v", got)
		}
	}
	if !slices.Contains(words, "industrialist") || !slices.Contains(words, "tycoon") {
		t.Errorf("magnate: %v", words)
	}
	if Of("zzzzqx") != nil || Of("") != nil || Of("the") != nil {
		t.Error("unknown words and stop words have no neighbours")
	}
}
