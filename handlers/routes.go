package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"supportaccess/static"
)

// routes declares every route of the server, grouped by area.
func (s *Server) routes(e *echo.Echo) {
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(s.requestLog, middleware.Recover(), securityHeaders, middleware.BodyLimit("64K"), s.csrf(), s.loadSession)

	// Health, for load balancers and orchestrators.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	// Static files, embedded in the binary.
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(static.FS)))))

	// Login and logout.
	e.GET("/login", s.loginShow)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)

	// Console, logged in.
	c := e.Group("", requireLogin)
	c.GET("/", s.home)
	c.GET("/orgs/:orgId", s.orgHome)
	c.GET("/orgs/:orgId/settings", s.settingsShow)
	c.POST("/orgs/:orgId/settings", s.settingsUpdate)
	c.GET("/orgs/:orgId/activity", s.activityList)
	c.GET("/groups/:groupId/clusters", s.clustersList)
	c.GET("/groups/:groupId/clusters/:clusterName/status", s.clusterStatus)
	c.GET("/groups/:groupId/clusters/:clusterName/grant", s.grantShow)
	c.POST("/groups/:groupId/clusters/:clusterName/grant", s.grantSubmit)
	c.GET("/groups/:groupId/clusters/:clusterName/revoke", s.revokeShow)
	c.POST("/groups/:groupId/clusters/:clusterName/revoke", s.revokeSubmit)
}
