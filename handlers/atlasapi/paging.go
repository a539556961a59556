package atlasapi

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// pageQuery is a list request's itemsPerPage, pageNum and includeCount.
type pageQuery struct {
	items, num   int
	includeCount bool
}

// parsePage reads the paging parameters, with the contract's defaults.
func parsePage(c echo.Context) (pageQuery, error) {
	q := pageQuery{items: 100, num: 1, includeCount: true}
	if v := c.QueryParam("itemsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return q, httpx.BadRequest("INVALID_QUERY_PARAMETER", "itemsPerPage", "itemsPerPage takes a whole number from 1 to 500, not %q.", v)
		}
		q.items = n
	}
	if v := c.QueryParam("pageNum"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return q, httpx.BadRequest("INVALID_QUERY_PARAMETER", "pageNum", "pageNum takes a whole number from 1, not %q.", v)
		}
		q.num = n
	}
	switch v := c.QueryParam("includeCount"); v {
	case "", "true":
	case "false":
		q.includeCount = false
	default:
		return q, httpx.BadRequest("INVALID_QUERY_PARAMETER", "includeCount", "includeCount takes true or false, not %q.", v)
	}
	return q, nil
}

// apiPage is one page of a list.
type apiPage struct {
	Links      []apiLink `json:"links"`
	Results    any       `json:"results"`
	TotalCount *int64    `json:"totalCount,omitempty"`
}

// newPage builds a page of results with its self, previous and next links.
func newPage[T any](c echo.Context, q pageQuery, results []T, total int64) apiPage {
	if results == nil {
		results = []T{}
	}
	p := apiPage{Results: results, Links: []apiLink{{Href: pageURL(c, q.num), Rel: "self"}}}
	if q.num > 1 {
		p.Links = append(p.Links, apiLink{Href: pageURL(c, q.num-1), Rel: "previous"})
	}
	if int64(q.num)*int64(q.items) < total {
		p.Links = append(p.Links, apiLink{Href: pageURL(c, q.num+1), Rel: "next"})
	}
	if q.includeCount {
		p.TotalCount = &total
	}
	return p
}

// slicePage pages a list held in memory.
func slicePage[T any](c echo.Context, q pageQuery, all []T) apiPage {
	from := min((q.num-1)*q.items, len(all))
	to := min(from+q.items, len(all))
	return newPage(c, q, all[from:to], int64(len(all)))
}

func pageURL(c echo.Context, num int) string {
	u := *c.Request().URL
	v := u.Query()
	v.Set("pageNum", strconv.Itoa(num))
	u.RawQuery = v.Encode()
	return baseURL(c) + u.RequestURI()
}
