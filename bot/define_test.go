package bot

import "testing"

func TestIntroScore(t *testing.T) {
	tests := []struct {
		sentence, subject string
		want              int
	}{
		{"Kuhara Fusanosuke (久原房之助, 1869–1965) was one such example.", "Kuhara", 3},
		{"Zhang’s adviser, William H. Donald (1875–1946), an Australian, warned Suma.", "Donald", 3},
		{"In 1922 Chicherin had written to Adol’f A. Ioffe (Joffe) (1883–1927), the Soviet plenipotentiary.", "Ioffe", 3},
		{"Ishiwara, who was strongly opposed to the escalation, could not resist.", "Ishiwara", 1},
		{"The Tanaka Memorial was a forgery.", "Tanaka Memorial", 1},
		// Someone else's dates, the name in passing, or the word uncapitalised.
		{"Kuhara met Ulrich von Brockdorff-Rantzau (1869–1928), the German ambassador.", "Kuhara", 0},
		{"Tanaka dispatched two emissaries to Stalin: Kuhara and Gotō.", "Kuhara", 0},
		{"a donald (1875–1946) was", "Donald", 0},
	}
	for _, tt := range tests {
		if got, _ := introScore(tt.sentence, tokens(tt.subject)); got != tt.want {
			t.Errorf("introScore(%q, %q) = %d, want %d", tt.sentence, tt.subject, got, tt.want)
		}
	}
	// The year of birth tells namesakes apart.
	if _, born := introScore("In 1922 Chicherin had written to Adol’f A. Ioffe (Joffe) (1883–1927), the Soviet plenipotentiary.", tokens("Ioffe")); born != "1883" {
		t.Errorf("Ioffe born %q, want 1883", born)
	}
}
