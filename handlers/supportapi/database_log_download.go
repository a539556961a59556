package supportapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// DatabaseLog streams a cluster's database log to a support
// employee. The decision is taken once, before the first byte: a download
// that started while DATABASE_LOGS was allowed runs to its end even if the
// customer revokes the grant meanwhile, and the next download is refused.
// logChunkDeadline is how long one chunk of a log download may take to
// reach the client.
const logChunkDeadline = 30 * time.Second

func (h *Handler) DatabaseLog(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := h.store.DecideAccess(ctx, supportStaff(c), models.AccessRequest{
		ProjectID: c.Param("groupId"), ClusterName: c.Param("clusterName"), Scope: string(models.ScopeDatabaseLogs),
		CaseNumber: c.QueryParam("caseNumber"), Justification: c.QueryParam("justification"),
		RemoteAddr: c.RealIP(), Via: models.ViaDatabaseLogDownload})
	if d.ID != "" {
		c.Response().Header().Set("X-Decision-Id", d.ID)
	}
	if err != nil {
		return err
	}
	if !d.Allowed {
		return httpx.NewProblem(http.StatusForbidden, "SUPPORT_ACCESS_DENIED", d.Reason)
	}
	log, err := h.logs.DatabaseLog(ctx, d.Cluster)
	if err != nil {
		return fmt.Errorf("open database log: %w", err)
	}
	defer log.Close()
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
	hdr.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-mongod-%s.log"`, d.ClusterName, d.CreatedAt.Time().Format("20060102T150405Z")))
	c.Response().WriteHeader(http.StatusOK)
	buf := make([]byte, 32<<10)
	// The server's write timeout bounds an answer as a whole; a log may
	// take longer, so each chunk gets its own deadline instead (ignored
	// where the writer has none, as in tests).
	rc := http.NewResponseController(c.Response())
	for {
		n, rerr := log.Read(buf)
		if n > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(logChunkDeadline))
			if _, werr := c.Response().Write(buf[:n]); werr != nil {
				return nil // the client went away; nothing left to tell it
			}
			c.Response().Flush()
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			if ctx.Err() == nil {
				h.log.Error("database log stream failed", "cluster", d.ClusterID, "decision", d.ID, "err", rerr)
			}
			// Abort the connection so that a cut log never looks complete.
			panic(http.ErrAbortHandler)
		}
	}
}
