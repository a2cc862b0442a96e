package discordtest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// AssertJSON fails the test unless got and want hold the same JSON value
// (objects compare regardless of key order and spacing). It is how tests
// check the exact payloads the bot sends, e.g.
// AssertJSON(t, req.Body, `{"type":5,"data":{"flags":64}}`) fails if the
// body has any other field.
func AssertJSON(t testing.TB, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("got invalid JSON %q: %v", got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is invalid JSON %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		gi, _ := json.MarshalIndent(g, "", "  ")
		wi, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("JSON differs\n got: %s\nwant: %s", gi, wi)
	}
}
