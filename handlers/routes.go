package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"supportaccess/static"
)

// jobs lists what runs in the background, beside the requests, on every
// replica until the server stops (Server.Background, jobs.go).
func (s *Server) jobs() []job {
	return []job{
		// Expired grants recorded as ended; old login failures and Digest
		// nonce counts forgotten.
		{every: s.cfg.SweepInterval, run: s.sweep},
	}
}

// routes declares every route of the server, grouped by area.
func (s *Server) routes(e *echo.Echo) {
	trust := proxyTrust(s.cfg.TrustedProxies) // see proxy.go
	e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	e.SchemeExtractor = echo.ExtractSchemeFromHeaders(trust...)
	e.Use(s.requestLog, middleware.Recover(), securityHeaders, secureCookies, middleware.BodyLimit("64K"), s.csrf(), s.loadSession)

	// Health, for load balancers and orchestrators.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	// Any other path under /api/ answers in the API's JSON error shape,
	// never with the console's login page.
	e.RouteNotFound("/api/*", apiNotFound)

	// Static files, embedded in the binary.
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static.FS)))))

	// Login and logout.
	e.GET("/login", s.loginShow)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)

	// Console, logged in.
	c := e.Group("", requireLogin)
	c.GET("/", s.home)
	c.GET("/account/password", s.passwordShow)
	c.POST("/account/password", s.passwordChange)
	c.GET("/orgs/:orgId", s.orgHome)
	c.GET("/orgs/:orgId/settings", s.settingsShow)
	c.POST("/orgs/:orgId/settings", s.settingsUpdate)
	c.GET("/orgs/:orgId/activity", s.activityList)
	// Support Access Log: every support access decision, for the customer.
	c.GET("/orgs/:orgId/support-access-log", s.accessLogList)
	c.GET("/groups/:groupId/clusters", s.clustersList)
	c.GET("/groups/:groupId/clusters/:clusterName/status", s.clusterStatus)
	c.GET("/groups/:groupId/clusters/:clusterName/grant", s.grantShow)
	c.POST("/groups/:groupId/clusters/:clusterName/grant", s.grantSubmit)
	c.GET("/groups/:groupId/clusters/:clusterName/revoke", s.revokeShow)
	c.POST("/groups/:groupId/clusters/:clusterName/revoke", s.revokeSubmit)

	// API Keys: an organization's API keys and service accounts, for its owners.
	c.GET("/orgs/:orgId/apikeys", s.apiKeysShow)
	c.POST("/orgs/:orgId/apikeys", s.apiKeyCreate)
	c.POST("/orgs/:orgId/apikeys/:keyId/delete", s.apiKeyDelete)
	c.POST("/orgs/:orgId/serviceaccounts", s.serviceAccountCreate)
	c.POST("/orgs/:orgId/serviceaccounts/:accountId/delete", s.serviceAccountDelete)

	// Admin API, wire-compatible with Atlas Administration API v2: HTTP
	// Digest API keys or service account bearer tokens, one media type
	// version per endpoint. Route-level middleware (not Group.Use) keeps
	// Echo's 405 for a known path with the wrong method.
	v1, v2 := apiVersion(apiV20230101), apiVersion(apiV20240805)
	api := e.Group("/api/atlas/v2")
	api.RouteNotFound("/*", apiNotFound)
	api.GET("/orgs", s.apiOrgsList, s.apiAuth, v1)
	api.GET("/orgs/:orgId/settings", s.apiSettingsShow, s.apiAuth, v1)
	api.PATCH("/orgs/:orgId/settings", s.apiSettingsUpdate, s.apiAuth, v1)
	api.GET("/orgs/:orgId/events", s.apiOrgEvents, s.apiAuth, v1)
	api.GET("/groups", s.apiGroupsList, s.apiAuth, v1)
	api.GET("/groups/:groupId", s.apiGroupShow, s.apiAuth, v1)
	api.GET("/groups/:groupId/events", s.apiGroupEvents, s.apiAuth, v1)
	api.GET("/groups/:groupId/clusters", s.apiClustersList, s.apiAuth, v2)
	api.GET("/groups/:groupId/clusters/:clusterName", s.apiClusterShow, s.apiAuth, v2)
	// POST .../clusters/{name}:grantMongoDBEmployeeAccess and
	// :revokeMongoDBEmployeeAccess, Atlas's custom methods: Echo reads ':'
	// as a parameter, so the route takes the whole last segment and
	// clusterActions picks the handler by the suffix (api_grant.go).
	api.POST("/groups/:groupId/clusters/:clusterName", clusterActions(map[string]clusterAction{
		"grantMongoDBEmployeeAccess":  s.apiGrant,
		"revokeMongoDBEmployeeAccess": s.apiRevoke,
	}), s.apiAuth, v2)

	// OAuth 2.0 for service accounts: client credentials, token revocation.
	oauth := e.Group("/api/oauth")
	oauth.RouteNotFound("/*", apiNotFound)
	oauth.POST("/token", s.oauthToken)
	oauth.POST("/revoke", s.oauthRevoke)

	// Support API, for the provider's support tooling: support staff bearer
	// tokens only, never a console cookie. A decision checks its token in
	// the transaction that records it; the log download checks it first.
	// Unknown paths under the prefix check the token too, so that only
	// support staff learn that a path does not exist.
	sup := e.Group("/api/support/v1")
	sup.POST("/access-decisions", s.supportDecide, requireSupportBearer)
	sup.GET("/groups/:groupId/clusters/:clusterName/logs/database", s.supportDatabaseLog, s.requireSupportStaff)
	sup.RouteNotFound("", echo.NotFoundHandler, s.requireSupportStaff)
	sup.RouteNotFound("/*", echo.NotFoundHandler, s.requireSupportStaff)
}
