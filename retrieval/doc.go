// Package retrieval finds the paragraphs that answer a question and the
// sentence a remembered fragment came from. It is the only package that
// imports bleve: bleve keeps the index on disk and offers candidates; the
// rerank here (true-length BM25 over the question's concepts, the best one
// or two sentences, the kind of record) orders them. Words close in meaning
// come from package related, which knows general English and no corpus.
package retrieval
