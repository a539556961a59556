package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/supportapi"
	"supportaccess/static"
)

// jobs lists what runs in the background, beside the requests, on every
// replica until the server stops (Server.Background, jobs.go).
func (s *Server) jobs() []job {
	return []job{
		// Expired grants recorded as ended; old login failures and Digest
		// nonce counts forgotten.
		{every: s.cfg.SweepInterval, run: s.sweep},
		// The record's new rows sealed (jobs_seal.go).
		{every: s.cfg.SealInterval, run: s.seal},
	}
}

// routes declares every route of the server, grouped by surface: the
// console (package console), the Admin API and its OAuth endpoints
// (atlasapi), the support API (supportapi).
func (s *Server) routes(e *echo.Echo) {
	trust := proxyTrust(s.cfg.TrustedProxies) // see proxy.go
	e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	e.SchemeExtractor = echo.ExtractSchemeFromHeaders(trust...)
	e.Use(s.requestLog, middleware.Recover(), s.warnUntrustedForwarding, securityHeaders, secureCookies, middleware.BodyLimit("64K"), s.refuseControlChars, s.csrf(), s.loadSession)

	// Health, for load balancers and orchestrators.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	// Any other path under /api/ answers in the API's JSON error shape,
	// never with the console's login page.
	e.RouteNotFound("/api/*", apiNotFound)

	// Static files, embedded in the binary.
	e.GET("/static/*", echo.WrapHandler(staticFiles(static.FS))) // no directory listings (static.go)

	// Console: login and logout.
	con := s.console
	e.GET("/login", con.LoginShow)
	e.POST("/login", con.LoginSubmit)
	e.POST("/logout", con.Logout)

	// Console, logged in.
	c := e.Group("", requireLogin)
	c.GET("/", con.Home)
	c.GET("/account/password", con.PasswordShow)
	c.POST("/account/password", con.PasswordChange)
	c.GET("/orgs/:orgId", con.OrgHome)
	c.GET("/orgs/:orgId/settings", con.SettingsShow)
	c.POST("/orgs/:orgId/settings", con.SettingsUpdate)
	c.GET("/orgs/:orgId/activity", con.ActivityList)
	// Support Access Log: every support access decision, for the customer.
	c.GET("/orgs/:orgId/support-access-log", con.AccessLogList)
	// Verify on both log pages: the record's seals recomputed.
	c.GET("/orgs/:orgId/record/verify", con.RecordVerify)
	c.GET("/groups/:groupId/clusters", con.ClustersList)
	c.GET("/groups/:groupId/clusters/:clusterName/status", con.ClusterStatus)
	c.GET("/groups/:groupId/clusters/:clusterName/grant", con.GrantShow)
	c.POST("/groups/:groupId/clusters/:clusterName/grant", con.GrantSubmit)
	c.GET("/groups/:groupId/clusters/:clusterName/revoke", con.RevokeShow)
	c.POST("/groups/:groupId/clusters/:clusterName/revoke", con.RevokeSubmit)

	// Console, API Keys: an organization's API keys and service accounts,
	// for its owners.
	c.GET("/orgs/:orgId/apikeys", con.APIKeysShow)
	c.POST("/orgs/:orgId/apikeys", con.APIKeyCreate)
	c.POST("/orgs/:orgId/apikeys/:keyId/delete", con.APIKeyDelete)
	c.POST("/orgs/:orgId/serviceaccounts", con.ServiceAccountCreate)
	c.POST("/orgs/:orgId/serviceaccounts/:accountId/delete", con.ServiceAccountDelete)

	// Admin API, wire-compatible with Atlas Administration API v2: HTTP
	// Digest API keys or service account bearer tokens, one media type
	// version per endpoint. Route-level middleware (not Group.Use) keeps
	// Echo's 405 for a known path with the wrong method.
	atlas := s.atlas
	v1, v2 := atlasapi.Version(atlasapi.V20230101), atlasapi.Version(atlasapi.V20240805)
	api := e.Group("/api/atlas/v2")
	api.RouteNotFound("/*", apiNotFound)
	api.GET("/orgs", atlas.OrgsList, atlas.Auth, v1)
	api.GET("/orgs/:orgId", atlas.OrgShow, atlas.Auth, v1)
	api.GET("/orgs/:orgId/settings", atlas.SettingsShow, atlas.Auth, v1)
	api.PATCH("/orgs/:orgId/settings", atlas.SettingsUpdate, atlas.Auth, v1)
	api.GET("/orgs/:orgId/events", atlas.OrgEvents, atlas.Auth, v1)
	api.GET("/orgs/:orgId/events/:eventId", atlas.OrgEventShow, atlas.Auth, v1)
	api.GET("/groups", atlas.GroupsList, atlas.Auth, v1)
	api.GET("/groups/byName/:groupName", atlas.GroupByName, atlas.Auth, v1)
	api.GET("/groups/:groupId", atlas.GroupShow, atlas.Auth, v1)
	api.GET("/groups/:groupId/events", atlas.GroupEvents, atlas.Auth, v1)
	api.GET("/groups/:groupId/events/:eventId", atlas.GroupEventShow, atlas.Auth, v1)
	// What Terraform's project data source reads beside the project.
	api.GET("/groups/:groupId/teams", atlas.GroupTeams, atlas.Auth, v1)
	api.GET("/groups/:groupId/limits", atlas.GroupLimits, atlas.Auth, v1)
	api.GET("/groups/:groupId/settings", atlas.GroupSettingsShow, atlas.Auth, v1)
	api.GET("/groups/:groupId/ipAddresses", atlas.GroupIPAddressesShow, atlas.Auth, v1)
	api.GET("/groups/:groupId/managedSlowMs", atlas.GroupManagedSlowMs, atlas.Auth, v1)
	api.GET("/groups/:groupId/users", atlas.GroupUsers, atlas.Auth, atlasapi.Version(atlasapi.V20250219))
	api.GET("/groups/:groupId/flexClusters", atlas.FlexClustersList, atlas.Auth, atlasapi.Version(atlasapi.V20241113))
	api.GET("/groups/:groupId/clusters", atlas.ClustersList, atlas.Auth, v2)
	api.GET("/groups/:groupId/clusters/:clusterName", atlas.ClusterShow, atlas.Auth, v2)
	// POST .../clusters/{name}:grantMongoDBEmployeeAccess and
	// :revokeMongoDBEmployeeAccess, Atlas's custom methods: Echo reads ':'
	// as a parameter, so the route takes the whole last segment and
	// ClusterActions picks the handler by its suffix.
	api.POST("/groups/:groupId/clusters/:clusterName", atlasapi.ClusterActions(map[string]atlasapi.ClusterAction{
		"grantMongoDBEmployeeAccess":  atlas.GrantAccess,
		"revokeMongoDBEmployeeAccess": atlas.RevokeAccess,
	}), atlas.Auth, v2)
	api.GET("/groups/:groupId/clusters/:clusterName/processArgs", atlas.ProcessArgsShow, atlas.Auth, v2)
	// Any other path below a cluster is unknown, never a cluster name
	// with slashes in it (Echo gives a last path parameter the rest).
	api.RouteNotFound("/groups/:groupId/clusters/:clusterName/*", apiNotFound)

	// OAuth 2.0 for service accounts: client credentials, token revocation.
	oauth := e.Group("/api/oauth")
	oauth.RouteNotFound("/*", apiNotFound)
	oauth.POST("/token", atlas.OAuthToken)
	oauth.POST("/revoke", atlas.OAuthRevoke)

	// Support API, for the provider's support tooling: support staff bearer
	// tokens only, never a console cookie. A decision checks its token in
	// the transaction that records it; the log download checks it first.
	// Unknown paths under the prefix check the token too, so that only
	// support staff learn that a path does not exist.
	sup := s.support
	sapi := e.Group("/api/support/v1")
	sapi.POST("/access-decisions", sup.Decide, supportapi.RequireBearer)
	sapi.GET("/groups/:groupId/clusters/:clusterName/logs/database", sup.DatabaseLog, sup.RequireStaff)
	sapi.RouteNotFound("", echo.NotFoundHandler, sup.RequireStaff)
	sapi.RouteNotFound("/*", echo.NotFoundHandler, sup.RequireStaff)
}
