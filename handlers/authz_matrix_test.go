package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/internal/handlertest"
)

// The authorization matrix: every route Echo has registered, sent by every
// kind of caller with real credentials, against the expected status. The
// routes come from e.Routes(), so a route added without a row here fails
// TestAuthorizationMatrix until someone decides who may call it.
//
// Callers, in the order of a row's statuses:
const (
	asAnon    = iota // no credentials (a browser that has loaded /login, so it holds a CSRF token)
	asOwner          // Organization Owner of Acme (console session)
	asMember         // Organization Member of Acme, in no project
	asOrgRO          // Organization Read Only of Acme
	asPOwner         // Project Owner of Production
	asSAM            // Project Support Access Manager of Production
	asReader         // Project Read Only of Production
	asGlobex         // Organization Owner of Globex, the other organization
	asSupport        // a support employee's bearer token
	asOwnKey         // an Organization Owner API key of Acme (HTTP Digest)
	asOwnSA          // an Organization Read Only service account of Acme (OAuth bearer token)
	asForeign        // an Organization Owner API key of Globex (HTTP Digest)
	nCallers
)

var callerNames = [nCallers]string{"anonymous", "org owner", "org member", "org read only", "project owner",
	"support access manager", "project read only", "other org owner", "support token", "own API key",
	"own service account", "other org API key"}

// routeActions are the custom methods of the routes that take one in
// their last path segment: each has a row of its own, the route's key
// followed by the action.
var routeActions = map[string][]string{
	"POST /api/atlas/v2/groups/:groupId/clusters/:clusterName":            {":grantMongoDBEmployeeAccess", ":revokeMongoDBEmployeeAccess"},
	"POST /api/atlas/v2/groups/:groupId/supportAccessRequests/:requestId": {":approve", ":deny"},
	"POST /api/support/v1/access-requests/:requestId":                     {":cancel"},
}

// Statuses a row uses: 303 to the login page is how the console turns an
// anonymous GET away (see the Location check in the test).
const (
	s200 = http.StatusOK
	s201 = http.StatusCreated
	s204 = http.StatusNoContent
	s303 = http.StatusSeeOther
	s401 = http.StatusUnauthorized
	s403 = http.StatusForbidden
	s404 = http.StatusNotFound
	s422 = http.StatusUnprocessableEntity
)

// routeNotFound is the method Echo lists RouteNotFound handlers under.
const routeNotFound = echo.RouteNotFound

// MATRIX_PRINT=1 prints every route's statuses as rows (and fails), to
// help write the row of a new route; read each status before pasting it.
//
// matrix is the expected status of every route for every caller. All
// resources are Acme's (organization Acme, project Production, cluster
// orders-prod with the block on and a grant in force), so Globex's owner
// and Globex's API key must get 404 wherever an Acme id is in the path.
// Acme's own API key is an Organization Owner's, so its API calls succeed;
// Acme's own service account is Organization Read Only, so it reads and
// is refused every change.
// Console users send only their session cookie to the APIs: 401 there.
var matrix = map[string][nCallers]int{
	//  anon, owner, member, org read only, project owner, support access manager, project read only, other org owner, support token, own API key, own service account (read only), other org API key
	"GET /":                                                   {s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303},
	"GET /account/password":                                   {s303, s200, s200, s200, s200, s200, s200, s200, s303, s303, s303, s303},
	"GET /api/atlas/v2/groups":                                {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s200},
	"GET /api/atlas/v2/groups/:groupId":                       {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/clusters":              {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/clusters/:clusterName": {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/clusters/:clusterName/processArgs":         {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/events":                                    {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/events/:eventId":                           {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/flexClusters":                              {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/ipAddresses":                               {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/limits":                                    {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/managedSlowMs":                             {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/settings":                                  {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/teams":                                     {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/users":                                     {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/byName/:groupName":                                  {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs":                                                      {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s200},
	"GET /api/atlas/v2/orgs/:orgId":                                               {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/events":                                        {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/events/:eventId":                               {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/settings":                                      {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/supportAccessPolicy":                           {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/supportAccessRequests":                         {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/support/v1/access-requests/:requestId":                              {s401, s401, s401, s401, s401, s401, s401, s401, s200, s401, s401, s401},
	"PATCH /api/atlas/v2/orgs/:orgId/supportAccessPolicy":                         {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"POST /api/atlas/v2/groups/:groupId/supportAccessRequests/:requestId:approve": {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"POST /api/atlas/v2/groups/:groupId/supportAccessRequests/:requestId:deny":    {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"POST /api/support/v1/access-requests":                                        {s401, s401, s401, s401, s401, s401, s401, s401, s201, s401, s401, s401},
	"POST /api/support/v1/access-requests/:requestId:cancel":                      {s401, s401, s401, s401, s401, s401, s401, s401, s200, s401, s401, s401},
	"GET /api/support/v1/groups/:groupId/clusters/:clusterName/logs/database":     {s401, s401, s401, s401, s401, s401, s401, s401, s200, s401, s401, s401},
	"GET /groups/:groupId/clusters":                                               {s303, s200, s404, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/clusters/:clusterName/grant":                            {s303, s200, s404, s403, s200, s200, s403, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/clusters/:clusterName/extend":                           {s303, s200, s404, s403, s200, s200, s403, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/requests/:requestId/approve":                            {s303, s200, s404, s403, s200, s200, s403, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/requests/:requestId/deny":                               {s303, s200, s404, s403, s200, s200, s403, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/requests":                                                   {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"POST /groups/:groupId/clusters/:clusterName/extend":                          {s401, s303, s404, s403, s303, s303, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/requests/:requestId/approve":                           {s401, s303, s404, s403, s303, s303, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/requests/:requestId/deny":                              {s401, s303, s404, s403, s303, s303, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/settings/policy":                                           {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"GET /groups/:groupId/clusters/:clusterName/revoke":                           {s303, s200, s404, s403, s200, s200, s403, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/clusters/:clusterName/status":                           {s303, s200, s404, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /healthz":                             {s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200},
	"GET /login":                               {s200, s303, s303, s303, s303, s303, s303, s303, s200, s200, s200, s200},
	"GET /orgs/:orgId":                         {s303, s303, s303, s303, s303, s303, s303, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/activity":                {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/apikeys":                 {s303, s200, s403, s403, s403, s403, s403, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/settings":                {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/support-access-log":      {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/record/verify":           {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /readyz":                              {s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200},
	"GET /static/*":                            {s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200},
	"PATCH /api/atlas/v2/orgs/:orgId/settings": {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"POST /account/password":                   {s401, s303, s303, s303, s303, s303, s303, s303, s401, s401, s401, s401},
	"POST /api/atlas/v2/groups/:groupId/clusters/:clusterName:grantMongoDBEmployeeAccess":  {s401, s401, s401, s401, s401, s401, s401, s401, s401, s204, s403, s404},
	"POST /api/atlas/v2/groups/:groupId/clusters/:clusterName:revokeMongoDBEmployeeAccess": {s401, s401, s401, s401, s401, s401, s401, s401, s401, s204, s403, s404},
	"POST /api/oauth/revoke":                             {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /api/oauth/token":                              {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /api/support/v1/access-decisions":              {s401, s401, s401, s401, s401, s401, s401, s401, s200, s401, s401, s401},
	"POST /groups/:groupId/clusters/:clusterName/grant":  {s401, s303, s404, s403, s303, s303, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/clusters/:clusterName/revoke": {s401, s303, s404, s403, s303, s303, s403, s404, s401, s401, s401, s401},
	"POST /login":                                         {s401, s303, s303, s303, s303, s303, s303, s303, s401, s401, s401, s401},
	"POST /logout":                                        {s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303},
	"POST /orgs/:orgId/apikeys":                           {s401, s200, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/apikeys/:keyId/delete":             {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/serviceaccounts":                   {s401, s200, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/serviceaccounts/:accountId/delete": {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/settings":                          {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/settings/unlock":                   {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	routeNotFound + " /":                                  {s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303},
	routeNotFound + " /*":                                 {s303, s404, s404, s404, s404, s404, s404, s404, s303, s303, s303, s303},
	routeNotFound + " /api/*":                             {s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404},
	routeNotFound + " /api/atlas/v2/*":                    {s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404},
	routeNotFound + " /api/atlas/v2/groups/:groupId/clusters/:clusterName/*": {s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404},
	routeNotFound + " /api/oauth/*":                                          {s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404, s404},
	routeNotFound + " /api/support/v1":                                       {s401, s401, s401, s401, s401, s401, s401, s401, s404, s401, s401, s401},
	routeNotFound + " /api/support/v1/*":                                     {s401, s401, s401, s401, s401, s401, s401, s401, s404, s401, s401, s401},
	"GET /api/atlas/v2/groups/:groupId/alertConfigs":                         {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/groups/:groupId/alertConfigs/:alertConfigId":          {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"POST /api/atlas/v2/groups/:groupId/alertConfigs":                        {s401, s401, s401, s401, s401, s401, s401, s401, s401, 201, s403, s404},
	"PUT /api/atlas/v2/groups/:groupId/alertConfigs/:alertConfigId":          {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"PATCH /api/atlas/v2/groups/:groupId/alertConfigs/:alertConfigId":        {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s403, s404},
	"DELETE /api/atlas/v2/groups/:groupId/alertConfigs/:alertConfigId":       {s401, s401, s401, s401, s401, s401, s401, s401, s401, s204, s403, s404},
	"GET /groups/:groupId/alerts":                                            {s303, s200, s404, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /groups/:groupId/alerts/:alertId":                                   {s303, s200, s404, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"POST /groups/:groupId/alerts":                                           {s401, s303, s404, s403, s303, s403, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/alerts/:alertId":                                  {s401, s303, s404, s403, s303, s403, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/alerts/:alertId/enabled":                          {s401, s303, s404, s403, s303, s403, s403, s404, s401, s401, s401, s401},
	"POST /groups/:groupId/alerts/:alertId/delete":                           {s401, s303, s404, s403, s303, s403, s403, s404, s401, s401, s401, s401},
	"GET /api/atlas/v2/orgs/:orgId/supportAccessLog":                         {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /api/atlas/v2/orgs/:orgId/supportAccessLog\\:export":                {s401, s401, s401, s401, s401, s401, s401, s401, s401, s200, s200, s404},
	"GET /orgs/:orgId/activity/export":                                       {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/support-access-log/export":                             {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"POST /orgs/:orgId/settings/mfa":                                         {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"GET /orgs/:orgId/members":                                               {s303, s200, s200, s200, s200, s200, s200, s404, s303, s303, s303, s303},
	"GET /orgs/:orgId/members/:userId":                                       {s303, s200, s403, s403, s403, s403, s403, s404, s303, s303, s303, s303},
	"POST /orgs/:orgId/members":                                              {s401, s200, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/members/:userId/remove":                               {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/members/:userId/reset":                                {s401, s200, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"POST /orgs/:orgId/members/:userId/roles":                                {s401, s303, s403, s403, s403, s403, s403, s404, s401, s401, s401, s401},
	"GET /account/security":                                                  {s303, s200, s200, s200, s200, s200, s200, s200, s303, s303, s303, s303},
	"GET /account/totp":                                                      {s303, s200, s200, s200, s200, s200, s200, s200, s303, s303, s303, s303},
	"POST /account/totp":                                                     {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /account/totp/remove":                                              {s401, s303, s303, s303, s303, s303, s303, s303, s401, s401, s401, s401},
	"POST /account/passkeys":                                                 {s401, s200, s200, s200, s200, s200, s200, s200, s401, s401, s401, s401},
	"POST /account/passkeys/:id/remove":                                      {s401, s404, s404, s404, s404, s404, s404, s404, s401, s401, s401, s401},
	"POST /account/passkeys/finish":                                          {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /account/verify/passkey":                                           {s401, s422, s422, s422, s422, s422, s422, s422, s401, s401, s401, s401},
	"POST /account/verify/passkey/finish":                                    {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /login/verify/passkey":                                             {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"POST /login/verify/passkey/finish":                                      {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"GET /account/verify":                                                    {s303, s200, s200, s200, s200, s200, s200, s200, s303, s303, s303, s303},
	"POST /account/verify":                                                   {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	"GET /login/verify":                                                      {s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303},
	"POST /login/verify":                                                     {s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401, s401},
	routeNotFound + " /account":                                              {s303, s404, s404, s404, s404, s404, s404, s404, s303, s303, s303, s303},
	routeNotFound + " /account/*":                                            {s303, s404, s404, s404, s404, s404, s404, s404, s303, s303, s303, s303},
	"GET /password-link/:token":                                              {s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200, s200},
	"POST /password-link/:token":                                             {s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303, s303},
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newMatrixWorld(t)
	var keys []string
	seen := map[string]bool{}
	for _, r := range w.f.Echo.Routes() {
		route := r.Method + " " + r.Path
		for _, action := range append([]string(nil), routeActions[route]...) {
			if k := route + action; !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		if k := route; routeActions[route] == nil && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for k := range matrix {
		if !seen[k] {
			t.Errorf("the matrix has a row for %q, which the router does not have: remove it", k)
		}
	}
	dump := os.Getenv("MATRIX_PRINT") != ""
	for _, k := range keys {
		want, ok := matrix[k]
		if !ok && !dump {
			t.Errorf("route %q has no row in the authorization matrix: add one saying what each caller gets", k)
			continue
		}
		method, pattern, _ := strings.Cut(k, " ")
		action := ""
		for route, actions := range routeActions {
			for _, a := range actions {
				if k == route+a {
					_, pattern, _ = strings.Cut(route, " ")
					action = a
				}
			}
		}
		var got [nCallers]int
		for who := range nCallers {
			r := w.request(t, method, pattern, action)
			before := w.storage(t)
			res := w.send(t, who, method, r)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got[who] = res.StatusCode
			loc := res.Header.Get("Location")
			// Ending a session (logout, password change) is the request's
			// purpose: log the user in again for the next routes.
			if w.users[who] != nil && w.users[who].Cookies["sa_session"] == nil {
				w.restorePassword(t, who)
				w.users[who] = w.f.Login(w.emails[who])
				w.users[who].Get("/login")
			}
			if dump {
				if os.Getenv("MATRIX_PRINT") == "v" {
					fmt.Printf("  %s as %s: %d %s %.4000s\n", k, callerNames[who], res.StatusCode, loc, b)
				}
				continue
			}
			name := k + " as " + callerNames[who]
			if res.StatusCode != want[who] {
				t.Errorf("%s: status %d (Location %q), want %d; body: %.300s", name, res.StatusCode, loc, want[who], b)
				continue
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s: status %d", name, res.StatusCode)
			}
			refused := res.StatusCode >= 400 || strings.HasPrefix(loc, "/login")
			// Callers without a console session; of them, the ones that
			// are not Acme's.
			noSession := w.users[who] == nil
			outsider := who == asAnon || who == asGlobex || who == asSupport || who == asForeign
			// Logging in, out and changing one's password end in a redirect
			// to the login page on success.
			endsSession := k == "POST /logout" || k == "POST /login" || k == "POST /account/password" || k == "POST /password-link/:token"
			if refused && !endsSession {
				if after := w.storage(t); after != before {
					t.Errorf("%s: refused with %d but storage changed:\n before %s\n after  %s", name, res.StatusCode, before, after)
				}
			}
			if noSession && (res.StatusCode == s303 && !strings.HasPrefix(loc, "/login") && k != "POST /logout") {
				t.Errorf("%s: an outsider is sent to %q, not to the login page", name, loc)
			}
			// Whoever holds a password link's token is the person it was
			// made for: its page names their organization.
			byLink := strings.HasPrefix(pattern, "/password-link/")
			if outsider && who != asSupport && !byLink && (bytes.Contains(b, []byte("Acme")) || bytes.Contains(b, []byte("orders-prod"))) {
				t.Errorf("%s: the answer names Acme's things: %.300s", name, b)
			}
			// A caller without a session never gets an Acme console
			// page: a 2xx HTML answer for them is the login page at most.
			if noSession && res.StatusCode < 300 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && k != "GET /login" && !byLink {
				t.Errorf("%s: an outsider got a console page", name)
			}
			// Every HTML answer carries the security headers, error pages
			// and 404s included, and no answer shows internals.
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				checkHTMLHeaders(t, name, res.Header)
			}
			if m := handlertest.Leak(string(b)); m != "" && res.StatusCode >= 400 {
				t.Errorf("%s: the answer shows %q", name, m)
			}
			if strings.HasPrefix(pattern, "/api/") && res.StatusCode >= 400 && !strings.Contains(res.Header.Get("Content-Type"), "json") {
				t.Errorf("%s: API error answered as %q, not JSON", name, res.Header.Get("Content-Type"))
			}
		}
		if dump {
			fmt.Printf("%q: %v,\n", k, got)
		}
	}
	if dump {
		t.Fatal("MATRIX_PRINT is set: the statuses were printed, not checked")
	}
}
