package handlers_test

// The callers of the authorization matrix and how each sends a request.

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	"supportaccess/models/store/storetest"
)

// matrixWorld is the fixture with every caller's credentials.
type matrixWorld struct {
	f       *handlertest.Fixture
	users   [nCallers]*handlertest.Client // console sessions, for the user callers
	emails  [nCallers]string
	anon    *handlertest.Client // holds only a CSRF cookie, lent to the non-user callers
	support string              // the support employee's bearer token
	foreign *http.Client
}

func newMatrixWorld(t *testing.T) *matrixWorld {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	ctx := context.Background()
	w := &matrixWorld{f: f}
	w.emails = [nCallers]string{asOwner: handlertest.OwnerEmail, asMember: handlertest.MemberEmail, asPOwner: handlertest.POwnerEmail, asSAM: handlertest.SAMEmail, asReader: handlertest.ReaderEmail, asGlobex: handlertest.GlobexEmail}
	for i, e := range w.emails {
		if e != "" {
			w.users[i] = f.Login(e)
			w.users[i].Get("/login") // the CSRF cookie
		}
	}
	w.anon = f.Anon()
	w.anon.MustStatus(w.anon.Get("/login"), http.StatusOK)
	var err error
	if _, w.support, err = f.Store.CreateSupportStaff(ctx, "tse@provider.test", 0); err != nil {
		t.Fatal(err)
	}
	k, private, err := f.Store.CreateAPIKey(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Globex)}, models.CredentialRequest{OrgID: handlertest.IDs.Globex, Description: "globex owner key", Role: models.OrgOwner})
	if err != nil {
		t.Fatal(err)
	}
	w.foreign = &http.Client{
		Transport:     digest.NewTransportWithHTTPRoundTripper(k.PublicKey, private, &alwaysChallenge{e: f.Echo}),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return w
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

func (w *matrixWorld) request(t *testing.T, method, pattern string) matrixRequest {
	t.Helper()
	ctx := context.Background()
	api := strings.HasPrefix(pattern, "/api/")
	param := regexp.MustCompile(`:[A-Za-z]+|\*$`)
	path := param.ReplaceAllStringFunc(pattern, func(name string) string {
		switch name {
		case ":orgId":
			return handlertest.IDs.Org
		case ":groupId":
			return handlertest.IDs.Prod
		case ":clusterName":
			if api && method == http.MethodPost {
				return "orders-prod:grantMongoDBEmployeeAccess"
			}
			return "orders-prod"
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
		case ":accountId":
			a, _, err := w.f.Store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)}, models.CredentialRequest{OrgID: handlertest.IDs.Org, Description: "doomed", Role: models.OrgReadOnly})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
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
	case api && method == http.MethodPatch:
		r.body, r.ctype = `{"restrictEmployeeAccess":true}`, "application/json"
	case api:
		exp := w.f.Store.Now().Add(3600e9).UTC().Format("2006-01-02T15:04:05Z")
		r.body, r.ctype = `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"`+exp+`"}`, "application/json"
	default: // a console form, with every field any console form reads
		r.body, r.ctype = url.Values{"grantType": {string(models.GrantInfrastructure)}, "restrictEmployeeAccess": {"true"},
			"description": {"matrix"}, "role": {string(models.OrgReadOnly)}, "current": {handlertest.Password}, "new": {handlertest.Password}}.Encode(), "application/x-www-form-urlencoded"
	}
	return r
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
	case asForeign:
		if res, err = w.foreign.Do(req); err != nil {
			t.Fatal(err)
		}
	case asSupport:
		req.Header.Set("Authorization", "Bearer "+w.support)
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
	var out []string
	for _, tb := range []string{"grants", "events", "api_keys", "service_accounts", "access_tokens", "support_staff", "users"} {
		var n int64
		if err := storetest.DB(w.f.Store).Table(tb).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", tb, n))
	}
	var blocked int64
	if err := storetest.DB(w.f.Store).Table("organizations").Where("block_support_access = ?", true).Count(&blocked).Error; err != nil {
		t.Fatal(err)
	}
	var hashes []string
	if err := storetest.DB(w.f.Store).Table("users").Order("id").Pluck("password_hash", &hashes).Error; err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ") + fmt.Sprintf(" blocked=%d passwords=%x", blocked, sha256.Sum256([]byte(strings.Join(hashes, ","))))
}
