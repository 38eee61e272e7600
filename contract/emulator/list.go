package emulator

import (
	"fmt"
	"strconv"
)

// listOptions are a list request's parameters with defaults applied, plus the
// mutations that bend them.
type listOptions struct {
	after             string
	limit             int
	desc              bool
	ignoreLimit       bool
	repeatAfterCursor bool
}

// appendList appends one page of a list, a ListCertificatesResponse or a
// ListProjectCertificatesResponse (they differ only in their items), to buf.
// The items were encoded at upload or rename: lists are the hot path, and
// reflecting over every item of every page would cost more than all the rest
// of a request.
func (org *organization) appendList(buf []byte, sc scope, opt listOptions) ([]byte, *apiError) {
	org.mu.RLock()
	defer org.mu.RUnlock()
	n := len(org.certs)
	at := func(i int) *certificate { // the i-th in the requested order
		if opt.desc {
			return org.certs[n-1-i]
		}
		return org.certs[i]
	}
	start := 0
	if opt.after != "" {
		cursor := org.byID[opt.after]
		if cursor == nil {
			return buf, badRequest("after", "",
				fmt.Sprintf("No certificate with id %s in this organization to continue after.", opt.after))
		}
		for start < n && at(start) != cursor {
			start++
		}
		if !opt.repeatAfterCursor {
			start++
		}
	}
	limit := opt.limit
	if opt.ignoreLimit {
		limit = n
	}
	end := min(start+limit, n)

	buf = append(buf, `{"data":[`...)
	for i := start; i < end; i++ {
		if i > start {
			buf = append(buf, ',')
		}
		buf = append(buf, at(i).listItem(sc)...)
	}
	buf = append(buf, `],"first_id":`...)
	if start < end {
		buf = appendID(buf, at(start).id)
	} else {
		buf = append(buf, "null"...)
	}
	buf = append(buf, `,"has_more":`...)
	buf = strconv.AppendBool(buf, end < n)
	buf = append(buf, `,"last_id":`...)
	if start < end {
		buf = appendID(buf, at(end-1).id)
	} else {
		buf = append(buf, "null"...)
	}
	return append(buf, `,"object":"list"}`...), nil
}

// appendID appends a stored id as a JSON string. Stored ids are the
// emulator's own, cert_ and hex digits, so they need no escaping.
func appendID(buf []byte, id string) []byte {
	buf = append(buf, '"')
	buf = append(buf, id...)
	return append(buf, '"')
}
