package drift

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// LoadDocument reads an OpenAPI document (3.0 or 3.1, YAML or JSON) and
// resolves its references; a new loader refuses external references. It does
// not validate: older upstream documents are not valid (the 2025 one names a
// path parameter that its path does not have), and reporting exactly such
// defects is the point of the comparison.
func LoadDocument(path string) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return doc, nil
}

// ParseDocument is LoadDocument for a document held in memory.
func ParseDocument(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse document: %w", err)
	}
	return doc, nil
}
