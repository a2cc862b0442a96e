// Package retrieval finds the paragraphs that answer a question and the
// sentence a remembered fragment came from. It is the only package that
// imports bleve.
package retrieval
