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

func TestCutKeepsWhatPathParametersAndSecurityName(t *testing.T) {
	doc := edit(t, fragmentDoc,
		"paths:\n", "security: [{ApiKey: []}]\npaths:\n",
		`      - name: thing_id
        in: path
        required: true
        schema: {type: string}
`, `      - $ref: "#/components/parameters/ThingID"
`,
		"components:\n", `components:
  securitySchemes:
    ApiKey: {type: http, scheme: bearer}
    Unused: {type: http, scheme: bearer}
  parameters:
    ThingID:
      name: thing_id
      in: path
      required: true
      schema: {type: string}
`)
	cut, err := Cut(parse(t, doc), Tag)
	if err != nil {
		t.Fatal(err)
	}
	// ApiKey is named only by the document-wide security, ThingID only by
	// the path.
	if _, ok := cut.Components.SecuritySchemes["ApiKey"]; !ok || len(cut.Components.SecuritySchemes) != 1 {
		t.Errorf("security schemes %v, want ApiKey only", cut.Components.SecuritySchemes)
	}
	if _, ok := cut.Components.Parameters["ThingID"]; !ok {
		t.Errorf("parameters %v, want ThingID", cut.Components.Parameters)
	}
}
