package drift

import (
	"slices"
	"testing"
)

func TestCutKeepsTaggedOperationsAndWhatTheyReference(t *testing.T) {
	cut, err := Cut(parse(t, upstreamDoc), Tag)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for p := range cut.Paths.Map() {
		paths = append(paths, p)
	}
	if !slices.Equal(paths, []string{"/things/{thing_id}"}) {
		t.Errorf("paths %v", paths)
	}
	var schemas []string
	for name := range cut.Components.Schemas {
		schemas = append(schemas, name)
	}
	slices.Sort(schemas)
	// Details is reached only through Thing; Other only from another tag.
	if want := []string{"Details", "Thing"}; !slices.Equal(schemas, want) {
		t.Errorf("schemas %v, want %v", schemas, want)
	}
}

func TestCutRefusesADocumentWithoutTheTag(t *testing.T) {
	if _, err := Cut(parse(t, upstreamDoc), "Nothing"); err == nil {
		t.Error("want an error for a tag no operation carries")
	}
}
