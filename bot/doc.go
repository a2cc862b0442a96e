// Package bot is Ibid's platform-independent core: asking, citing,
// conversations and study sessions, returning values that adapters (Discord,
// the console) send. It imports no vendor; Discord, the search index and the
// language model sit behind small interfaces declared here.
package bot
