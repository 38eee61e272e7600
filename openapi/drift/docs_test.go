package drift

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// fragmentDoc is a small fragment written like openapi/certificates.yaml:
// OpenAPI 3.0, nullable keyword, path parameter at path level.
const fragmentDoc = `
openapi: 3.0.3
info: {title: fragment, version: "1"}
paths:
  /things/{thing_id}:
    parameters:
      - name: thing_id
        in: path
        required: true
        schema: {type: string}
    get:
      operationId: getThing
      tags: [Certificates]
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 100}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string, nullable: true}
        details: {$ref: "#/components/schemas/Details"}
    Details:
      type: object
      properties:
        size: {type: integer}
`

// upstreamDoc says the same as fragmentDoc the way upstream writes it:
// OpenAPI 3.1, anyOf with null, path parameter per operation, no range
// keywords on limit, and an unrelated operation under another tag. The
// lines it shares with fragmentDoc are repeated on purpose: each document
// stands whole, as the two files it stands for do.
const upstreamDoc = `
openapi: 3.1.0
info: {title: upstream, version: "2"}
paths:
  /things/{thing_id}:
    get:
      operationId: getThing
      tags: [Certificates]
      parameters:
        - name: thing_id
          in: path
          required: true
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
  /others:
    get:
      operationId: listOthers
      tags: [Others]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Other"}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name:
          anyOf:
            - type: string
            - type: "null"
        details: {$ref: "#/components/schemas/Details"}
    Details:
      type: object
      properties:
        size: {type: integer}
    Other:
      type: object
      properties:
        thing: {$ref: "#/components/schemas/Thing"}
`

// limitAllowList explains the one deliberate difference between the two.
const limitAllowList = `
entries:
  - name: limit-range
    reason: The fragment states the documented range as keywords.
    checks: [request-parameter-min-unset, request-parameter-max-unset]
    args: [query, limit]
`

func parse(t *testing.T, doc string) *openapi3.T {
	t.Helper()
	d, err := ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func allowList(t *testing.T, yaml string) *AllowList {
	t.Helper()
	l, err := ParseAllowList([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// edit applies old/new pairs to doc, failing when an old text is absent so a
// test cannot silently compare unchanged documents.
func edit(t *testing.T, doc string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("edit: %q not in document", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}
