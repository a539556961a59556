package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/httpx"
)

// Rate limits for the callers that write without a person in the loop: a
// support tool recording decisions and a service account asking for
// tokens. Each credential has its own token bucket (Echo's rate limiter,
// on golang.org/x/time/rate), so one runaway script slows itself and
// nobody else; the login page has its own throttle (models/login.go).
// A limit of 0 means none (the bench measures the server's capacity so).

// RateLimits are the per-credential limits; serve's flags set them.
type RateLimits struct {
	// SupportDecisionsPerSecond is how many access decisions one support
	// staff token may record per second, with bursts of twice that.
	SupportDecisionsPerSecond float64
	// OAuthTokensPerMinute is how many token requests one client id (or,
	// without one, one address) may make per minute, with bursts of a
	// sixth of that.
	OAuthTokensPerMinute float64
}

// DefaultRateLimits are serve's defaults: far above what a support tool
// or a client that caches its tokens needs, far below what floods a
// server.
var DefaultRateLimits = RateLimits{SupportDecisionsPerSecond: 50, OAuthTokensPerMinute: 60}

// perCredential limits requests to perSecond for each identifier id
// returns, with burst; over the limit the answer is 429 with Retry-After,
// written by deny.
func perCredential(perSecond float64, burst int, id func(echo.Context) string, deny func(c echo.Context, perSecond float64) error) echo.MiddlewareFunc {
	if perSecond <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(perSecond), Burst: max(burst, 1), ExpiresIn: 3 * time.Minute})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return id(c), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(1/perSecond))))
			return deny(c, perSecond)
		},
	})
}

// bearerKey identifies a request by its bearer token, hashed so that the
// limiter's memory holds no secret.
func bearerKey(c echo.Context) string {
	auth := c.Request().Header.Get(echo.HeaderAuthorization)
	token, _ := strings.CutPrefix(auth, "Bearer ")
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:16])
}

// limitSupportDecisions is the support API's decision limit.
func limitSupportDecisions(l RateLimits) echo.MiddlewareFunc {
	return perCredential(l.SupportDecisionsPerSecond, int(2*l.SupportDecisionsPerSecond), bearerKey, func(c echo.Context, perSecond float64) error {
		return httpx.NewProblem(http.StatusTooManyRequests, "RATE_LIMITED",
			fmt.Sprintf("This support token records at most %g decisions a second. Wait a moment and ask again.", perSecond))
	})
}

// limitOAuthTokens is the token endpoints' limit, answered in OAuth's
// error shape like the rest of their answers.
func limitOAuthTokens(l RateLimits) echo.MiddlewareFunc {
	id := func(c echo.Context) string {
		if id := atlasapi.OAuthClientID(c); id != "" {
			return "client:" + id
		}
		return "addr:" + c.RealIP()
	}
	return perCredential(l.OAuthTokensPerMinute/60, int(math.Ceil(l.OAuthTokensPerMinute/6)), id, func(c echo.Context, _ float64) error {
		return c.JSON(http.StatusTooManyRequests, map[string]string{"error": "slow_down",
			"error_description": fmt.Sprintf("At most %g token requests a minute per client. Reuse a token until it expires.", l.OAuthTokensPerMinute)})
	})
}
