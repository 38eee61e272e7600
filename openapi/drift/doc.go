// Package drift compares the project's Certificates fragment with a full
// upstream OpenAI OpenAPI document and sorts every difference into one of
// three groups: upstream changes that break or change the generated client,
// things upstream has that the fragment lacks, and the fragment's deliberate
// enrichments, which are expected only when the reviewed allow-list names
// them with a reason.
//
// It lives in its own module so that oasdiff and its dependencies never reach
// programs that import the client.
package drift
