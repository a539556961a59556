package handlers_test

// The callers of the authorization matrix and how each sends a request.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mongodb-forks/digest"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store"
)

// matrixWorld is the fixture with every caller's credentials.
type matrixWorld struct {
	f       *handlertest.Fixture
	users   [nCallers]*handlertest.Client // console sessions, for the user callers
	emails  [nCallers]string
	anon    *handlertest.Client // holds only a CSRF cookie, lent to the non-user callers
	support string              // the support employee's bearer token
	ownSA   string              // Acme's own Organization Read Only service account's bearer token
	ownKey  *http.Client        // Acme's own Organization Owner API key
	foreign *http.Client        // Globex's Organization Owner API key
}

func newMatrixWorld(t *testing.T) *matrixWorld {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	ctx := context.Background()
	w := &matrixWorld{f: f}
	// Production's default alerts off: each would queue a delivery for
	// every grant and revoke the matrix makes, which every storage
	// fingerprint then reads again; who may read and change alerts does
	// not depend on whether they are on.
	defaults, err := f.Store.AlertConfigs(ctx, models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range defaults {
		if _, err := f.Store.SetAlertConfigEnabled(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, handlertest.IDs.Prod, a.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	w.emails = [nCallers]string{asOwner: handlertest.OwnerEmail, asMember: handlertest.MemberEmail, asOrgRO: handlertest.OrgROEmail, asPOwner: handlertest.POwnerEmail, asSAM: handlertest.SAMEmail, asReader: handlertest.ReaderEmail, asGlobex: handlertest.GlobexEmail}
	for i, e := range w.emails {
		if e != "" {
			w.users[i] = f.Login(e)
			w.users[i].Get("/login") // the CSRF cookie
		}
	}
	w.anon = f.Anon()
	w.anon.MustStatus(w.anon.Get("/login"), http.StatusOK)
	if _, w.support, err = f.Store.CreateSupportStaff(ctx, "tse@provider.test", 0); err != nil {
		t.Fatal(err)
	}
	w.foreign = w.keyClient(t, handlertest.IDs.Globex, "globex owner key")
	w.ownKey = w.keyClient(t, handlertest.IDs.Org, "acme owner key")
	acme := models.Actor{Principal: models.Operator(handlertest.IDs.Org)}
	sa, secret, err := f.Store.CreateServiceAccount(ctx, acme, models.CredentialRequest{OrgID: handlertest.IDs.Org, Description: "acme read-only account", Role: models.OrgReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	if w.ownSA, _, err = f.Store.IssueAccessToken(ctx, sa.ClientID, secret); err != nil {
		t.Fatal(err)
	}
	// The server makes its Digest nonce secret (a settings row) on the
	// first Digest request: make it now, before any storage is compared.
	req, err := http.NewRequest(http.MethodGet, "http://example.test/api/atlas/v2/orgs", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.ownKey.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("a first Digest request: %v %v", err, res)
	}
	res.Body.Close()
	return w
}

// keyClient is a Digest client with a new Organization Owner API key of
// organization org.
func (w *matrixWorld) keyClient(t *testing.T, org, description string) *http.Client {
	t.Helper()
	k, private, err := w.f.Store.CreateAPIKey(context.Background(), models.Actor{Principal: models.Operator(org)}, models.CredentialRequest{OrgID: org, Description: description, Role: models.OrgOwner})
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Transport:     digest.NewTransportWithHTTPRoundTripper(k.PublicKey, private, &alwaysChallenge{e: w.f.Echo}),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// inProcess serves a request with the router, from a fixed address.
func inProcess(e http.Handler, req *http.Request) *http.Response {
	r := req.Clone(req.Context())
	r.RemoteAddr = "192.0.2.1:1234"
	r.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, r)
	return rec.Result()
}

// alwaysChallenge sits under the Digest transport. A request without
// credentials is answered with the Admin API's own Digest challenge
// (fetched from the server), so that the transport signs every request,
// console pages and the support API included: the key is then refused on
// its merits, not because it was never sent.
type alwaysChallenge struct{ e http.Handler }

func (a *alwaysChallenge) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return inProcess(a.e, req), nil
	}
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	ch, _ := http.NewRequest(http.MethodGet, "http://example.test/api/atlas/v2/orgs", nil)
	return inProcess(a.e, ch), nil
}

// matrixRequest is one route's concrete request: its path with Acme's
// ids, and a body that would succeed for a caller allowed to send it.
type matrixRequest struct {
	path, body, ctype string
}

// request is a concrete request for the route, with action the custom
// method of a route that takes one (":grantMongoDBEmployeeAccess"). Each
// request starts from a grant in force on orders-prod, so that a revoke
// sent by one caller does not change what the next caller's answer is.
func (w *matrixWorld) request(t *testing.T, method, pattern, action string) matrixRequest {
	t.Helper()
	ctx := context.Background()
	cv, err := w.f.Store.ClusterByName(ctx, models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod, "orders-prod")
	if err != nil {
		t.Fatal(err)
	}
	if cv.Grant == nil {
		w.f.Grant("orders-prod", models.GrantInfrastructure)
	}
	api := strings.HasPrefix(pattern, "/api/")
	// A colon after a backslash is a literal one (an Atlas custom method).
	param := regexp.MustCompile(`\\:[A-Za-z]+|:[A-Za-z]+|\*$`)
	path := param.ReplaceAllStringFunc(pattern, func(name string) string {
		if strings.HasPrefix(name, `\`) {
			return name[1:]
		}
		switch name {
		case ":orgId":
			return handlertest.IDs.Org
		case ":groupId":
			return handlertest.IDs.Prod
		case ":clusterName":
			return "orders-prod" + action
		case ":groupName":
			return "Production"
		case ":eventId": // Acme's newest event: the grant on Production
			evs, _, err := w.f.Store.Events(ctx, models.Operator(handlertest.IDs.Org), models.EventFilter{OrgID: handlertest.IDs.Org, ProjectID: handlertest.IDs.Prod, PerPage: 1})
			if err != nil || len(evs) == 0 {
				t.Fatalf("no event of Acme's to name: %v", err)
			}
			return evs[0].ID
		case ":keyId": // a fresh key each time, so every caller finds one to delete
			k, _, err := w.f.Store.CreateAPIKey(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, models.CredentialRequest{OrgID: handlertest.IDs.Org, Description: "doomed", Role: models.OrgReadOnly})
			if err != nil {
				t.Fatal(err)
			}
			return k.ID
		case ":requestId": // a pending request for every caller to act on: the one a refusal left, else a new one
			pending, _, err := w.f.Store.Requests(ctx, models.Operator(handlertest.IDs.Org), models.RequestFilter{OrgID: handlertest.IDs.Org, Status: models.RequestPending, PerPage: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) == 1 {
				return pending[0].ID + action
			}
			st, err := w.f.Store.SupportStaffByToken(ctx, w.support)
			if err != nil {
				t.Fatal(err)
			}
			r, err := w.f.Store.CreateRequest(ctx, st, models.RequestInput{ProjectID: handlertest.IDs.Prod, ClusterName: "orders-prod",
				GrantType: models.GrantInfrastructure, DurationHours: 2, CaseNumber: "00912345"})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID + action
		case ":accountId":
			a, _, err := w.f.Store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, models.CredentialRequest{OrgID: handlertest.IDs.Org, Description: "doomed", Role: models.OrgReadOnly})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		case ":alertConfigId", ":alertId": // a fresh alert each time, so every caller finds one to change or delete; on an
			// event that no request here raises, so that the alerts made do not each queue a delivery for every later change
			a, err := w.f.Store.CreateAlertConfig(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, handlertest.IDs.Prod,
				models.AlertConfig{EventType: models.EventExpiring, Enabled: true, Notifications: []models.AlertNotification{{TypeName: models.NotifyEmail, EmailAddress: "matrix@acme.test"}}})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		case ":userId", ":token": // a fresh invitee each time, so every caller finds one to change
			u, token, err := w.f.Store.InviteMember(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, handlertest.IDs.Org,
				store.Invitation{Email: models.NewID(w.f.Store.Now()) + "@acme.test", Role: models.OrgMember})
			if err != nil {
				t.Fatal(err)
			}
			if name == ":token" {
				return token
			}
			return u.ID
		case ":id": // a passkey id: nobody has one, so every caller's own is missing
			return "no-such-passkey"
		case "*":
			if pattern == "/static/*" {
				return "app.css"
			}
			return "no-such-thing"
		}
		t.Fatalf("route %s %s: no value for parameter %s; teach the matrix", method, pattern, name)
		return ""
	})
	r := matrixRequest{path: path}
	switch {
	case method == http.MethodGet || method == routeNotFound:
		if strings.HasSuffix(pattern, "/logs/database") {
			r.path += "?caseNumber=00912345&justification=matrix"
		}
	case strings.HasPrefix(pattern, "/api/oauth/"):
		r.body, r.ctype = url.Values{"grant_type": {"client_credentials"}, "token": {"x"}}.Encode(), "application/x-www-form-urlencoded"
	case pattern == "/api/support/v1/access-decisions":
		r.body, r.ctype = `{"groupId":"`+handlertest.IDs.Prod+`","clusterName":"orders-prod","scope":"INFRASTRUCTURE","caseNumber":"00912345","justification":"matrix"}`, "application/json"
	case pattern == "/api/support/v1/access-requests":
		r.body, r.ctype = `{"groupId":"`+handlertest.IDs.Prod+`","clusterName":"orders-prod","grantType":"CLUSTER_INFRASTRUCTURE","durationHours":2,"caseNumber":"00912345","justification":"matrix"}`, "application/json"
	case strings.HasPrefix(pattern, "/api/support/v1/access-requests/"): // cancel: no body
	case action == ":approve":
		r.body, r.ctype = `{"grantType":"CLUSTER_INFRASTRUCTURE"}`, "application/json"
	case action == ":deny":
		r.body, r.ctype = `{"reason":"matrix"}`, "application/json"
	case strings.HasSuffix(pattern, "/supportAccessPolicy") && method == http.MethodPatch:
		r.body, r.ctype = `{"maxGrantDurationHours":24}`, "application/json"
	case api && strings.Contains(pattern, "/alertConfigs") && method == http.MethodPatch:
		r.body, r.ctype = `{"enabled":false}`, "application/json"
	case api && strings.Contains(pattern, "/alertConfigs"):
		r.body, r.ctype = `{"eventTypeName":"EMPLOYEE_ACCESS_EXPIRING","enabled":true,"notifications":[{"typeName":"EMAIL","emailAddress":"matrix@acme.test","delayMin":0,"intervalMin":60}]}`, "application/json"
	case api && method == http.MethodPatch:
		r.body, r.ctype = `{"restrictEmployeeAccess":true}`, "application/json"
	case api:
		exp := w.f.Store.Now().Add(3600e9).UTC().Format("2006-01-02T15:04:05Z")
		r.body, r.ctype = `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"`+exp+`"}`, "application/json"
	default: // a console form, with every field any console form reads
		r.body, r.ctype = url.Values{"grantType": {string(models.GrantInfrastructure)}, "restrictEmployeeAccess": {"true"},
			"description": {"matrix"}, "role": {string(models.OrgReadOnly)}, "current": {handlertest.Password}, "new": {matrixNewPassword}, "member": {handlertest.ReaderEmail},
			"reason": {"matrix"}, "maxGrantDurationHours": {"24"}, "retentionDays": {"400"}, "allowedGrantTypes": {string(models.GrantInfrastructure)},
			"eventType": {string(models.EventExpiring)}, "projectOwners": {"on"}, "enabled": {"true"},
			"email": {"invitee@acme.test"}, "orgRole": {string(models.OrgReadOnly)}, "name": {"matrix key"}, "multiFactorAuthRequired": {"false"}}.Encode(), "application/x-www-form-urlencoded"
	}
	return r
}

// matrixNewPassword is the password the matrix's password change sets:
// not the current one, which the change refuses. The matrix sets the
// fixture's password back afterwards (restorePassword).
const matrixNewPassword = "the matrix's own passphrase"

// restorePassword sets a caller's password back to the fixture's after a
// password change that took, so that the next routes can log in.
func (w *matrixWorld) restorePassword(t *testing.T, who int) {
	t.Helper()
	ctx := context.Background()
	u, err := w.f.Store.UserByEmail(ctx, w.emails[who])
	if err != nil {
		t.Fatal(err)
	}
	if models.CheckPassword(u.PasswordHash, handlertest.Password) {
		return
	}
	if err := w.f.Store.SetPassword(ctx, u.ID, handlertest.Password); err != nil {
		t.Fatal(err)
	}
}

// send makes one request as a caller and returns the answer.
func (w *matrixWorld) send(t *testing.T, who int, method string, r matrixRequest) *http.Response {
	t.Helper()
	if method == routeNotFound {
		method = http.MethodGet
	}
	jar := w.anon
	if w.users[who] != nil {
		jar = w.users[who]
	}
	body := r.body
	if r.path == "/login" && method == http.MethodPost {
		// Users log in as themselves; anyone else tries a wrong password
		// for an address of their own (a shared one would be throttled).
		login := url.Values{"email": {w.emails[who]}, "password": {handlertest.Password}}
		if w.users[who] == nil {
			login = url.Values{"email": {fmt.Sprintf("stranger%d@acme.test", who)}, "password": {"not the password"}}
		}
		body = login.Encode()
	}
	if r.ctype == "application/x-www-form-urlencoded" && !strings.HasPrefix(r.path, "/api/") {
		body += "&_csrf=" + url.QueryEscape(jar.CSRF())
	}
	req, err := http.NewRequest(method, "http://example.test"+r.path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	for _, ck := range jar.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	var res *http.Response
	switch who {
	case asForeign, asOwnKey:
		client := map[int]*http.Client{asForeign: w.foreign, asOwnKey: w.ownKey}[who]
		if res, err = client.Do(req); err != nil {
			t.Fatal(err)
		}
	case asSupport, asOwnSA:
		req.Header.Set("Authorization", "Bearer "+map[int]string{asSupport: w.support, asOwnSA: w.ownSA}[who])
		res = inProcess(w.f.Echo, req)
	default:
		res = inProcess(w.f.Echo, req)
	}
	if w.users[who] != nil {
		for _, ck := range res.Cookies() {
			if ck.MaxAge < 0 || ck.Value == "" {
				delete(jar.Cookies, ck.Name)
			} else {
				jar.Cookies[ck.Name] = ck
			}
		}
	}
	return res
}

// storage is what a refused request must leave as it was.
func (w *matrixWorld) storage(t *testing.T) string {
	t.Helper()
	w.f.T = t
	return w.f.Storage()
}
