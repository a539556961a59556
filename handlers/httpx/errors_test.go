package httpx

import (
	"net/http"
	"testing"

	"supportaccess/models"
)

// TestErrorAnswersAgree: each domain error has one console status and one
// API status and errorCode, a bare API status names the same errorCode,
// and anything unknown is an internal error on both sides.
func TestErrorAnswersAgree(t *testing.T) {
	cases := []struct {
		code          string
		console, api  int
		apiCode       string
		bareStatusAPI string
	}{
		{models.EINVALID, 422, 400, "INVALID_ATTRIBUTE", "INVALID_REQUEST"},
		{models.ENOTFOUND, 404, 404, "RESOURCE_NOT_FOUND", "RESOURCE_NOT_FOUND"},
		{models.EFORBIDDEN, 403, 403, "USER_UNAUTHORIZED", "USER_UNAUTHORIZED"},
		{models.EUNAUTHORIZED, 401, 401, "NOT_AUTHENTICATED", "NOT_AUTHENTICATED"},
		{models.ECONFLICT, 409, 409, "CONFLICT", "CONFLICT"},
		{models.ETOOMANY, 429, 429, "RATE_LIMITED", "RATE_LIMITED"},
		{models.EINTERNAL, 500, 500, "UNEXPECTED_ERROR", "UNEXPECTED_ERROR"},
		{"SOMETHING_ELSE", 500, 500, "UNEXPECTED_ERROR", "UNEXPECTED_ERROR"},
	}
	for _, tc := range cases {
		if got := StatusOf(tc.code); got != tc.console {
			t.Errorf("%s on the console: %d, want %d", tc.code, got, tc.console)
		}
		if st, code := APIStatusOf(tc.code); st != tc.api || code != tc.apiCode {
			t.Errorf("%s on the API: %d %s, want %d %s", tc.code, st, code, tc.api, tc.apiCode)
		}
		if got := APICodeForStatus(tc.api); got != tc.bareStatusAPI {
			t.Errorf("bare status %d: %s, want %s", tc.api, got, tc.bareStatusAPI)
		}
	}
	for status, want := range map[int]string{http.StatusMethodNotAllowed: "METHOD_NOT_ALLOWED", http.StatusRequestEntityTooLarge: "REQUEST_TOO_LARGE", http.StatusTeapot: "UNEXPECTED_ERROR"} {
		if got := APICodeForStatus(status); got != want {
			t.Errorf("bare status %d: %s, want %s", status, got, want)
		}
	}
}
