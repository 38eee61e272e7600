package store

import (
	"fmt"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

// Seed stores n certificates that someone else uploaded before now, the way
// a real organization holds them: every third without a name, every third
// active for the organization, every fourth active in one project and
// every fourth in all of them, every fourth expiring within weeks. It goes
// through Add and Toggle, so seeded certificates obey every rule.
func (org *Organization) Seed(n int, now time.Time) error {
	projects := org.Projects()
	for i := range n {
		uploaded := now.Add(-time.Duration(n-i) * 24 * time.Hour)
		notAfter := uploaded.Add(2 * 365 * 24 * time.Hour)
		if i%4 == 3 {
			notAfter = now.Add(time.Duration(2+i%5) * 7 * 24 * time.Hour)
		}
		c, err := testcert.New(testcert.Options{NotBefore: uploaded.Add(-time.Hour), NotAfter: notAfter})
		if err != nil {
			return err
		}
		var name *string
		if i%3 != 2 {
			s := fmt.Sprintf("%s-ca-%02d", [...]string{"prod", "partner", "staging"}[i%3], i+1)
			name = &s
		}
		cert, err := org.Add(c.PEM, name, uploaded)
		if err != nil {
			return err
		}
		var scopes []Scope
		if i%3 == 0 {
			scopes = append(scopes, Scope{})
		}
		switch {
		case i%4 == 1 && len(projects) > 0:
			scopes = append(scopes, Scope{Project: projects[0]})
		case i%4 == 2:
			for _, p := range projects {
				scopes = append(scopes, Scope{Project: p})
			}
		}
		for _, sc := range scopes {
			if _, err := org.Toggle(sc, []string{cert.ID}, true); err != nil {
				return err
			}
		}
	}
	return nil
}
