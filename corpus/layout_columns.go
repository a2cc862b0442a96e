package corpus

// segmentOCRColumns segments the OCR of two-column pages. Placeholder:
// paragraphs at blank lines.
func segmentOCRColumns(in *docInput) (segmentation, error) {
	return segmentOnBlanks(in, KindBody), nil
}
