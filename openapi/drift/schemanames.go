package drift

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Check ids of the comparison this package adds to oasdiff's. oasdiff compares
// schemas by structure, so it does not see a body that now refers to another
// named schema; oapi-codegen names Go types after those schemas, so for Go
// callers that is a changed type.
const (
	CheckRequestSchemaRenamed  = "request-body-schema-renamed"
	CheckResponseSchemaRenamed = "response-body-schema-renamed"
)

// schemaNameChanges reports, for every operation and body present in both
// documents, the bodies whose schema is a different named schema (or inline
// on one side only), in no particular order: Compare sorts all findings.
func schemaNameChanges(base, revision *openapi3.T) []Finding {
	var out []Finding
	for path, baseItem := range base.Paths.Map() {
		revItem := revision.Paths.Value(path)
		if revItem == nil {
			continue
		}
		for method, baseOp := range baseItem.Operations() {
			revOp := revItem.GetOperation(method)
			if revOp == nil {
				continue
			}
			finding := func(check, text string, args ...string) Finding {
				return Finding{Severity: "breaking", Check: check, Operation: method + " " + path, OperationID: baseOp.OperationID, Text: text, Args: args}
			}
			if baseOp.RequestBody != nil && baseOp.RequestBody.Value != nil && revOp.RequestBody != nil && revOp.RequestBody.Value != nil {
				for _, mt := range contentChanges(baseOp.RequestBody.Value.Content, revOp.RequestBody.Value.Content) {
					out = append(out, finding(CheckRequestSchemaRenamed,
						fmt.Sprintf("the schema of the request body (%s) changed from %s to %s", mt.mediaType, schemaLabel(mt.base), schemaLabel(mt.revision)),
						mt.mediaType, mt.base, mt.revision))
				}
			}
			if baseOp.Responses == nil || revOp.Responses == nil {
				continue
			}
			for status, b := range baseOp.Responses.Map() {
				r := revOp.Responses.Value(status)
				if b == nil || b.Value == nil || r == nil || r.Value == nil {
					continue
				}
				for _, mt := range contentChanges(b.Value.Content, r.Value.Content) {
					out = append(out, finding(CheckResponseSchemaRenamed,
						fmt.Sprintf("the schema of the `%s` response (%s) changed from %s to %s", status, mt.mediaType, schemaLabel(mt.base), schemaLabel(mt.revision)),
						status, mt.mediaType, mt.base, mt.revision))
				}
			}
		}
	}
	return out
}

type nameChange struct{ mediaType, base, revision string }

func contentChanges(base, revision openapi3.Content) []nameChange {
	var out []nameChange
	for mediaType, b := range base {
		r := revision.Get(mediaType)
		if b == nil || r == nil || b.Schema == nil || r.Schema == nil {
			continue
		}
		bn, _ := componentName(b.Schema.Ref, "schemas")
		rn, _ := componentName(r.Schema.Ref, "schemas")
		if bn != rn {
			out = append(out, nameChange{mediaType, bn, rn})
		}
	}
	return out
}

func schemaLabel(name string) string {
	if name == "" {
		return "an inline schema"
	}
	return "`" + name + "`"
}
