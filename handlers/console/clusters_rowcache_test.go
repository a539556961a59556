package console_test

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestClustersPageIsTheSameWithoutRowCache: a server that keeps no rows
// (Config.NoRowCache) answers the clusters page and its re-sync with the
// bytes of one that keeps them, on the render that keeps the rows and on
// the one written from them (but for the sync forms' fresh request keys),
// for an owner and a read-only member, with the block off (the sync form
// offered) and on with a grant.
func TestClustersPageIsTheSameWithoutRowCache(t *testing.T) {
	f := handlertest.New(t)
	kept, none := f.Echo, f.Server(handlers.Config{PollSeconds: 5, NoRowCache: true})
	t.Cleanup(func() { f.Echo = kept })
	owner, reader := f.Login(handlertest.OwnerEmail), f.Login(handlertest.ReaderEmail)
	check := func(state string) {
		t.Helper()
		for _, c := range []*handlertest.Client{owner, reader} {
			for _, h := range []map[string]string{nil, {"HX-Request": "true", "HX-Target": "clusters-body"}} {
				var pages []string
				for _, e := range []*echo.Echo{kept, none, kept} {
					f.Echo = e
					rec := c.Do(http.MethodGet, handlertest.ClustersURL(handlertest.IDs.Prod), nil, h)
					c.MustStatus(rec, http.StatusOK)
					pages = append(pages, requestKeys.ReplaceAllString(rec.Body.String(), "K"))
				}
				f.Echo = kept
				if pages[0] != pages[1] || pages[1] != pages[2] {
					t.Fatalf("%s, htmx %v: the page without the row cache differs:\n%s\n----\n%s", state, h != nil,
						handlertest.Excerpt(pages[1]), handlertest.Excerpt(pages[2]))
				}
			}
		}
	}
	check("block off")
	f.SetBlock(true)
	f.Grant("analytics", models.GrantDatabaseLogs)
	check("block on, grant")
}
