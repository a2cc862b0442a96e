package bot

// Test helpers for the external test package (bot_test), which can import
// the model adapter and its fake server without an import cycle.
var (
	NewTestBot  = newTestBot
	CheckQuotes = checkQuotes
)
