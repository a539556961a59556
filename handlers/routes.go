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
		// Expired grants and lapsed access requests recorded as ended;
		// old login failures and Digest nonce counts forgotten.
		{every: s.cfg.SweepInterval, run: s.sweep},
		// Alerts: the deliveries due, claimed with a lease so that each
		// goes out from one replica (alerts_job.go).
		{every: s.cfg.AlertPoll, run: s.deliverAlerts},
		// Decisions and events past their organization's retention, and
		// expired sessions and OAuth tokens, removed (retention.go).
		{every: 12 * s.cfg.SweepInterval, run: s.retain},
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
	e.Use(s.requestLog, middleware.Recover(), s.warnUntrustedForwarding, securityHeaders, hostCookies, middleware.BodyLimit("64K"), s.refuseControlChars, s.loadSession, s.csrf)

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
	// A one-time link to set a password: an invitation or a reset.
	e.GET("/password-link/:token", con.PasswordLinkShow)
	e.POST("/password-link/:token", con.PasswordLinkSubmit)
	// The second factor after the password: a pending login, not a session.
	e.GET("/login/verify", con.LoginVerifyShow)
	e.POST("/login/verify", con.LoginVerifySubmit)
	e.POST("/login/verify/passkey", con.PasskeyLoginBegin)
	e.POST("/login/verify/passkey/finish", con.PasskeyLoginFinish)

	// Console, account security: second factors. A login that must enrol
	// one (its organization requires it) reaches these pages and no other.
	acct := e.Group("/account", con.Enrolling, requireLogin)
	acct.GET("/security", con.SecurityShow)
	acct.GET("/totp", con.TOTPShow)
	acct.POST("/totp", con.TOTPConfirm)
	acct.POST("/totp/remove", con.TOTPRemove)
	acct.POST("/passkeys", con.PasskeyRegisterBegin)
	acct.POST("/passkeys/finish", con.PasskeyRegisterFinish)
	acct.POST("/passkeys/:id/remove", con.PasskeyRemove)

	// Console, logged in.
	c := e.Group("", requireLogin)
	c.GET("/", con.Home)
	c.GET("/account/password", con.PasswordShow)
	c.POST("/account/password", con.PasswordChange)
	// A second factor again, before a change that needs a recent one.
	c.GET("/account/verify", con.StepUpShow)
	c.POST("/account/verify", con.StepUpSubmit)
	c.POST("/account/verify/passkey", con.PasskeyStepUpBegin)
	c.POST("/account/verify/passkey/finish", con.PasskeyStepUpFinish)
	c.GET("/orgs/:orgId", con.OrgHome)
	c.GET("/orgs/:orgId/settings", con.SettingsShow)
	c.POST("/orgs/:orgId/settings", con.SettingsUpdate)
	c.POST("/orgs/:orgId/settings/unlock", con.LoginUnlock)
	c.POST("/orgs/:orgId/settings/mfa", con.SettingsMFAUpdate)
	c.GET("/orgs/:orgId/activity", con.ActivityList)
	c.GET("/orgs/:orgId/activity/export", con.ActivityExport)
	// Support Access Log: every support access decision, for the customer.
	c.GET("/orgs/:orgId/support-access-log", con.AccessLogList)
	c.GET("/orgs/:orgId/support-access-log/export", con.AccessLogExport)
	// Verify on both log pages: the record's seals recomputed.
	c.GET("/orgs/:orgId/record/verify", con.RecordVerify)
	c.GET("/groups/:groupId/clusters", con.ClustersList)
	c.GET("/groups/:groupId/clusters/:clusterName/status", con.ClusterStatus)
	c.GET("/groups/:groupId/clusters/:clusterName/grant", con.GrantShow)
	c.POST("/groups/:groupId/clusters/:clusterName/grant", con.GrantSubmit)
	c.GET("/groups/:groupId/clusters/:clusterName/revoke", con.RevokeShow)
	c.POST("/groups/:groupId/clusters/:clusterName/revoke", con.RevokeSubmit)
	c.GET("/groups/:groupId/clusters/:clusterName/extend", con.ExtendShow)
	c.POST("/groups/:groupId/clusters/:clusterName/extend", con.ExtendSubmit)

	// Console, Access Requests: what support asks for, and the approver's
	// answers; the support access policy on Organization Settings.
	c.GET("/orgs/:orgId/requests", con.RequestsList)
	c.GET("/groups/:groupId/requests/:requestId/approve", con.RequestApproveShow)
	c.POST("/groups/:groupId/requests/:requestId/approve", con.RequestApprove)
	c.GET("/groups/:groupId/requests/:requestId/deny", con.RequestDenyShow)
	c.POST("/groups/:groupId/requests/:requestId/deny", con.RequestDeny)
	c.POST("/orgs/:orgId/settings/policy", con.PolicyUpdate)
	// Console, Alerts: a project's alert configurations and their
	// deliveries (read: whoever sees the project; change: its owners).
	c.GET("/groups/:groupId/alerts", con.AlertsShow)
	c.POST("/groups/:groupId/alerts", con.AlertCreate)
	c.GET("/groups/:groupId/alerts/:alertId", con.AlertShow)
	c.POST("/groups/:groupId/alerts/:alertId", con.AlertUpdate)
	c.POST("/groups/:groupId/alerts/:alertId/enabled", con.AlertToggle)
	c.POST("/groups/:groupId/alerts/:alertId/delete", con.AlertDelete)

	// Console, API Keys: an organization's API keys and service accounts,
	// for its owners.
	c.GET("/orgs/:orgId/apikeys", con.APIKeysShow)
	c.POST("/orgs/:orgId/apikeys", con.APIKeyCreate)
	c.POST("/orgs/:orgId/apikeys/:keyId/delete", con.APIKeyDelete)
	c.POST("/orgs/:orgId/serviceaccounts", con.ServiceAccountCreate)
	c.POST("/orgs/:orgId/serviceaccounts/:accountId/delete", con.ServiceAccountDelete)

	// Console, Members: everyone sees who the owners are; owners invite,
	// change roles, reset passwords and remove.
	c.GET("/orgs/:orgId/members", con.MembersList)
	c.POST("/orgs/:orgId/members", con.MemberInvite)
	c.GET("/orgs/:orgId/members/:userId", con.MemberShow)
	c.POST("/orgs/:orgId/members/:userId/roles", con.MemberRoles)
	c.POST("/orgs/:orgId/members/:userId/reset", con.MemberPasswordReset)
	c.POST("/orgs/:orgId/members/:userId/remove", con.MemberRemove)

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
	// The customer's Support Access Log and its export (ours; "\\:" is a
	// literal colon, Atlas's custom-method style).
	v3 := atlasapi.Version(atlasapi.V20261201)
	api.GET("/orgs/:orgId/supportAccessLog", atlas.SupportAccessLog, atlas.Auth, v3)
	api.GET("/orgs/:orgId/supportAccessLog\\:export", atlas.SupportAccessLogExport, atlas.Auth, v3)
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
	// Alert configurations, as Atlas's (read: project read only; change:
	// project owners).
	api.GET("/groups/:groupId/alertConfigs", atlas.AlertConfigsList, atlas.Auth, v1)
	api.POST("/groups/:groupId/alertConfigs", atlas.AlertConfigCreate, atlas.Auth, v1)
	api.GET("/groups/:groupId/alertConfigs/:alertConfigId", atlas.AlertConfigShow, atlas.Auth, v1)
	api.PUT("/groups/:groupId/alertConfigs/:alertConfigId", atlas.AlertConfigReplace, atlas.Auth, v1)
	api.PATCH("/groups/:groupId/alertConfigs/:alertConfigId", atlas.AlertConfigToggle, atlas.Auth, v1)
	api.DELETE("/groups/:groupId/alertConfigs/:alertConfigId", atlas.AlertConfigDelete, atlas.Auth, v1)
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
	// Customer extensions (ours, at paths Atlas does not use): the
	// support access policy and the requests support files. Approve and
	// deny are custom methods of a request's last segment.
	ext := atlasapi.Version(atlasapi.V20261201)
	api.GET("/orgs/:orgId/supportAccessPolicy", atlas.PolicyShow, atlas.Auth, ext)
	api.PATCH("/orgs/:orgId/supportAccessPolicy", atlas.PolicyUpdate, atlas.Auth, ext)
	api.GET("/orgs/:orgId/supportAccessRequests", atlas.RequestsList, atlas.Auth, ext)
	api.POST("/groups/:groupId/supportAccessRequests/:requestId", atlas.RequestActions, atlas.Auth, ext)
	// Any other path below a cluster is unknown, never a cluster name
	// with slashes in it (Echo gives a last path parameter the rest).
	api.RouteNotFound("/groups/:groupId/clusters/:clusterName/*", apiNotFound)

	// OAuth 2.0 for service accounts: client credentials, token revocation.
	oauth := e.Group("/api/oauth")
	oauth.RouteNotFound("/*", apiNotFound)
	oauthLimit := limitOAuthTokens(s.cfg.RateLimits) // ratelimit.go
	oauth.POST("/token", atlas.OAuthToken, oauthLimit)
	oauth.POST("/revoke", atlas.OAuthRevoke, oauthLimit)

	// Support API, for the provider's support tooling: support staff bearer
	// tokens only, never a console cookie. A decision checks its token in
	// the transaction that records it; the log download checks it first.
	// Unknown paths under the prefix check the token too, so that only
	// support staff learn that a path does not exist.
	sup := s.support
	sapi := e.Group("/api/support/v1")
	sapi.POST("/access-decisions", sup.Decide, supportapi.RequireBearer, limitSupportDecisions(s.cfg.RateLimits))
	// Access requests: support asks, the customer decides. POST
	// .../access-requests/{id}:cancel takes the whole last segment, as
	// the Admin API's custom methods do.
	sapi.POST("/access-requests", sup.RequestCreate, sup.RequireStaff)
	sapi.GET("/access-requests/:requestId", sup.RequestShow, sup.RequireStaff)
	sapi.POST("/access-requests/:requestId", sup.RequestAction, sup.RequireStaff)
	sapi.GET("/groups/:groupId/clusters/:clusterName/logs/database", sup.DatabaseLog, sup.RequireStaff)
	sapi.RouteNotFound("", echo.NotFoundHandler, sup.RequireStaff)
	sapi.RouteNotFound("/*", echo.NotFoundHandler, sup.RequireStaff)
}
