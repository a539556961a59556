package console

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/handlers/logexport"
	"supportaccess/models"
)

// exportFormat reads the format of a download: csv (the default) or jsonl.
func exportFormat(c echo.Context) (string, error) {
	f := c.QueryParam("format")
	if f == "" {
		return logexport.CSV, nil
	}
	if !logexport.ValidFormat(f) {
		return "", models.FieldError("format", "A download is csv or jsonl.")
	}
	return f, nil
}

// AccessLogExport downloads every decision the Support Access Log's
// filters select, newest first, as CSV or JSON Lines, streamed as the
// store reads it, with the seals of their batches (logexport).
func (h *Handler) AccessLogExport(c echo.Context) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	a, f, err := h.accessLogQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	// Checked before any header goes out, so that a refusal is still an
	// error page.
	each, err := h.store.AccessDecisionExport(ctx, pr, f)
	if err != nil {
		return err
	}
	w, err := logexport.Decisions(c.Response(), format, logexport.FileName("support-access-log", a.Org.ID, h.store.Now()))
	if err != nil {
		return err
	}
	if err := each(w); err != nil {
		return err
	}
	return w.Close()
}

// ActivityExport downloads every event the activity feed's filters
// select, as AccessLogExport does decisions.
func (h *Handler) ActivityExport(c echo.Context) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	a, f, err := h.activityQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	each, err := h.store.EventExport(ctx, pr, f)
	if err != nil {
		return err
	}
	w, err := logexport.Events(c.Response(), format, logexport.FileName("activity", a.Org.ID, h.store.Now()))
	if err != nil {
		return err
	}
	if err := each(w); err != nil {
		return err
	}
	return w.Close()
}
