package generated

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
)

// AllOrganizationCertificates yields every certificate of the organization,
// page after page: each next page is asked for with After set to the
// previous page's last_id, with the caller's Limit and Order kept; opts.After,
// if set, is where the walk starts. It stops after the page whose has_more is
// false (no request is made past it), when the loop breaks, when ctx is done,
// or at the first error, which it yields with a zero certificate. A server
// whose pages would make the walk go round forever (has_more without a
// last_id, or a cursor this walk has already used) ends it with an error. A
// certificate someone else deletes while the walk goes on costs it one
// request, not the walk (see paginate).
//
//	for cert, err := range client.AllOrganizationCertificates(ctx, generated.ListOptions{}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(cert.Id)
//	}
func (c *AdminClient) AllOrganizationCertificates(ctx context.Context, opts ListOptions) iter.Seq2[OrganizationCertificate, error] {
	return paginate(ctx, c, "listOrganizationCertificates", opts.After, func(c OrganizationCertificate) string { return c.Id },
		func(after string) ([]OrganizationCertificate, bool, *string, error) {
			o := opts
			o.After = after
			page, err := c.ListOrganizationCertificates(ctx, o)
			if err != nil {
				return nil, false, nil, err
			}
			return page.Data, page.HasMore, page.LastId, nil
		})
}

// AllProjectCertificates yields every certificate with its state in one
// project, following the pages as [AdminClient.AllOrganizationCertificates]
// does.
func (c *AdminClient) AllProjectCertificates(ctx context.Context, projectID string, opts ListOptions) iter.Seq2[OrganizationProjectCertificate, error] {
	return paginate(ctx, c, "listProjectCertificates", opts.After, func(c OrganizationProjectCertificate) string { return c.Id },
		func(after string) ([]OrganizationProjectCertificate, bool, *string, error) {
			o := opts
			o.After = after
			page, err := c.ListProjectCertificates(ctx, projectID, o)
			if err != nil {
				return nil, false, nil, err
			}
			return page.Data, page.HasMore, page.LastId, nil
		})
}

// maxStepBacks bounds how often one walk recovers from a vanished cursor,
// so a server that refuses every cursor ends the walk instead of looping.
const maxStepBacks = 10

// paginate follows cursors from start, remembering every cursor the server
// handed it: a page that says has_more without a last_id, or with a cursor
// this walk has already used, would keep the walk going round forever, so it
// ends the walk with an error instead.
//
// On a shared organization someone else may delete the certificate a walk
// is to continue after, and the API then refuses the cursor (a 400 or 404
// naming after). The walk steps back to the certificate it yielded before
// that one (to start, when there is none), skips what it has already
// yielded after that point, and goes on; so every certificate that stays
// for the whole walk is yielded exactly once, in order.
func paginate[T any](ctx context.Context, c *AdminClient, operation, start string, id func(T) string, fetch func(after string) ([]T, bool, *string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var yielded []string   // ids in the order yielded
		after, at := start, -1 // at: where after is in yielded; -1: start
		used := map[string]bool{start: true}
		var overlap map[string]bool
		stepBacks := 0
		for page := 1; ; page++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, more, last, err := fetch(after)
			if err != nil {
				if at < 0 || stepBacks == maxStepBacks || !cursorRefused(err) {
					yield(zero, err)
					return
				}
				stepBacks++
				overlap = make(map[string]bool, len(yielded)-at)
				for _, y := range yielded[at:] {
					overlap[y] = true
				}
				if at--; at < 0 {
					after = start
				} else {
					after = yielded[at]
				}
				// Going back was this walk's choice, so the cursors ahead
				// may come again; the bound on steps back keeps it finite.
				used = map[string]bool{after: true}
				continue
			}
			for _, item := range items {
				if overlap[id(item)] {
					continue
				}
				if err := ctx.Err(); err != nil {
					yield(zero, err)
					return
				}
				if !yield(item, nil) {
					return
				}
				yielded = append(yielded, id(item))
			}
			overlap = nil
			if !more {
				return
			}
			switch {
			case last == nil || *last == "":
				yield(zero, fmt.Errorf("certcontract: %s: page %d says has_more but gives no last_id to continue from", operation, page))
				return
			case used[*last]:
				yield(zero, c.clean(fmt.Errorf("certcontract: %s: page %d gives last_id %q, a cursor this walk has already used; following it would never end", operation, page, *last)))
				return
			}
			after, at = *last, slices.Index(yielded, *last)
			used[after] = true
		}
	}
}

// cursorRefused says the API refused a list's after: the certificate it
// names is not (or no longer) in the organization.
func cursorRefused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Param == "after" &&
		(apiErr.Status == http.StatusBadRequest || apiErr.Status == http.StatusNotFound)
}
