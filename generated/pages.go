package generated

import (
	"context"
	"errors"
	"iter"
)

// AllOrganizationCertificates yields every certificate of the organization,
// page after page: each next page is asked for with after set to the previous
// page's last_id, with the caller's limit and order kept. It stops after the
// page whose has_more is false (no request is made past it), when the loop
// breaks, when ctx is done, or at the first error, which it yields with a
// zero certificate. params may be nil; its After, if set, is where the walk
// starts.
//
//	for cert, err := range client.AllOrganizationCertificates(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(cert.Id)
//	}
func (c *AdminClient) AllOrganizationCertificates(ctx context.Context, params *ListOrganizationCertificatesParams) iter.Seq2[OrganizationCertificate, error] {
	var p ListOrganizationCertificatesParams
	if params != nil {
		p = *params
	}
	return paginate(ctx, p.After, func(after *string) ([]OrganizationCertificate, bool, *string, error) {
		q := p
		q.After = after
		page, err := c.ListOrganizationCertificates(ctx, &q)
		if err != nil {
			return nil, false, nil, err
		}
		return page.Data, page.HasMore, page.LastId, nil
	})
}

// AllProjectCertificates yields every certificate with its state in one
// project, following the pages as [AdminClient.AllOrganizationCertificates]
// does.
func (c *AdminClient) AllProjectCertificates(ctx context.Context, projectID string, params *ListProjectCertificatesParams) iter.Seq2[OrganizationProjectCertificate, error] {
	var p ListProjectCertificatesParams
	if params != nil {
		p = *params
	}
	return paginate(ctx, p.After, func(after *string) ([]OrganizationProjectCertificate, bool, *string, error) {
		q := p
		q.After = after
		page, err := c.ListProjectCertificates(ctx, projectID, &q)
		if err != nil {
			return nil, false, nil, err
		}
		return page.Data, page.HasMore, page.LastId, nil
	})
}

// paginate follows cursors from start. A page that says has_more without a
// last_id, or with the cursor it was asked for, would make the walk repeat
// forever, so it ends the walk with an error instead.
func paginate[T any](ctx context.Context, start *string, fetch func(after *string) ([]T, bool, *string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		after := start
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, more, last, err := fetch(after)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range items {
				if err := ctx.Err(); err != nil {
					yield(zero, err)
					return
				}
				if !yield(item, nil) {
					return
				}
			}
			if !more {
				return
			}
			if last == nil || *last == "" || (after != nil && *last == *after) {
				yield(zero, errors.New("certcontract: page says has_more but gives no new last_id to continue from"))
				return
			}
			after = last
		}
	}
}
