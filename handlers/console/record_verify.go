package console

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/seal"
	"supportaccess/models/store"
	"supportaccess/views"
)

// RecordVerify recomputes the seals of an organization's record (both
// logs) and shows what it found: in place of the Verify control for htmx,
// as a page of its own otherwise. from names the log page it was pressed
// on, to link back to.
func (h *Handler) RecordVerify(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	org, err := h.store.Org(ctx, pr, c.Param("orgId"))
	if err != nil {
		return err
	}
	from := c.QueryParam("from")
	if from != "activity" {
		from = "support-access-log"
	}
	var o seal.Options
	if h.sealKey != nil {
		o.Trusted = []ed25519.PublicKey{h.sealKey}
	}
	check, err := h.store.VerifyRecord(ctx, pr, org.ID, o)
	if err != nil {
		return err
	}
	// A member sees only some projects' rows: the check covers them all,
	// and tells a member whether it is whole, not which row is not.
	r := recordCheckView(check, models.SeesEveryProject(pr, org.ID))
	if httpx.IsPartial(c) {
		return httpx.Render(c, http.StatusOK, views.RecordVerifyResult(org.ID, from, r))
	}
	p, err := h.orgLayout(c, org, from)
	if err != nil {
		return err
	}
	p.Title = "Verify the record"
	return httpx.Render(c, http.StatusOK, views.RecordVerifyPage(p, org.ID, from, r))
}

// recordCheckView words a check for the page; rows names the row that
// does not match.
func recordCheckView(c store.RecordCheck, rows bool) views.RecordCheck {
	v := views.RecordCheck{Intact: c.Intact()}
	if f := c.Finding; f != nil {
		v.Headline = "Not intact: the record does not match its seals"
		switch {
		case !rows:
			v.Detail = fmt.Sprintf("The first difference is in batch %d, near %s. An organization owner can see which row.", f.Batch, seal.When(f.At))
		case f.ID != "":
			v.Detail = fmt.Sprintf("The %s %s of %s is %s: %s.", f.Kind.Label(), f.ID, seal.When(f.At), f.Problem, f.Detail)
		default:
			v.Detail = fmt.Sprintf("Batch %d (%s): %s: %s.", f.Batch, seal.When(f.At), f.Problem, f.Detail)
		}
		return v
	}
	if c.Batches == 0 {
		v.Headline = "Intact: nothing is sealed yet"
		v.Detail = "New rows are sealed within seconds of being written."
		return v
	}
	v.Headline = "Intact up to " + seal.When(c.Through)
	v.Detail = fmt.Sprintf("%s in %s match their seals", count(c.Rows, "row", "rows"), count(c.Batches, "sealed batch", "sealed batches"))
	if c.From != 0 {
		v.Detail += ", from " + seal.When(c.From) + ", where retention removed the older rows"
	}
	if c.SignedFrom > 0 {
		v.Detail += fmt.Sprintf("; signed from batch %d", c.SignedFrom)
	}
	v.Detail += "."
	if c.Unsealed > 0 {
		v.Detail += fmt.Sprintf(" %s not sealed yet.", count(c.Unsealed, "newer row is", "newer rows are"))
	}
	return v
}

// sealKeyText is the public key as Organization Settings shows it:
// base64, empty for none.
func sealKeyText(k ed25519.PublicKey) string {
	if k == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(k)
}

// count is n with the noun's singular or plural.
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
