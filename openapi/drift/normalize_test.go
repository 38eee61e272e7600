package drift

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestNormalizeNullable(t *testing.T) {
	tests := []struct {
		name         string
		schema       string
		wantType     string
		wantNullable bool
		wantAllOfRef string
		wantAnyOf    int
		// The wrapper's annotations survive the folding.
		wantDescription string
		wantReadOnly    bool
	}{
		{name: "anyOf string or null", schema: `{anyOf: [{type: string}, {type: "null"}], description: d, readOnly: true}`, wantType: "string", wantNullable: true, wantDescription: "d", wantReadOnly: true},
		{name: "oneOf null first", schema: `{oneOf: [{type: "null"}, {type: integer}]}`, wantType: "integer", wantNullable: true},
		{name: "type list", schema: `{type: [string, "null"]}`, wantType: "string", wantNullable: true},
		{name: "nullable reference", schema: `{anyOf: [{$ref: "#/components/schemas/Ref"}, {type: "null"}]}`, wantNullable: true, wantAllOfRef: "#/components/schemas/Ref"},
		{name: "two real branches stay", schema: `{anyOf: [{type: string}, {type: integer}]}`, wantAnyOf: 2},
		{name: "wrapper with its own type stays", schema: `{type: object, anyOf: [{type: object}, {type: "null"}]}`, wantType: "object", wantAnyOf: 2},
		{name: "3.0 nullable stays", schema: `{type: string, nullable: true}`, wantType: "string", wantNullable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parse(t, `
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Ref: {type: object}
    Subject:
      type: object
      properties:
        p: `+tt.schema+`
`)
			Normalize(doc)
			Normalize(doc) // a second pass must change nothing
			got := doc.Components.Schemas["Subject"].Value.Properties["p"].Value
			gotType := ""
			if got.Type != nil && len(*got.Type) == 1 {
				gotType = (*got.Type)[0]
			}
			if gotType != tt.wantType || got.Nullable != tt.wantNullable || len(got.AnyOf) != tt.wantAnyOf {
				t.Errorf("got type %q nullable %v anyOf %d, want %q %v %d", gotType, got.Nullable, len(got.AnyOf), tt.wantType, tt.wantNullable, tt.wantAnyOf)
			}
			gotRef := ""
			if len(got.AllOf) == 1 {
				gotRef = got.AllOf[0].Ref
			}
			if gotRef != tt.wantAllOfRef {
				t.Errorf("allOf ref %q, want %q", gotRef, tt.wantAllOfRef)
			}
			if got.Description != tt.wantDescription || got.ReadOnly != tt.wantReadOnly {
				t.Errorf("description %q readOnly %v, want %q %v", got.Description, got.ReadOnly, tt.wantDescription, tt.wantReadOnly)
			}
		})
	}
}

func TestNormalizePushesPathParametersDown(t *testing.T) {
	doc := parse(t, fragmentDoc)
	Normalize(doc)
	Normalize(doc)
	item := doc.Paths.Value("/things/{thing_id}")
	if len(item.Parameters) != 0 {
		t.Errorf("path item still has %d parameters", len(item.Parameters))
	}
	params := item.Get.Parameters
	if len(params) != 2 || params.GetByInAndName(openapi3.ParameterInPath, "thing_id") == nil {
		t.Errorf("operation parameters: want limit and thing_id once each, got %d", len(params))
	}
}

func TestNormalizeKeepsAnOperationsOwnParameter(t *testing.T) {
	// A path-level limit of another type: the operation's own limit wins.
	doc := parse(t, edit(t, fragmentDoc, "      - name: thing_id\n", `      - name: limit
        in: query
        schema: {type: string}
      - name: thing_id
`))
	Normalize(doc)
	params := doc.Paths.Value("/things/{thing_id}").Get.Parameters
	limit := params.GetByInAndName(openapi3.ParameterInQuery, "limit")
	if len(params) != 2 || limit == nil || !limit.Schema.Value.Type.Is(openapi3.TypeInteger) {
		t.Errorf("want the operation's integer limit and thing_id, got %d parameters", len(params))
	}
}
